//! A table as a GeoPackage (OGC 12-128r18): an SQLite database built in memory with the
//! GeoPackage's catalogue, its system (the EPSG's, or the city's own with its WKT), and one
//! feature table whose geometries are GeoPackage blobs.

use super::{ColumnType, Table, Value};
use crate::import::files::geopackage::encode;
use rusqlite::Connection;

/// The system id a city's own (non-EPSG) system gets in the GeoPackage.
const OWN_SYSTEM_ID: i32 = 100_000;
const WGS84: i32 = 4326;

pub fn write(table: &Table, epsg: Option<i32>, wkt: Option<&str>) -> Vec<u8> {
    build(table, epsg, wkt).expect("an in-memory GeoPackage of our own tables cannot fail")
}

fn build(table: &Table, epsg: Option<i32>, wkt: Option<&str>) -> rusqlite::Result<Vec<u8>> {
    let c = Connection::open_in_memory()?;
    c.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
           definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT UNIQUE, description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
           m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));",
    )?;
    let (srs_id, organization, name, definition) = match (epsg, wkt) {
        (None, None) => (WGS84, "EPSG", "WGS 84".to_string(), wgs84_wkt()),
        (Some(code), Some(wkt)) => (code, "EPSG", format!("EPSG:{code}"), wkt.to_string()),
        (None, Some(wkt)) => (
            OWN_SYSTEM_ID,
            "NONE",
            "城市独立坐标系".to_string(),
            wkt.to_string(),
        ),
        (Some(code), None) => (
            code,
            "EPSG",
            format!("EPSG:{code}"),
            "undefined".to_string(),
        ),
    };
    let coordsys = if organization == "EPSG" {
        srs_id
    } else {
        OWN_SYSTEM_ID
    };
    c.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
        (&name, srs_id, organization, coordsys, &definition),
    )?;
    c.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
         VALUES (?1, 'features', ?1, ?2)",
        (table.name, srs_id),
    )?;
    c.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'GEOMETRY', ?2, 0, 0)",
        (table.name, srs_id),
    )?;
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|(name, kind)| {
            let kind = match kind {
                ColumnType::Text => "TEXT",
                ColumnType::Integer => "INTEGER",
            };
            format!("\"{name}\" {kind}")
        })
        .collect();
    c.execute_batch(&format!(
        "CREATE TABLE \"{}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, {})",
        table.name,
        columns.join(", ")
    ))?;
    let placeholders: Vec<String> = (2..=table.columns.len() + 1)
        .map(|i| format!("?{i}"))
        .collect();
    let names: Vec<String> = table
        .columns
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    let insert = format!(
        "INSERT INTO \"{}\" (geom, {}) VALUES (?1, {})",
        table.name,
        names.join(", "),
        placeholders.join(", ")
    );
    c.execute_batch("BEGIN")?;
    {
        let mut statement = c.prepare(&insert)?;
        for row in &table.rows {
            let mut values: Vec<rusqlite::types::Value> = vec![match &row.geometry {
                Some(g) => rusqlite::types::Value::Blob(encode(g, srs_id)),
                None => rusqlite::types::Value::Null,
            }];
            values.extend(row.values.iter().map(|v| match v {
                Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
                Value::Integer(n) => rusqlite::types::Value::Integer(*n),
                Value::Null => rusqlite::types::Value::Null,
            }));
            statement.execute(rusqlite::params_from_iter(values))?;
        }
    }
    c.execute_batch("COMMIT")?;
    Ok(c.serialize(rusqlite::MAIN_DB)?.to_vec())
}

fn wgs84_wkt() -> String {
    concat!(
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],",
        "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]]"
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::files;

    #[test]
    fn our_own_reader_reads_what_we_write() {
        let table = Table {
            name: "components",
            columns: vec![("code", ColumnType::Text), ("owner", ColumnType::Integer)],
            rows: vec![super::super::Row {
                values: vec![Value::Text("3205080101000001".into()), Value::Integer(3)],
                geometry: Some(geo_types::Point::new(558921.95, 3466153.19).into()),
            }],
        };
        let bytes = write(&table, Some(4549), Some("PROJCS[...]"));
        let read = files::read(&bytes, None).unwrap();
        assert_eq!(read.declared_crs.as_deref(), Some("EPSG:4549"));
        assert_eq!(read.features[0].attributes["code"], "3205080101000001");
        assert_eq!(read.features[0].attributes["owner"], "3");
        assert_eq!(read.features[0].geometry, table.rows[0].geometry);
    }
}
