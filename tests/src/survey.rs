//! A city's survey results (普查成果) as its GIS delivers them, written by tests and benches: a
//! lattice of square unit grids in CGCS2000 / 3° Gauss–Krüger zone 120°E (EPSG:4549) as a
//! zipped Shapefile with a GBK attribute table (and its `.cpg`), components as a GeoPackage,
//! other tables as CSV.

use cgt_server::import::files::geopackage;
use encoding_rs::GBK;
use shapefile::dbase::{self, FieldName, FieldValue, Record, TableWriterBuilder};
use shapefile::{Point, Polygon, PolygonRing};
use std::io::Write;
use std::path::Path;

/// The south-west corner of the lattice: (120.619°E, 31.3158°N) in WGS84, as `pyproj` 3.7.2
/// (PROJ 9.5.1) converts it.
pub const ORIGIN: [f64; 2] = [558_921.953, 3_466_153.192_7];
pub const ORIGIN_WGS84: [f64; 2] = [120.619, 31.3158];
/// The side of a unit grid, metres.
pub const SIDE_M: f64 = 200.0;

#[derive(Clone, Debug)]
pub struct UnitGridFeature {
    pub code: String,
    pub street: String,
    pub community: String,
    pub work_grid: String,
    /// Closed ring, EPSG:4549 metres.
    pub ring: Vec<[f64; 2]>,
}

#[derive(Clone, Debug)]
pub struct ComponentFeature {
    pub code: String,
    pub owner: String,
    pub maintainer: String,
    /// EPSG:4549 metres.
    pub at: [f64; 2],
}

/// The square of the unit grid at `col`, `row` (row 0 the southernmost), shifted `east_m`.
pub fn square(col: u32, row: u32, east_m: f64) -> Vec<[f64; 2]> {
    let x = ORIGIN[0] + f64::from(col) * SIDE_M + east_m;
    let y = ORIGIN[1] + f64::from(row) * SIDE_M;
    vec![
        [x, y],
        [x, y + SIDE_M],
        [x + SIDE_M, y + SIDE_M],
        [x + SIDE_M, y],
        [x, y],
    ]
}

/// The middle of the unit grid at `col`, `row`.
pub fn middle(col: u32, row: u32) -> [f64; 2] {
    [
        ORIGIN[0] + (f64::from(col) + 0.5) * SIDE_M,
        ORIGIN[1] + (f64::from(row) + 0.5) * SIDE_M,
    ]
}

/// `cols` × `rows` unit grids of county 320508, street 101, community 001, numbered from the
/// south-west, row by row; `work_grid` names each one's work grid.
pub fn lattice(
    cols: u32,
    rows: u32,
    work_grid: impl Fn(u32, u32) -> String,
) -> Vec<UnitGridFeature> {
    let mut grids = Vec::new();
    for row in 0..rows {
        for col in 0..cols {
            grids.push(UnitGridFeature {
                code: format!("320508101001{:03}", row * cols + col + 1),
                street: "北湖街道".into(),
                community: "人民路社区".into(),
                work_grid: work_grid(col, row),
                ring: square(col, row, 0.0),
            });
        }
    }
    grids
}

fn field(name: &str) -> FieldName {
    FieldName::try_from(name).expect("a dBase field name of at most 10 ASCII characters")
}

/// The unit grids as a zip of `grids.shp`, `.shx`, `.dbf` (GBK) and `.cpg`, written in `dir`.
pub fn unit_grids_shapefile(dir: &Path, grids: &[UnitGridFeature]) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("grids.shp");
    let table = TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(GBK))
        .add_character_field(field("CODE"), 20)
        .add_character_field(field("STREET"), 40)
        .add_character_field(field("COMMUNITY"), 40)
        .add_character_field(field("WORK_GRID"), 20);
    let mut writer = shapefile::Writer::from_path(&path, table)?;
    for g in grids {
        let ring: Vec<Point> = g.ring.iter().map(|&[x, y]| Point::new(x, y)).collect();
        let record = Record::from(std::collections::HashMap::from([
            (
                "CODE".to_string(),
                FieldValue::Character(Some(g.code.clone())),
            ),
            (
                "STREET".to_string(),
                FieldValue::Character(Some(g.street.clone())),
            ),
            (
                "COMMUNITY".to_string(),
                FieldValue::Character(Some(g.community.clone())),
            ),
            (
                "WORK_GRID".to_string(),
                FieldValue::Character(Some(g.work_grid.clone())),
            ),
        ]));
        writer.write_shape_and_record(&Polygon::new(PolygonRing::Outer(ring)), &record)?;
    }
    drop(writer);
    std::fs::write(path.with_extension("cpg"), "GBK")?;
    let mut zipped = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for extension in ["shp", "shx", "dbf", "cpg"] {
        zipped.start_file(
            format!("grids.{extension}"),
            zip::write::SimpleFileOptions::default(),
        )?;
        zipped.write_all(&std::fs::read(path.with_extension(extension))?)?;
    }
    Ok(zipped.finish()?.into_inner())
}

/// The components as a GeoPackage layer `components` in EPSG:4549, written at `path`.
pub fn components_geopackage(path: &Path, components: &[ComponentFeature]) -> anyhow::Result<()> {
    let mut c = rusqlite::Connection::open(path)?;
    c.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
           definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
           ('CGCS2000 / 3-degree Gauss-Kruger CM 120E', 4549, 'EPSG', 4549, 'undefined', NULL);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT, description TEXT DEFAULT '', last_change TEXT, min_x REAL,
           min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);
         INSERT INTO gpkg_contents (table_name, data_type, srs_id)
           VALUES ('components', 'features', 4549);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z INTEGER NOT NULL,
           m INTEGER NOT NULL);
         INSERT INTO gpkg_geometry_columns VALUES ('components', 'geom', 'POINT', 4549, 0, 0);
         CREATE TABLE components (fid INTEGER PRIMARY KEY, geom BLOB, bjbm TEXT, zgbm TEXT,
           yhbm TEXT);",
    )?;
    let tx = c.transaction()?;
    {
        let mut insert =
            tx.prepare("INSERT INTO components (geom, bjbm, zgbm, yhbm) VALUES (?1, ?2, ?3, ?4)")?;
        for p in components {
            let point = geo_types::Geometry::Point(geo_types::Point::new(p.at[0], p.at[1]));
            insert.execute((
                geopackage::encode(&point, 4549),
                &p.code,
                &p.owner,
                &p.maintainer,
            ))?;
        }
    }
    tx.commit()?;
    Ok(())
}
