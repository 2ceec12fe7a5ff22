//! Merging what the server sent into a local document, pure.

use crate::error::ClientError;
use automerge::{ActorId, AutoCommit, ChangeHash};
use cgt_shared::doc::chunks::{ChunkBudget, check_chunks};
use cgt_shared::wire::{DocUpdate, Head, to_wire};

/// What one document from the server may expand to on the phone: far above any case's history,
/// far below what would take the phone's memory (a hostile server or a man in the middle).
const FROM_SERVER: ChunkBudget = ChunkBudget {
    max_inflated_bytes: 64 << 20,
    max_ops: 1_000_000,
};

/// A local document after an update from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Merged {
    /// Compacted.
    pub bytes: Vec<u8>,
    pub heads: Vec<Head>,
    /// Whether the document now holds every change the server has: then the server's heads
    /// are acknowledged ones.
    pub has_server_heads: bool,
}

/// Merges `update` into the stored document (`None`: the device did not have it).
pub(crate) fn merge(
    stored: Option<&[u8]>,
    update: &DocUpdate,
    actor: ActorId,
) -> Result<Merged, ClientError> {
    let mut doc = match stored {
        Some(bytes) => AutoCommit::load(bytes)?,
        None => AutoCommit::new(),
    }
    .with_actor(actor);
    check_chunks(&update.changes, &FROM_SERVER)
        .map_err(|e| ClientError::Protocol(format!("文档 {}: {e}", update.id)))?;
    doc.load_incremental(&update.changes)?;
    let has_server_heads = update
        .heads
        .iter()
        .all(|head| doc.get_change_by_hash(&ChangeHash(*head)).is_some());
    Ok(Merged {
        heads: to_wire(&doc.get_heads()),
        bytes: doc.save(),
        has_server_heads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{ROOT, ReadDoc};
    use cgt_shared::wire::from_wire;
    use cgt_shared::{DocId, Timestamp};

    #[test]
    fn an_update_past_the_budget_is_refused_before_loading() {
        // A compressed change chunk: Automerge would inflate it without a cap.
        let update = DocUpdate {
            id: DocId::new(),
            changes: b"\x85\x6f\x4a\x83\0\0\0\0\x02\x01\0".to_vec(),
            heads: Vec::new(),
            received_at: Timestamp(7),
        };
        let refused = merge(None, &update, ActorId::random()).unwrap_err();
        assert!(matches!(refused, ClientError::Protocol(_)), "{refused}");
    }

    fn update_from(server: &mut AutoCommit, have: &[Head]) -> DocUpdate {
        DocUpdate {
            id: DocId::new(),
            changes: if have.is_empty() {
                server.save()
            } else {
                server.save_after(&from_wire(have))
            },
            heads: to_wire(&server.get_heads()),
            received_at: Timestamp(7),
        }
    }

    fn text(bytes: &[u8], key: &str) -> Option<String> {
        let doc = AutoCommit::load(bytes).unwrap();
        doc.get(ROOT, key)
            .unwrap()
            .map(|(value, _)| value.into_string().unwrap())
    }

    #[test]
    fn an_update_merges_with_local_edits() {
        let mut device = AutoCommit::new().with_actor(ActorId::from(vec![1; 16]));
        device.put(ROOT, "report", "井盖破损").unwrap();
        device.commit();
        let mut server = device.fork().with_actor(ActorId::from(vec![2; 16]));
        let base = to_wire(&device.get_heads());
        server.put(ROOT, "workflow", "已撤回").unwrap();
        server.commit();
        device.put(ROOT, "note", "本机修改").unwrap();
        device.commit();

        let update = update_from(&mut server, &base);
        let merged = merge(Some(&device.save()), &update, ActorId::from(vec![1; 16])).unwrap();
        assert!(merged.has_server_heads);
        assert_ne!(
            merged.heads, update.heads,
            "the local edit is still unpushed"
        );
        assert_eq!(text(&merged.bytes, "workflow").as_deref(), Some("已撤回"));
        assert_eq!(text(&merged.bytes, "note").as_deref(), Some("本机修改"));

        let again = merge(Some(&merged.bytes), &update, ActorId::from(vec![1; 16])).unwrap();
        assert_eq!(again.heads, merged.heads, "applying twice changes nothing");
    }

    #[test]
    fn a_document_the_device_lacked_arrives_whole() {
        let mut server = AutoCommit::new().with_actor(ActorId::from(vec![2; 16]));
        server.put(ROOT, "report", "占道经营").unwrap();
        server.commit();
        let update = update_from(&mut server, &[]);
        let merged = merge(None, &update, ActorId::from(vec![1; 16])).unwrap();
        assert!(merged.has_server_heads);
        assert_eq!(merged.heads, update.heads);
        assert_eq!(text(&merged.bytes, "report").as_deref(), Some("占道经营"));
    }

    #[test]
    fn changes_with_missing_dependencies_do_not_acknowledge_the_server_heads() {
        let mut server = AutoCommit::new().with_actor(ActorId::from(vec![2; 16]));
        server.put(ROOT, "a", "1").unwrap();
        server.commit();
        let first = to_wire(&server.get_heads());
        server.put(ROOT, "b", "2").unwrap();
        server.commit();
        let update = update_from(&mut server, &first);
        let merged = merge(None, &update, ActorId::from(vec![1; 16])).unwrap();
        assert!(!merged.has_server_heads);
    }
}
