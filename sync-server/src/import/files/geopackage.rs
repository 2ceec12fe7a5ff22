//! GeoPackage (OGC 12-128r18): an SQLite database read with `rusqlite`, its geometries standard
//! WKB behind a small GeoPackage header, read with the `wkb` crate. Read only, defensively:
//! an uploaded database is deserialized into memory, never written, and only the tables the
//! GeoPackage's own catalogue names are queried.

use super::{Attributes, Feature, FeatureFile, FileError, Format, admit};
use geo_traits::to_geo::ToGeoGeometry;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

fn unreadable(reason: impl ToString) -> FileError {
    FileError::unreadable(Format::GeoPackage, reason)
}

impl From<rusqlite::Error> for FileError {
    fn from(e: rusqlite::Error) -> FileError {
        unreadable(e)
    }
}

/// A GeoPackage uploaded as bytes.
pub fn read_bytes(bytes: &[u8], table: Option<&str>) -> Result<FeatureFile, FileError> {
    let mut c = Connection::open_in_memory()?;
    c.deserialize_read_exact(
        rusqlite::MAIN_DB,
        std::io::Cursor::new(bytes),
        bytes.len(),
        true,
    )?;
    read(&c, table)
}

/// A GeoPackage on disk, opened read-only.
pub fn read_path(path: &Path, table: Option<&str>) -> Result<FeatureFile, FileError> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    read(&c, table)
}

/// The layer to read: the one named, or the only one there is.
struct Layer {
    table: String,
    geometry_column: Option<String>,
    srs_id: Option<i64>,
}

fn read(c: &Connection, table: Option<&str>) -> Result<FeatureFile, FileError> {
    c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    c.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
        false,
    )?;
    let layer = layer(c, table)?;
    // A view could be made to recurse without end; a layer must be a table.
    let kind: Option<String> = c
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = ?1",
            [&layer.table],
            |r| r.get(0),
        )
        .optional()?;
    if kind.as_deref() != Some("table") {
        return Err(unreadable(format!(
            "图层 {} 不是数据表 (not a table)",
            layer.table
        )));
    }
    let declared_crs = match layer.srs_id {
        Some(id) => system(c, id)?,
        None => None,
    };
    let mut statement = c.prepare(&format!("SELECT * FROM {}", quoted(&layer.table)))?;
    let columns: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let geometry_index = layer
        .geometry_column
        .as_ref()
        .and_then(|g| columns.iter().position(|c| c.eq_ignore_ascii_case(g)));
    let mut rows = statement.query([])?;
    let mut features = Vec::new();
    while let Some(row) = rows.next()? {
        admit(&features)?;
        let mut attributes = Attributes::new();
        let mut geometry = None;
        for (index, name) in columns.iter().enumerate() {
            let value = row.get_ref(index)?;
            if Some(index) == geometry_index {
                if let ValueRef::Blob(blob) = value {
                    geometry = decode(blob)?;
                }
                continue;
            }
            let text = match value {
                ValueRef::Null | ValueRef::Blob(_) => continue,
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(n) => n.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            };
            attributes.extend(super::attribute(name, &text));
        }
        features.push(Feature {
            geometry,
            attributes,
        });
    }
    Ok(FeatureFile {
        format: Format::GeoPackage,
        features,
        declared_crs,
    })
}

fn layer(c: &Connection, wanted: Option<&str>) -> Result<Layer, FileError> {
    let mut statement = c.prepare(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c
         LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         WHERE c.data_type IN ('features', 'attributes') ORDER BY c.table_name",
    )?;
    let layers = statement
        .query_map([], |r| {
            Ok(Layer {
                table: r.get(0)?,
                geometry_column: r.get(1)?,
                srs_id: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let names = || {
        layers
            .iter()
            .map(|l| l.table.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(wanted) => {
            let found = layers.iter().position(|l| l.table == wanted);
            match found {
                Some(i) => Ok(layers.into_iter().nth(i).expect("found above")),
                None => Err(FileError::Choice(format!(
                    "GeoPackage 中没有图层 {wanted}: {}",
                    names()
                ))),
            }
        }
        None if layers.len() == 1 => Ok(layers.into_iter().next().expect("one layer")),
        None if layers.is_empty() => Err(unreadable("没有要素表 (no layer in gpkg_contents)")),
        None => Err(FileError::Choice(format!(
            "GeoPackage 中有多个图层,请指定 table: {}",
            names()
        ))),
    }
}

/// The system of `srs_id`: `EPSG:n` when the EPSG defines it, its WKT otherwise; none for the
/// GeoPackage's "undefined" systems (0 and -1).
fn system(c: &Connection, srs_id: i64) -> Result<Option<String>, FileError> {
    if srs_id <= 0 {
        return Ok(None);
    }
    let row: Option<(String, i64, String)> = c
        .query_row(
            "SELECT organization, organization_coordsys_id, definition
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.map(|(organization, id, definition)| {
        if organization.eq_ignore_ascii_case("EPSG") {
            format!("EPSG:{id}")
        } else {
            definition
        }
    }))
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// A GeoPackage geometry: `GP`, version, flags, srs id, an optional envelope, then WKB.
pub fn decode(blob: &[u8]) -> Result<Option<geo_types::Geometry<f64>>, FileError> {
    const HEADER: usize = 8;
    if blob.len() < HEADER || &blob[..2] != b"GP" {
        return Err(unreadable("几何字段不是 GeoPackage 格式 (no GP header)"));
    }
    let flags = blob[3];
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(unreadable(format!("未知的包络类型 {other}"))),
    };
    let wkb = blob
        .get(HEADER + envelope..)
        .ok_or_else(|| unreadable("几何字段过短 (truncated)"))?;
    let geometry = wkb::reader::read_wkb(wkb).map_err(unreadable)?;
    Ok(Some(geometry.to_geometry()))
}

/// A GeoPackage geometry of `geometry` in system `srs_id`, without an envelope (for tests and
/// tools that write GeoPackages).
pub fn encode(geometry: &geo_types::Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let mut blob = vec![b'G', b'P', 0, 0b0000_0001];
    blob.extend_from_slice(&srs_id.to_le_bytes());
    wkb::writer::write_geometry(&mut blob, geometry, &wkb::writer::WriteOptions::default())
        .expect("writing to a Vec cannot fail");
    blob
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Geometry, Point};

    #[test]
    fn geometries_survive_the_geopackage_header() {
        let square: Geometry<f64> =
            cgt_shared::geometry::outline(&[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]).into();
        for geometry in [Point::new(558921.95, 3466153.19).into(), square] {
            assert_eq!(decode(&encode(&geometry, 4549)).unwrap(), Some(geometry));
        }
        assert!(decode(b"GP").is_err());
        assert!(decode(b"XX\0\x01\0\0\0\0").is_err());
        assert!(decode(b"GP\0\x01\0\0\0\0\x01\x01").is_err());
    }
}
