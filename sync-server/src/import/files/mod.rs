//! The files a city's survey results come in, read into features: a geometry in the file's own
//! system and its attributes as text. GeoJSON, Shapefile (a `.zip` of `.shp` `.shx` `.dbf`
//! `.prj` `.cpg`, or a `.shp` on disk with its siblings), GeoPackage and CSV with coordinate
//! columns. What each reader expands is bounded before the memory is spent: features, zip
//! members, text.

mod csv;
mod geojson;
pub mod geopackage;
mod shapefile;
mod text;

use super::layer::Field;
use geo_types::Geometry;
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;

/// The most features one file may hold (a city's components are about 400,000).
pub const MAX_FEATURES: usize = 2_000_000;
/// The most bytes the members of a zipped Shapefile may expand to.
pub const MAX_UNZIPPED_BYTES: u64 = 512 << 20;

/// Attribute names (trimmed, lower case) and their values as text: only the names some field
/// of a layer is read under, each value cut to [`MAX_VALUE_CHARS`], so what a file expands to
/// is bounded by its features, whatever columns it carries.
pub type Attributes = BTreeMap<String, String>;

/// The most characters kept of a value (longer than any field accepts, so still refused).
pub const MAX_VALUE_CHARS: usize = 200;

/// The attribute `name` = `value` as kept, or `None` for a name no field reads.
pub fn attribute(name: &str, value: &str) -> Option<(String, String)> {
    let name = name.trim().to_lowercase();
    Field::known(&name).then(|| (name, value.trim().chars().take(MAX_VALUE_CHARS).collect()))
}

/// One feature of a file: its geometry, if it has one, in the file's own system.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub geometry: Option<Geometry<f64>>,
    pub attributes: Attributes,
}

/// The container a file came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Shapefile,
    GeoPackage,
    Csv,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Shapefile => "Shapefile",
            Format::GeoPackage => "GeoPackage",
            Format::Csv => "CSV",
        }
    }

    /// Told apart by their first bytes: SQLite's header, a zip's, a JSON object; else CSV.
    pub fn sniff(bytes: &[u8]) -> Format {
        let start = text::without_bom(bytes);
        if bytes.starts_with(b"SQLite format 3\0") {
            Format::GeoPackage
        } else if bytes.starts_with(b"PK\x03\x04") {
            Format::Shapefile
        } else if start.trim_ascii_start().starts_with(b"{") {
            Format::GeoJson
        } else {
            Format::Csv
        }
    }
}

/// The features of one file and the system it declares (`EPSG:4549`, or the WKT of a `.prj`).
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureFile {
    pub format: Format,
    pub features: Vec<Feature>,
    pub declared_crs: Option<String>,
}

#[derive(Debug, Error)]
pub enum FileError {
    #[error("{format} 文件无法读取: {reason}")]
    Unreadable {
        format: &'static str,
        reason: String,
    },
    #[error("文件超过 {MAX_FEATURES} 个要素 (too many features)")]
    TooManyFeatures,
    #[error("{0}")]
    Choice(String),
    #[error("文件无法打开: {0}")]
    Io(#[from] std::io::Error),
}

impl FileError {
    fn unreadable(format: Format, reason: impl ToString) -> FileError {
        FileError::Unreadable {
            format: format.name(),
            reason: reason.to_string(),
        }
    }
}

/// Reads a file's bytes; `table` names the layer of a GeoPackage or the `.shp` of a zip
/// holding several.
pub fn read(bytes: &[u8], table: Option<&str>) -> Result<FeatureFile, FileError> {
    match Format::sniff(bytes) {
        Format::GeoJson => geojson::read(bytes),
        Format::Shapefile => shapefile::read_zip(bytes, table),
        Format::GeoPackage => geopackage::read_bytes(bytes, table),
        Format::Csv => csv::read(bytes),
    }
}

/// Reads a file on disk: a `.shp` with its siblings, a GeoPackage opened in place, or any other
/// file by its bytes.
pub fn read_path(path: &Path, table: Option<&str>) -> Result<FeatureFile, FileError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("shp") => shapefile::read_path(path),
        Some("gpkg") => geopackage::read_path(path, table),
        _ => read(&std::fs::read(path)?, table),
    }
}

/// Counts features as they are read and stops a file with too many.
fn admit(features: &[Feature]) -> Result<(), FileError> {
    if features.len() >= MAX_FEATURES {
        Err(FileError::TooManyFeatures)
    } else {
        Ok(())
    }
}
