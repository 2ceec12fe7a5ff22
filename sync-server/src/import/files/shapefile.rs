//! Shapefiles on the `shapefile` crate (and its `dbase`): the `.shp` geometry, the `.dbf`
//! attributes decoded in the encoding the `.cpg` names (Chinese cities' are often GBK; without
//! a `.cpg`, see `text::of_dbf`), the system of the `.prj`. Uploaded as a zip of the parts.

use super::{Attributes, Feature, FeatureFile, FileError, Format, MAX_UNZIPPED_BYTES, admit, text};
use shapefile::dbase::{self, FieldValue};
use std::io::{Cursor, Read};
use std::path::Path;

fn unreadable(reason: impl ToString) -> FileError {
    FileError::unreadable(Format::Shapefile, reason)
}

/// The parts of one Shapefile.
#[derive(Default)]
struct Parts {
    shp: Vec<u8>,
    dbf: Vec<u8>,
    prj: Option<Vec<u8>>,
    cpg: Option<Vec<u8>>,
}

/// A zip holding one Shapefile, or several of which `table` names one (by its file name
/// without extension).
pub fn read_zip(bytes: &[u8], table: Option<&str>) -> Result<FeatureFile, FileError> {
    read_zip_within(bytes, table, MAX_UNZIPPED_BYTES)
}

/// [`read_zip`], its members expanding to at most `budget` bytes.
fn read_zip_within(
    bytes: &[u8],
    table: Option<&str>,
    budget: u64,
) -> Result<FeatureFile, FileError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut names = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(unreadable)?;
        names.push(entry.name().map_err(unreadable)?.to_string());
    }
    let stems: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_suffix(".shp").or_else(|| n.strip_suffix(".SHP")))
        .collect();
    let stem = match (table, stems.as_slice()) {
        (_, []) => return Err(unreadable("压缩包中没有 .shp 文件 (no .shp in the zip)")),
        (None, [one]) => one.to_string(),
        (Some(wanted), _) => stems
            .iter()
            .find(|s| s.rsplit('/').next() == Some(wanted) || **s == wanted)
            .map(|s| s.to_string())
            .ok_or_else(|| {
                FileError::Choice(format!("压缩包中没有图层 {wanted}: {}", stems.join(", ")))
            })?,
        (None, _) => {
            return Err(FileError::Choice(format!(
                "压缩包中有多个图层,请指定 table: {}",
                stems.join(", ")
            )));
        }
    };
    let mut parts = Parts::default();
    let limit = budget;
    let mut budget = budget;
    for (index, name) in names.iter().enumerate() {
        let Some(extension) = name
            .strip_prefix(stem.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .map(str::to_ascii_lowercase)
        else {
            continue;
        };
        let slot = match extension.as_str() {
            "shp" => &mut parts.shp,
            "dbf" => &mut parts.dbf,
            "prj" => parts.prj.insert(Vec::new()),
            "cpg" => parts.cpg.insert(Vec::new()),
            _ => continue,
        };
        let entry = archive.by_index(index).map_err(unreadable)?;
        let read = entry
            .take(budget + 1)
            .read_to_end(slot)
            .map_err(unreadable)?;
        budget = budget
            .checked_sub(read as u64)
            .ok_or_else(|| unreadable(format!("解压后超过 {limit} 字节 (a zip bomb?)")))?;
    }
    read_parts(parts)
}

/// A `.shp` on disk with its `.dbf`, `.prj` and `.cpg` beside it.
pub fn read_path(path: &Path) -> Result<FeatureFile, FileError> {
    let sibling = |extension: &str| std::fs::read(path.with_extension(extension));
    let optional = |extension: &str| sibling(extension).ok();
    read_parts(Parts {
        shp: std::fs::read(path)?,
        dbf: sibling("dbf").map_err(|e| unreadable(format!("缺少 .dbf: {e}")))?,
        prj: optional("prj"),
        cpg: optional("cpg"),
    })
}

fn read_parts(parts: Parts) -> Result<FeatureFile, FileError> {
    if parts.dbf.is_empty() {
        return Err(unreadable("缺少 .dbf (the attribute table)"));
    }
    let encoding = parts
        .cpg
        .as_deref()
        .and_then(|label| text::from_label(&text::decode(label)))
        .unwrap_or_else(|| text::of_dbf(&parts.dbf));
    let declared_crs = parts
        .prj
        .as_deref()
        .map(|wkt| text::decode(wkt).trim().to_string())
        .filter(|wkt| !wkt.is_empty());
    let shapes = shapefile::ShapeReader::new(Cursor::new(parts.shp)).map_err(unreadable)?;
    let table = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(Cursor::new(parts.dbf))
        .map_err(unreadable)?;
    let mut reader = shapefile::Reader::new(shapes, table);
    let mut features = Vec::new();
    for item in reader.iter_shapes_and_records() {
        admit(&features)?;
        let (shape, record) = item.map_err(unreadable)?;
        let geometry = match shape {
            shapefile::Shape::NullShape => None,
            shape => Some(geo_types::Geometry::try_from(shape).map_err(unreadable)?),
        };
        features.push(Feature {
            geometry,
            attributes: attributes(record),
        });
    }
    Ok(FeatureFile {
        format: Format::Shapefile,
        features,
        declared_crs,
    })
}

fn attributes(record: dbase::Record) -> Attributes {
    record
        .into_iter()
        .filter_map(|(name, value)| {
            let text = match value {
                FieldValue::Character(Some(s)) | FieldValue::Memo(s) => s,
                FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n) => {
                    n.to_string()
                }
                FieldValue::Float(Some(n)) => n.to_string(),
                FieldValue::Integer(n) => n.to_string(),
                FieldValue::Logical(Some(b)) => b.to_string(),
                FieldValue::Date(Some(d)) => {
                    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
                }
                _ => return None,
            };
            super::attribute(&name, &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in members {
            out.start_file(*name, deflated).unwrap();
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_that_expands_beyond_its_budget_is_refused_as_it_expands() {
        let zeros = vec![0u8; 4 << 20];
        let bomb = zip(&[("g.shp", &zeros), ("g.dbf", &zeros)]);
        assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
        let error = read_zip_within(&bomb, None, 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(error.contains("解压后超过"), "{error}");
    }

    #[test]
    fn a_zip_without_a_shapefile_or_with_several_says_which() {
        let none = zip(&[("readme.txt", b"x")]);
        assert!(
            read_zip(&none, None)
                .unwrap_err()
                .to_string()
                .contains("没有 .shp")
        );
        let two = zip(&[("a.shp", b"x"), ("b.shp", b"y")]);
        let error = read_zip(&two, None).unwrap_err().to_string();
        assert!(error.contains("a, b"), "{error}");
        assert!(read_zip(&b"PK\x03\x04garbage"[..], None).is_err());
    }
}
