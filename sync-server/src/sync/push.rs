//! One push frame end to end: decode it, lock its documents, check each document's changes
//! against the request's budget, merge each against the stored copy, commit everything (one storage job, so one shared fsync), then release the locks.
//! Blocking: runs on the blocking pool.

use super::LOAD_BATCH;
use super::merge::{Existing, MergeContext, Merged, PushBudget, merge_guarded};
use crate::auth::DeviceSession;
use crate::caseflow::summary::summarize;
use crate::clock;
use crate::state::AppState;
use crate::storage::{DocWrite, StorageError, StoredDoc};
use cgt_shared::DocId;
use cgt_shared::wire::{DocOutcome, Head, Limits, PushFrame, WireError, decode};
use std::collections::HashMap;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FrameError {
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The committed result of one frame.
#[derive(Debug, Default)]
pub struct FrameResult {
    /// One per pushed document, in order.
    pub outcomes: Vec<DocOutcome>,
    /// Documents stored or already stored, with the device's heads (for the feed).
    pub pushed: Vec<(DocId, Vec<Head>)>,
}

pub fn process_frame(
    state: &AppState,
    caller: &DeviceSession,
    bytes: &[u8],
    limits: &Limits,
    budget: &mut PushBudget,
) -> Result<FrameResult, FrameError> {
    let frame: PushFrame = decode(bytes, limits)?;
    let now = clock::now();
    let storage = state.storage();
    let department = storage.user_department(caller.writer.user)?;
    let cx = MergeContext {
        writer: caller.writer,
        role: caller.role,
        department,
        server_actor: storage.server_actor(),
        table: state.table(),
        now,
    };
    let ids: Vec<DocId> = frame.docs.iter().map(|d| d.id).collect();
    let _locked = state.lock_docs(&ids)?;
    let mut result = FrameResult::default();
    let mut writes = Vec::new();
    // Documents stored earlier in this frame, not yet committed.
    let mut pending: HashMap<DocId, StoredDoc> = HashMap::new();
    // Stored documents are loaded a batch at a time, so a frame naming many large documents
    // never holds them all at once.
    for batch in frame.docs.chunks(LOAD_BATCH) {
        let ids: Vec<DocId> = batch.iter().map(|d| d.id).collect();
        let stored = storage.docs(&ids, caller.writer.user)?;
        let urgent = storage.urgent_cases(&ids)?;
        for push in batch {
            let existing = match pending.get(&push.id) {
                Some(doc) => Some(doc.clone()),
                None => stored.get(&push.id).map(|row| row.doc.clone()),
            };
            let merged = match budget.admit(&push.changes) {
                Err(refused) => refused,
                Ok(()) => merge_guarded(
                    existing.as_ref().map(|d| Existing {
                        bytes: &d.bytes,
                        owner: d.owner,
                        readable: d.readable,
                    }),
                    push,
                    &cx,
                ),
            };
            let outcome = match merged {
                Merged::Unchanged { device_heads } => {
                    result.pushed.push((push.id, device_heads));
                    DocOutcome::Stored
                }
                Merged::MissingDeps => DocOutcome::MissingDeps,
                Merged::Refused {
                    status,
                    reason,
                    changes,
                } => {
                    tracing::warn!(doc = %push.id, user = %caller.writer.user, status, %reason, "push refused");
                    writes.push(DocWrite::Refusal {
                        doc: push.id,
                        status,
                        reason: reason.clone(),
                        changes,
                    });
                    DocOutcome::Refused { status, reason }
                }
                Merged::Stored {
                    bytes,
                    heads,
                    device_heads,
                    owner,
                    answered,
                    case,
                } => {
                    if answered > 0 {
                        tracing::info!(doc = %push.id, answered, "answered device commands");
                    }
                    pending.insert(
                        push.id,
                        StoredDoc {
                            bytes: bytes.clone(),
                            owner,
                            heads: heads.clone(),
                            received_at: existing.as_ref().map_or(now, |d| d.received_at),
                            readable: true,
                        },
                    );
                    let received_at = existing.as_ref().map_or(now, |d| d.received_at);
                    let case = case.map(|c| {
                        let (report, events) = *c;
                        Box::new(summarize(
                            push.id,
                            &report,
                            &events,
                            received_at,
                            urgent.contains(&push.id),
                            &state.rules(),
                            now,
                        ))
                    });
                    writes.push(DocWrite::Store {
                        id: push.id,
                        bytes,
                        heads,
                        owner,
                        case,
                    });
                    result.pushed.push((push.id, device_heads));
                    DocOutcome::Stored
                }
            };
            result.outcomes.push(outcome);
        }
    }
    storage.commit_push(caller.writer.user, caller.device, writes, now)?;
    Ok(result)
}
