//! Answers over stored documents for pull and status. Pure: the caller loads the documents.

use crate::storage::StoredDoc;
use automerge::{AutoCommit, AutomergeError};
use cgt_shared::DocId;
use cgt_shared::plan::same_heads;
use cgt_shared::wire::{DocUpdate, Head, from_wire};

/// What a device holding `have` lacks of a stored document: the changes after the heads the
/// server knows of `have`, or the whole document if it knows none of them.
pub fn doc_update(
    id: DocId,
    stored: &StoredDoc,
    have: &[Head],
) -> Result<DocUpdate, AutomergeError> {
    let changes = if same_heads(have, &stored.heads) {
        Vec::new()
    } else {
        let mut doc = AutoCommit::load(&stored.bytes)?;
        let known: Vec<_> = from_wire(have)
            .into_iter()
            .filter(|h| doc.get_change_by_hash(h).is_some())
            .collect();
        if known.is_empty() {
            stored.bytes.clone()
        } else {
            doc.save_after(&known)
        }
    };
    Ok(DocUpdate {
        id,
        changes,
        heads: stored.heads.clone(),
        received_at: stored.received_at,
    })
}

/// Whether the server has every one of `heads` (current heads or older changes).
pub fn knows_all(stored: &StoredDoc, heads: &[Head]) -> Result<bool, AutomergeError> {
    if heads.iter().all(|h| stored.heads.contains(h)) {
        return Ok(true);
    }
    let mut doc = AutoCommit::load(&stored.bytes)?;
    Ok(from_wire(heads)
        .iter()
        .all(|h| doc.get_change_by_hash(h).is_some()))
}
