//! Which stored reports reference which photo: the access rule of the photo endpoints (a photo
//! may be uploaded or viewed by those who may read a report referencing it).
//!
//! The index is read from the documents lazily, by document seq, when a photo request needs it:
//! pushes pay nothing, and each stored version of a document is read at most once. Every
//! catch-up covers all documents from the index's high-water mark up to some seq, so "every
//! document up to the highest indexed seq is indexed at its current version" holds throughout.

use crate::storage::{PhotoRefs, StorageError, Store};
use automerge::AutoCommit;
use cgt_shared::DocId;
use cgt_shared::doc::commands::read_commands;
use cgt_shared::doc::report_part::read_report;
use cgt_shared::doc::workflow::read_events;

/// Documents read per catch-up step (one read and one write job).
const BATCH: usize = 256;

/// Brings the index up to date with the stored documents.
pub fn catch_up(storage: &dyn Store) -> Result<(), StorageError> {
    loop {
        let versions = storage.unindexed_docs(BATCH)?;
        let more = versions.len() == BATCH;
        if versions.is_empty() {
            return Ok(());
        }
        let batch = versions
            .into_iter()
            .map(|v| PhotoRefs {
                photos: photos_of(&v.doc, &v.bytes),
                doc: v.doc,
                seq: v.seq,
            })
            .collect();
        storage.index_photo_refs(batch)?;
        if !more {
            return Ok(());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::UserId;

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
