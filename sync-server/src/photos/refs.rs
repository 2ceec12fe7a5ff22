//! Which stored reports reference which photo: the access rule of the photo endpoints (a photo
//! may be uploaded or viewed by those who may read a report referencing it).
//!
//! The index is read from the documents lazily, by document seq, when a photo request needs it:
//! pushes pay nothing, and each stored version of a document is read at most once. Every
//! catch-up covers all documents from the index's high-water mark up to some seq, so "every
//! document up to the highest indexed seq is indexed at its current version" holds throughout.

use super::hash::PhotoHash;
use crate::storage::{Storage, StorageError};
use automerge::AutoCommit;
use cgt_shared::doc::commands::read_commands;
use cgt_shared::doc::report_part::read_report;
use cgt_shared::doc::workflow::read_events;
use cgt_shared::{DocId, UserId};
use rusqlite::Connection;

/// Documents read per catch-up step (one read and one write job).
const BATCH: usize = 256;

/// One document version and the photos its report references.
struct Indexed {
    doc: Vec<u8>,
    seq: i64,
    photos: Vec<String>,
}

/// Brings the index up to date with the stored documents.
pub fn catch_up(storage: &Storage) -> Result<(), StorageError> {
    loop {
        let batch = storage.read(read_batch)?;
        let more = batch.len() == BATCH;
        if !batch.is_empty() {
            storage.write(move |c| write_batch(c, &batch))?;
        }
        if !more {
            return Ok(());
        }
    }
}

fn read_batch(c: &Connection) -> Result<Vec<Indexed>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT id, seq, bytes FROM docs
         WHERE seq > (SELECT coalesce(max(seq), 0) FROM photo_ref_docs)
         ORDER BY seq LIMIT ?1",
    )?;
    let mut rows = stmt.query([BATCH as i64])?;
    let mut batch = Vec::new();
    while let Some(row) = rows.next()? {
        let doc: Vec<u8> = row.get(0)?;
        let bytes: Vec<u8> = row.get(2)?;
        batch.push(Indexed {
            photos: photos_of(&doc, &bytes),
            doc,
            seq: row.get(1)?,
        });
    }
    Ok(batch)
}

/// The photos a stored document references: its report's, those of device commands (核实 /
/// 核查 results, 处置反馈, which a device sends before the photos and which may be refused), and
/// those attached to steps of its history (处置 after-photos, 核查 photos); none if it has no
/// readable report.
fn photos_of(id: &[u8], bytes: &[u8]) -> Vec<String> {
    let Ok(id) = <[u8; 16]>::try_from(id).map(DocId::from_bytes) else {
        return Vec::new();
    };
    let Ok(doc) = AutoCommit::load(bytes) else {
        return Vec::new();
    };
    let Ok(report) = read_report(&doc, id) else {
        return Vec::new();
    };
    let steps = read_events(&doc).unwrap_or_default();
    let commands = read_commands(&doc).unwrap_or_default();
    report
        .photos
        .into_iter()
        .map(|p| p.sha256)
        .chain(steps.into_iter().flat_map(|e| e.data.photos))
        .chain(
            commands
                .into_iter()
                .flat_map(|(_, c)| c.kind.photos().to_vec()),
        )
        .collect()
}

/// Replaces each document's references, unless a newer version of it is indexed already.
fn write_batch(c: &Connection, batch: &[Indexed]) -> Result<(), StorageError> {
    for entry in batch {
        let claimed = c
            .prepare_cached(
                "INSERT INTO photo_ref_docs (doc_id, seq) VALUES (?1, ?2)
                 ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq
                 WHERE excluded.seq > photo_ref_docs.seq",
            )?
            .execute((&entry.doc, entry.seq))?;
        if claimed == 0 {
            continue;
        }
        c.prepare_cached("DELETE FROM photo_refs WHERE doc_id = ?1")?
            .execute([&entry.doc])?;
        let mut insert = c.prepare_cached(
            "INSERT INTO photo_refs (sha256, doc_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for photo in &entry.photos {
            insert.execute((photo, &entry.doc))?;
        }
    }
    Ok(())
}

/// Whether a report `user` may read references the photo. Call [`catch_up`] first.
pub fn readable_by(c: &Connection, hash: &PhotoHash, user: UserId) -> Result<bool, StorageError> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM photo_refs p
                        JOIN doc_readers r ON r.doc_id = p.doc_id
                        WHERE p.sha256 = ?1 AND r.user_id = ?2)",
    )?
    .query_row((hash.as_str(), user.as_bytes()), |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE photo_refs (sha256 TEXT, doc_id BLOB, PRIMARY KEY (sha256, doc_id));
             CREATE TABLE photo_ref_docs (doc_id BLOB PRIMARY KEY, seq INTEGER NOT NULL);",
        )
        .unwrap();
        c
    }

    fn version(doc: u8, seq: i64, photos: &[&str]) -> Indexed {
        Indexed {
            doc: vec![doc; 16],
            seq,
            photos: photos.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn refs(c: &Connection) -> Vec<(String, u8, i64)> {
        let mut stmt = c
            .prepare(
                "SELECT p.sha256, p.doc_id, d.seq FROM photo_refs p
                 JOIN photo_ref_docs d USING (doc_id) ORDER BY p.sha256",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get::<_, Vec<u8>>(1)?[0], r.get(2)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn a_newer_version_replaces_the_references_and_an_older_one_does_not() {
        let c = index();
        write_batch(&c, &[version(1, 3, &["a", "b"]), version(2, 4, &[])]).unwrap();
        assert_eq!(refs(&c), [("a".into(), 1, 3), ("b".into(), 1, 3)]);

        // The report dropped photo b and took c.
        write_batch(&c, &[version(1, 9, &["a", "c"])]).unwrap();
        assert_eq!(refs(&c), [("a".into(), 1, 9), ("c".into(), 1, 9)]);

        // A slower catch-up that read the old version writes nothing.
        write_batch(&c, &[version(1, 3, &["a", "b"])]).unwrap();
        assert_eq!(refs(&c), [("a".into(), 1, 9), ("c".into(), 1, 9)]);
    }

    #[test]
    fn a_device_command_references_its_photos() {
        use cgt_shared::caseflow::command::{CommandKind, DeviceCommand};
        use cgt_shared::doc::commands::append_command;
        use cgt_shared::doc::report_part::write_report;
        use cgt_shared::report::{PhotoRef, Report};
        use cgt_shared::{DeviceId, GridCode, Kind, Position, Timestamp};

        let report = Report {
            id: DocId::new(),
            kind: Kind::Event,
            class: 1,
            subclass: 2,
            description: "暴露垃圾".into(),
            position: Position::new(31.31, 120.62, 5.0),
            unit_grid: "320508001001001".parse::<GridCode>().unwrap(),
            component_id: None,
            photos: vec![PhotoRef {
                sha256: "ab".repeat(32),
            }],
            reporter: UserId::new(),
            device: DeviceId::new(),
            device_time: Timestamp(1),
            self_handled: false,
        };
        let mut doc = AutoCommit::new();
        write_report(&mut doc, &report).unwrap();
        let before = photos_of(report.id.as_bytes(), &doc.save());
        assert_eq!(before, vec!["ab".repeat(32)]);

        // Another user's device sends a 核查 result with its own photo; the report is untouched.
        let check = DeviceCommand {
            id: uuid::Uuid::now_v7(),
            kind: CommandKind::Check {
                passed: true,
                photos: vec!["cd".repeat(32)],
            },
            note: "已清理".into(),
            at: Timestamp(2),
        };
        append_command(&mut doc, DeviceId::new(), &check).unwrap();
        let after = photos_of(report.id.as_bytes(), &doc.save());
        assert_eq!(after, vec!["ab".repeat(32), "cd".repeat(32)]);
    }

    #[test]
    fn documents_without_a_readable_report_reference_nothing() {
        assert!(photos_of(&[7; 16], b"not automerge").is_empty());
        assert!(photos_of(&[7; 3], &[]).is_empty());
    }
}
