//! GeoJSON on the `geojson` crate: a FeatureCollection (or one Feature). RFC 7946 files are
//! WGS84; older ones name their system in a `crs` member, which is read.

use super::{Attributes, Feature, FeatureFile, FileError, Format, admit, text};
use geojson::{GeoJson, GeometryValue};
use serde_json::Value;

fn unreadable(reason: impl ToString) -> FileError {
    FileError::unreadable(Format::GeoJson, reason)
}

pub fn read(bytes: &[u8]) -> Result<FeatureFile, FileError> {
    let value: Value = serde_json::from_slice(text::without_bom(bytes)).map_err(unreadable)?;
    let declared_crs = declared(&value);
    let features = match serde_json::from_value::<GeoJson>(value).map_err(unreadable)? {
        GeoJson::FeatureCollection(collection) => collection.features,
        GeoJson::Feature(feature) => vec![feature],
        GeoJson::Geometry(_) => {
            return Err(unreadable(
                "需要 Feature 或 FeatureCollection (a bare geometry)",
            ));
        }
    };
    let mut read = Vec::with_capacity(features.len());
    for feature in features {
        admit(&read)?;
        read.push(Feature {
            geometry: feature.geometry.map(|g| geometry(&g.value)).transpose()?,
            attributes: attributes(feature.properties.unwrap_or_default()),
        });
    }
    Ok(FeatureFile {
        format: Format::GeoJson,
        features: read,
        declared_crs,
    })
}

/// `"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}` as
/// `EPSG:4549`; the name as written when it is not an EPSG URN.
fn declared(value: &Value) -> Option<String> {
    let name = value.pointer("/crs/properties/name")?.as_str()?.trim();
    let epsg = name
        .rsplit_once("EPSG::")
        .or_else(|| name.rsplit_once("EPSG:"))
        .map(|(_, code)| code)
        .filter(|code| !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()));
    match epsg {
        Some(code) if code == "4326" || name.contains("CRS84") => None,
        Some(code) => Some(format!("EPSG:{code}")),
        None if name.contains("CRS84") => None,
        None => Some(name.to_string()),
    }
}

/// The geometry, after checking every position has two coordinates (the conversion indexes
/// them).
fn geometry(value: &GeometryValue) -> Result<geo_types::Geometry<f64>, FileError> {
    if !positions_complete(value) {
        return Err(unreadable(
            "坐标少于两个数 (a position with fewer than 2 numbers)",
        ));
    }
    geo_types::Geometry::try_from(value).map_err(unreadable)
}

fn positions_complete(value: &GeometryValue) -> bool {
    let ok = |p: &geojson::Position| p.as_slice().len() >= 2;
    let all = |ps: &[geojson::Position]| ps.iter().all(ok);
    match value {
        GeometryValue::Point { coordinates } => ok(coordinates),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            all(coordinates)
        }
        GeometryValue::MultiLineString { coordinates } | GeometryValue::Polygon { coordinates } => {
            coordinates.iter().all(|l| all(l))
        }
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().flatten().all(|l| all(l)),
        GeometryValue::GeometryCollection { geometries } => {
            geometries.iter().all(|g| positions_complete(&g.value))
        }
    }
}

fn attributes(properties: serde_json::Map<String, Value>) -> Attributes {
    properties
        .into_iter()
        .filter_map(|(key, value)| {
            let text = match value {
                Value::Null | Value::Array(_) | Value::Object(_) => return None,
                Value::String(s) => s,
                other => other.to_string(),
            };
            super::attribute(&key, &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_is_read_with_its_declared_system() {
        let file = br#"{"type":"FeatureCollection",
            "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},
            "features":[{"type":"Feature","properties":{"Code":"320508001001001","MC":7,"bm2":1,"street":null},
              "geometry":{"type":"Point","coordinates":[558921.95,3466153.19]}}]}"#;
        let read = read(file).unwrap();
        assert_eq!(read.declared_crs.as_deref(), Some("EPSG:4549"));
        assert_eq!(read.features.len(), 1);
        let feature = &read.features[0];
        assert_eq!(feature.attributes["code"], "320508001001001");
        assert_eq!(feature.attributes["mc"], "7");
        assert!(!feature.attributes.contains_key("street"), "null is absent");
        assert!(
            !feature.attributes.contains_key("bm2"),
            "a name no field reads is not kept"
        );
        assert_eq!(
            feature.geometry,
            Some(geo_types::Point::new(558921.95, 3466153.19).into())
        );
    }

    #[test]
    fn a_short_position_is_an_error_not_a_panic() {
        let file = br#"{"type":"Feature","properties":{},
            "geometry":{"type":"Point","coordinates":[1]}}"#;
        assert!(read(file).is_err());
        assert!(read(b"{\"type\":\"Point\",\"coordinates\":[1,2]}").is_err());
        assert!(read(b"{not json").is_err());
    }
}
