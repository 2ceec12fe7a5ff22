//! Coordinate reference systems at the server's boundary with a city's survey data, on PROJ
//! (the `proj` crate): a city's system — an EPSG code such as `EPSG:4549` (CGCS2000, 3° Gauss–
//! Krüger zone at 120°E) or a PROJ string for a city's own independent system — to and from
//! WGS84, which is what the server stores and phones hold. PROJ does every datum and projection
//! conversion; GCJ-02 is not a PROJ system (`cgt_shared::gcj02`).

pub mod control;

use cgt_shared::geometry::Point;
use proj::Proj;
use thiserror::Error;

/// WGS84 longitude / latitude, the system everything is stored in.
const WGS84: &str = "EPSG:4326";

#[derive(Debug, Error)]
pub enum CrsError {
    #[error("坐标系 {definition} 无法识别 (PROJ: {reason})")]
    Unknown { definition: String, reason: String },
    #[error("坐标 ({x}, {y}) 无法换算 (PROJ: {reason})")]
    Unconvertible { x: f64, y: f64, reason: String },
}

/// The WKT of the system `definition` (an EPSG code or a PROJ string), as a GeoPackage
/// records it.
pub fn system_wkt(definition: &str) -> Result<String, CrsError> {
    let unknown = |reason: String| CrsError::Unknown {
        definition: definition.to_string(),
        reason,
    };
    // A PROJ string names an operation unless it says it is a system.
    let system = if definition.trim_start().starts_with('+') && !definition.contains("+type=crs") {
        format!("{definition} +type=crs")
    } else {
        definition.to_string()
    };
    let wkt = Proj::new(&system)
        .map_err(|e| unknown(e.to_string()))?
        .as_wkt(None, None)
        .map_err(|e| unknown(e.to_string()))?;
    // On one line, as it is read back (a definition may not hold control characters).
    Ok(wkt.lines().map(str::trim).collect())
}

/// A conversion between a city's system and WGS84, in one direction. Points are `[x, y]` in
/// the order people write them: easting, northing for projected systems, longitude, latitude
/// for geographic ones.
pub struct Conversion {
    proj: Proj,
}

impl Conversion {
    /// From the city's system `definition` to WGS84.
    pub fn to_wgs84(definition: &str) -> Result<Conversion, CrsError> {
        Conversion::between(definition, WGS84)
    }

    /// From WGS84 to the city's system `definition` (exports).
    pub fn from_wgs84(definition: &str) -> Result<Conversion, CrsError> {
        Conversion::between(WGS84, definition)
    }

    fn between(from: &str, to: &str) -> Result<Conversion, CrsError> {
        let definition = if from == WGS84 { to } else { from };
        if definition.trim().is_empty() || definition.chars().any(char::is_control) {
            return Err(CrsError::Unknown {
                definition: format!("{definition:?}"),
                reason: "empty or with control characters".into(),
            });
        }
        let proj = Proj::new_known_crs(from, to, None).map_err(|e| CrsError::Unknown {
            definition: definition.to_string(),
            reason: e.to_string(),
        })?;
        Ok(Conversion { proj })
    }

    /// One point; a point PROJ cannot convert (outside the projection's domain) is an error.
    pub fn convert(&self, [x, y]: Point) -> Result<Point, CrsError> {
        let unconvertible = |reason: String| CrsError::Unconvertible { x, y, reason };
        let (cx, cy) = self
            .proj
            .convert((x, y))
            .map_err(|e| unconvertible(e.to_string()))?;
        if cx.is_finite() && cy.is_finite() {
            Ok([cx, cy])
        } else {
            Err(unconvertible("no finite result".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::geometry::distance_m;

    /// CGCS2000 longitude / latitude and the projected coordinates `pyproj` 3.7.2 (PROJ 9.5.1)
    /// gives for them, to the tenth of a millimetre.
    const REFERENCE: [(&str, Point, Point); 4] = [
        (
            "EPSG:4549",
            [120.619, 31.3158],
            [558_921.953_0, 3_466_153.192_7],
        ),
        (
            "EPSG:4549",
            [121.4737, 31.2304],
            [640_412.315_0, 3_457_455.488_6],
        ),
        (
            "EPSG:4527",
            [113.03, 25.77],
            [39_101_562.239_0, 2_857_361.448_3],
        ),
        (
            "EPSG:4527",
            [112.98, 25.80],
            [39_096_640.766_6, 2_860_842.637_2],
        ),
    ];

    /// A city's own system: transverse Mercator on a local central meridian with false
    /// origin shifts, as 城市独立坐标系 are defined.
    const CITY: &str = "+proj=tmerc +lat_0=0 +lon_0=120.5 +k=1 +x_0=50000 +y_0=-3000000 \
                        +ellps=GRS80 +units=m +no_defs";

    #[test]
    fn gauss_krueger_zones_match_the_reference_to_a_millimetre() {
        for (code, lon_lat, projected) in REFERENCE {
            let ours = Conversion::from_wgs84(code)
                .unwrap()
                .convert(lon_lat)
                .unwrap();
            let off = (ours[0] - projected[0]).hypot(ours[1] - projected[1]);
            assert!(off < 0.001, "{code} {lon_lat:?}: {ours:?} is {off} m off");
            let back = Conversion::to_wgs84(code)
                .unwrap()
                .convert(projected)
                .unwrap();
            assert!(distance_m(back, lon_lat) < 0.001, "{code}: {back:?}");
        }
    }

    #[test]
    fn a_city_system_by_its_proj_string_goes_there_and_back() {
        let there = Conversion::from_wgs84(CITY).unwrap();
        let back = Conversion::to_wgs84(CITY).unwrap();
        let local = there.convert([120.619, 31.3158]).unwrap();
        // 0.119° east of the central meridian at 31.3°N: about 11.3 km east of the 50 km shift.
        assert!((61_000.0..61_700.0).contains(&local[0]), "{local:?}");
        let again = back.convert(local).unwrap();
        assert!(distance_m(again, [120.619, 31.3158]) < 0.001, "{again:?}");
    }

    #[test]
    fn unknown_systems_and_impossible_points_are_named() {
        for bad in ["EPSG:999999", "+proj=nonsense", "", "EPSG:4549\n"] {
            let error = Conversion::to_wgs84(bad).err().expect(bad).to_string();
            assert!(error.starts_with("坐标系"), "{bad:?}: {error}");
        }
        let zone = Conversion::to_wgs84("EPSG:4549").unwrap();
        let error = zone
            .convert([f64::NAN, 3_466_153.0])
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("坐标"), "{error}");
    }
}
