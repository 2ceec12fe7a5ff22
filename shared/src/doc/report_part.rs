//! The `report` part of a case document: written by the reporting device, read by everyone.
//!
//! Writes are minimal: only fields whose value differs are put, so an edit produces a small
//! change and concurrent edits of different fields merge cleanly.

use super::values::{bool, child, int, opt_str, parsed, small_int, str};
use super::{DocError, REPORT, SCHEMA_VERSION};
use crate::category::Kind;
use crate::geo::Position;
use crate::ids::DocId;
use crate::report::{PhotoRef, Report};
use crate::time::Timestamp;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue};

/// Writes `report` into the document, creating the part if needed and changing only what differs.
pub fn write_report(doc: &mut AutoCommit, report: &Report) -> Result<(), DocError> {
    let obj = match child(doc, &ROOT, REPORT, ObjType::Map)? {
        Some(obj) => obj,
        None => doc.put_object(ROOT, REPORT, ObjType::Map)?,
    };
    let (lat, lon, acc) = report.position.to_fixed();
    let fields: [(&str, ScalarValue); 14] = [
        ("v", SCHEMA_VERSION.into()),
        ("kind", report.kind.as_str().into()),
        ("class", i64::from(report.class).into()),
        ("subclass", i64::from(report.subclass).into()),
        ("description", report.description.as_str().into()),
        ("lat_e7", lat.into()),
        ("lon_e7", lon.into()),
        ("accuracy_dm", acc.into()),
        ("unit_grid", report.unit_grid.as_str().into()),
        (
            "component_id",
            report
                .component_id
                .as_ref()
                .map_or(ScalarValue::Null, |c| c.as_str().into()),
        ),
        ("reporter", report.reporter.to_string().into()),
        ("device", report.device.to_string().into()),
        ("device_time", report.device_time.millis().into()),
        ("self_handled", report.self_handled.into()),
    ];
    for (key, value) in fields {
        let current = super::values::scalar(doc, &obj, key)?;
        if current.as_ref() != Some(&value) {
            doc.put(&obj, key, value)?;
        }
    }
    write_photos(doc, &obj, &report.photos)
}

/// Photos are an append-only list of `{sha256, removed}`; removing one sets the flag.
fn write_photos(doc: &mut AutoCommit, report: &ObjId, photos: &[PhotoRef]) -> Result<(), DocError> {
    let list = match child(doc, report, "photos", ObjType::List)? {
        Some(list) => list,
        None => doc.put_object(report, "photos", ObjType::List)?,
    };
    let mut present = Vec::new();
    for i in 0..doc.length(&list) {
        let Some((_, item)) = doc.get(&list, i)? else {
            continue;
        };
        let sha = str(doc, &item, "sha256")?;
        let wanted = photos.iter().any(|p| p.sha256 == sha);
        if bool(doc, &item, "removed")? == wanted {
            doc.put(&item, "removed", !wanted)?;
        }
        present.push(sha);
    }
    for photo in photos.iter().filter(|p| !present.contains(&p.sha256)) {
        let at = doc.length(&list);
        let item = doc.insert_object(&list, at, ObjType::Map)?;
        doc.put(&item, "sha256", photo.sha256.as_str())?;
    }
    Ok(())
}

/// Whether the document has a report part at all.
pub fn has_report<D: ReadDoc>(doc: &D) -> bool {
    matches!(doc.get(ROOT, REPORT), Ok(Some(_)))
}

/// Reads the report part; `id` is the document's id.
pub fn read_report<D: ReadDoc>(doc: &D, id: DocId) -> Result<Report, DocError> {
    let obj =
        child(doc, &ROOT, REPORT, ObjType::Map)?.ok_or_else(|| DocError::Missing(REPORT.into()))?;
    let version = int(doc, &obj, "v")?;
    if version != SCHEMA_VERSION {
        return Err(DocError::UnsupportedVersion(version));
    }
    let kind_text = str(doc, &obj, "kind")?;
    let kind = Kind::parse(&kind_text).ok_or_else(|| DocError::BadValue {
        field: "kind".into(),
        reason: format!("unknown kind {kind_text:?}"),
    })?;
    let component_id = match opt_str(doc, &obj, "component_id")? {
        None => None,
        Some(text) => {
            Some(
                text.parse()
                    .map_err(|e: crate::codes::CodeError| DocError::BadValue {
                        field: "component_id".into(),
                        reason: e.to_string(),
                    })?,
            )
        }
    };
    Ok(Report {
        id,
        kind,
        class: small_int(int(doc, &obj, "class")?, "class")?,
        subclass: small_int(int(doc, &obj, "subclass")?, "subclass")?,
        description: str(doc, &obj, "description")?,
        position: Position::from_fixed(
            int(doc, &obj, "lat_e7")?,
            int(doc, &obj, "lon_e7")?,
            int(doc, &obj, "accuracy_dm")?,
        ),
        unit_grid: parsed(doc, &obj, "unit_grid")?,
        component_id,
        photos: read_photos(doc, &obj)?,
        reporter: parsed(doc, &obj, "reporter")?,
        device: parsed(doc, &obj, "device")?,
        device_time: Timestamp(int(doc, &obj, "device_time")?),
        self_handled: bool(doc, &obj, "self_handled")?,
    })
}

fn read_photos<D: ReadDoc>(doc: &D, report: &ObjId) -> Result<Vec<PhotoRef>, DocError> {
    let Some(list) = child(doc, report, "photos", ObjType::List)? else {
        return Ok(Vec::new());
    };
    let mut photos = Vec::new();
    for i in 0..doc.length(&list) {
        let Some((_, item)) = doc.get(&list, i)? else {
            continue;
        };
        if !bool(doc, &item, "removed")? {
            photos.push(PhotoRef {
                sha256: str(doc, &item, "sha256")?,
            });
        }
    }
    Ok(photos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_report;

    #[test]
    fn a_report_round_trips_through_a_document() {
        let report = sample_report();
        let mut doc = AutoCommit::new();
        write_report(&mut doc, &report).unwrap();
        let back = read_report(&doc, report.id).unwrap();
        assert_eq!(back.description, report.description);
        assert_eq!(back.unit_grid, report.unit_grid);
        assert_eq!(back.component_id, report.component_id);
        assert_eq!(back.photos, report.photos);
        assert!(back.position.distance_m(&report.position) < 0.02);
    }

    #[test]
    fn rewriting_the_same_report_makes_no_change() {
        let report = sample_report();
        let mut doc = AutoCommit::new();
        write_report(&mut doc, &report).unwrap();
        doc.commit();
        let heads = doc.get_heads();
        write_report(&mut doc, &report).unwrap();
        doc.commit();
        assert_eq!(doc.get_heads(), heads);
    }

    #[test]
    fn removing_a_photo_flags_it_and_deletes_nothing() {
        let mut report = sample_report();
        let mut doc = AutoCommit::new();
        write_report(&mut doc, &report).unwrap();
        report.photos = vec![PhotoRef {
            sha256: "cd".repeat(32),
        }];
        write_report(&mut doc, &report).unwrap();
        assert_eq!(read_report(&doc, report.id).unwrap().photos, report.photos);
        let changes = doc.get_changes(&[]);
        let deletes = changes
            .iter()
            .flat_map(|c| c.decode().operations)
            .filter(|op| matches!(op.action, automerge::legacy::OpType::Delete))
            .count();
        assert_eq!(deletes, 0);
    }

    #[test]
    fn a_malformed_part_is_a_named_error() {
        let mut doc = AutoCommit::new();
        let obj = doc.put_object(ROOT, REPORT, ObjType::Map).unwrap();
        doc.put(&obj, "v", 1).unwrap();
        doc.put(&obj, "kind", "flying saucer").unwrap();
        assert!(matches!(
            read_report(&doc, DocId::new()),
            Err(DocError::BadValue { field, .. }) if field == "kind"
        ));
    }
}
