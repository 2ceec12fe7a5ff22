//! What one push request may make the server expand, checked on the pushed bytes before
//! Automerge sees them (`cgt_shared::doc::chunks`): a document's changes may inflate to at most
//! [`DOC_INFLATED_BYTES`] and carry at most [`MAX_OPS_PER_PUSH`] operations, and all documents
//! of one request together at most [`PUSH_INFLATED_BYTES`] and [`PUSH_OPS`]. A document over
//! either is refused on its own; the rest of the request goes on.

use super::Merged;
use cgt_shared::doc::authz::MAX_OPS_PER_PUSH;
use cgt_shared::doc::chunks::{ChunkBudget, ChunkError, check_chunks};

/// Inflated bytes one document's changes may reach (deflated document columns).
pub const DOC_INFLATED_BYTES: usize = 16 << 20;
/// Inflated bytes of all documents of one push request.
pub const PUSH_INFLATED_BYTES: usize = 256 << 20;
/// Operations of all documents of one push request (an honest push of the largest body the
/// server accepts holds far fewer: every operation costs several bytes).
pub const PUSH_OPS: usize = 4_000_000;

/// What is left of one request's budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushBudget {
    inflated_left: usize,
    ops_left: usize,
}

impl Default for PushBudget {
    fn default() -> Self {
        PushBudget {
            inflated_left: PUSH_INFLATED_BYTES,
            ops_left: PUSH_OPS,
        }
    }
}

impl PushBudget {
    /// Checks one document's pushed changes and charges what they declare; a refusal to
    /// record and answer otherwise.
    pub fn admit(&mut self, changes: &[u8]) -> Result<(), Merged> {
        let per_doc = ChunkBudget {
            max_inflated_bytes: DOC_INFLATED_BYTES,
            max_ops: MAX_OPS_PER_PUSH,
        };
        let left = ChunkBudget {
            max_inflated_bytes: per_doc.max_inflated_bytes.min(self.inflated_left),
            max_ops: per_doc.max_ops.min(self.ops_left),
        };
        match check_chunks(changes, &left) {
            Ok(stats) => {
                self.inflated_left -= stats.inflated_bytes;
                self.ops_left -= usize::try_from(stats.ops)
                    .unwrap_or(usize::MAX)
                    .min(self.ops_left);
                Ok(())
            }
            Err(e) if left != per_doc && check_chunks(changes, &per_doc).is_ok() => Err(refusal(
                413,
                format!("本次同步的变更总量超出上限, 请稍后再同步 (request budget spent: {e})"),
            )),
            Err(e) => Err(refusal(status_of(&e), reason_of(&e))),
        }
    }
}

fn refusal(status: u16, reason: String) -> Merged {
    Merged::Refused {
        status,
        reason,
        changes: Vec::new(),
    }
}

fn status_of(e: &ChunkError) -> u16 {
    match e {
        ChunkError::InflatesPastBudget { .. }
        | ChunkError::TooManyOps { .. }
        | ChunkError::TooManyChanges { .. }
        | ChunkError::TooManyGroupEntries { .. } => 413,
        _ => 422,
    }
}

fn reason_of(e: &ChunkError) -> String {
    match e {
        ChunkError::InflatesPastBudget { .. }
        | ChunkError::TooManyOps { .. }
        | ChunkError::TooManyChanges { .. }
        | ChunkError::TooManyGroupEntries { .. } => format!("变更过大 ({e})"),
        ChunkError::CompressedChange { .. }
        | ChunkError::BundleChunk { .. }
        | ChunkError::UnknownChunkType { .. } => format!("不支持的变更格式 ({e})"),
        _ => format!("变更数据损坏 ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    fn doc_with_ops(n: usize) -> Vec<u8> {
        let mut doc = AutoCommit::new();
        for i in 0..n {
            doc.put(ROOT, format!("k{}", i % 50), i as i64).unwrap();
        }
        doc.save_after(&[])
    }

    fn status(merged: Merged) -> u16 {
        match merged {
            Merged::Refused { status, .. } => status,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn honest_changes_pass_and_are_charged() {
        let mut budget = PushBudget::default();
        budget.admit(&doc_with_ops(100)).unwrap();
        assert_eq!(budget.ops_left, PUSH_OPS - 100);
        assert_eq!(budget.inflated_left, PUSH_INFLATED_BYTES);
    }

    #[test]
    fn one_document_over_its_limits_is_refused_alone() {
        let mut budget = PushBudget::default();
        assert_eq!(
            status(
                budget
                    .admit(&doc_with_ops(MAX_OPS_PER_PUSH + 1))
                    .unwrap_err()
            ),
            413
        );
        assert_eq!(budget, PushBudget::default(), "nothing charged");
        assert_eq!(status(budget.admit(b"not automerge").unwrap_err()), 422);
        budget.admit(&doc_with_ops(10)).unwrap();
    }

    #[test]
    fn a_spent_request_budget_refuses_what_a_fresh_one_would_take() {
        let mut budget = PushBudget {
            inflated_left: PUSH_INFLATED_BYTES,
            ops_left: 150,
        };
        budget.admit(&doc_with_ops(100)).unwrap();
        let Merged::Refused { status, reason, .. } = budget.admit(&doc_with_ops(100)).unwrap_err()
        else {
            unreachable!()
        };
        assert_eq!(status, 413);
        assert!(reason.contains("总量"), "{reason}");
    }
}
