//! Exports for a city's GIS: unit grids, work grids (the union of their unit grids), components
//! and cases, each a table of features written as CSV, GeoJSON or GeoPackage, in WGS84 or —
//! converted by PROJ at this boundary — in the city's own system. `datasets.rs` builds the
//! tables from what the store holds; the writers are pure.

mod csv;
pub mod datasets;
mod geojson;
mod geopackage;

use crate::crs::{Conversion, CrsError, system_wkt};
use geo::MapCoords;
use geo_types::{Coord, Geometry};
use std::str::FromStr;

/// A column's type, as a GeoPackage declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Integer(i64),
    Null,
}

impl Value {
    fn as_text(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Null => String::new(),
        }
    }

    fn as_json(&self) -> serde_json::Value {
        match self {
            Value::Text(t) => t.clone().into(),
            Value::Integer(n) => (*n).into(),
            Value::Null => serde_json::Value::Null,
        }
    }
}

/// One feature: its values in column order and its geometry (WGS84 until converted).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub values: Vec<Value>,
    pub geometry: Option<Geometry<f64>>,
}

/// A layer: its name, columns and features.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<(&'static str, ColumnType)>,
    pub rows: Vec<Row>,
}

/// The file format asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
    GeoPackage,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "csv" => Ok(Format::Csv),
            "geojson" => Ok(Format::GeoJson),
            "gpkg" => Ok(Format::GeoPackage),
            other => Err(format!("不支持的格式 {other:?} (csv, geojson or gpkg)")),
        }
    }
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::GeoJson => "application/geo+json",
            Format::GeoPackage => "application/geopackage+sqlite3",
        }
    }
}

/// The system an export is written in: WGS84, or one PROJ knows.
pub struct System {
    definition: Option<String>,
    conversion: Option<Conversion>,
}

impl System {
    pub fn wgs84() -> System {
        System {
            definition: None,
            conversion: None,
        }
    }

    pub fn named(definition: &str) -> Result<System, CrsError> {
        Ok(System {
            conversion: Some(Conversion::from_wgs84(definition)?),
            definition: Some(definition.to_string()),
        })
    }

    /// `EPSG:4549` → `("EPSG", 4549)`; any other definition is the city's own.
    fn epsg(&self) -> Option<i32> {
        let definition = self.definition.as_deref()?;
        let (authority, code) = definition.trim().split_once(':')?;
        (authority.eq_ignore_ascii_case("EPSG"))
            .then(|| code.parse().ok())
            .flatten()
    }
}

/// `table` written as `format` in `system`; its geometries converted first.
pub fn write(mut table: Table, format: Format, system: &System) -> Result<Vec<u8>, CrsError> {
    if let Some(conversion) = &system.conversion {
        for row in &mut table.rows {
            if let Some(geometry) = &row.geometry {
                row.geometry = Some(geometry.try_map_coords(|c| {
                    conversion.convert([c.x, c.y]).map(|[x, y]| Coord { x, y })
                })?);
            }
        }
    }
    Ok(match format {
        Format::Csv => csv::write(&table),
        Format::GeoJson => geojson::write(&table, system),
        Format::GeoPackage => {
            let wkt = match &system.definition {
                Some(definition) => Some(system_wkt(definition)?),
                None => None,
            };
            geopackage::write(&table, system.epsg(), wkt.as_deref())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Conversion;
    use crate::import::files;
    use cgt_shared::geometry::distance_m;

    /// A city's own system (a transverse Mercator on its central meridian) written into a
    /// GeoPackage as one-line WKT, which the import reads back as that system.
    #[test]
    fn a_citys_own_system_goes_out_and_comes_back() {
        let own = "+proj=tmerc +lat_0=0 +lon_0=120.5 +k=1 +x_0=50000 +y_0=-3000000 +ellps=GRS80 +units=m +no_defs";
        let at = [120.619, 31.3158];
        let table = Table {
            name: "components",
            columns: vec![("code", ColumnType::Text)],
            rows: vec![Row {
                values: vec![Value::Text("3205080101000001".into())],
                geometry: Some(geo_types::Point::new(at[0], at[1]).into()),
            }],
        };
        let bytes = write(table, Format::GeoPackage, &System::named(own).unwrap()).unwrap();
        let read = files::read(&bytes, None).unwrap();
        let wkt = read.declared_crs.expect("the system is declared");
        assert!(!wkt.contains('\n'), "{wkt}");
        let Some(Geometry::Point(p)) = &read.features[0].geometry else {
            panic!("a point stays a point");
        };
        let back = Conversion::to_wgs84(&wkt)
            .unwrap()
            .convert([p.x(), p.y()])
            .unwrap();
        assert!(distance_m(back, at) < 0.01, "{back:?}");
    }
}
