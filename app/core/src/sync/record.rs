//! Recording the server's answers in the store; each call is one transaction of the caller.

use super::incoming;
use crate::error::ClientError;
use crate::model::SyncState;
use crate::store::docs::{self, DocRow};
use automerge::ActorId;
use cgt_shared::Timestamp;
use cgt_shared::wire::{DocOutcome, DocUpdate, FeedEntry, PushResponse, StatusResponse};
use rusqlite::Connection;

/// The answer to a push: what the server stored, lacked or refused. Ends the doubt.
pub(crate) fn outcomes(
    conn: &Connection,
    sent: &[FeedEntry],
    answer: &PushResponse,
) -> Result<(), ClientError> {
    if answer.outcomes.len() != sent.len() {
        return Err(ClientError::Protocol(format!(
            "{} outcomes for {} documents",
            answer.outcomes.len(),
            sent.len()
        )));
    }
    for (entry, outcome) in sent.iter().zip(&answer.outcomes) {
        match outcome {
            DocOutcome::Stored => {
                docs::mark_stored(conn, entry.id, &entry.heads, Some(answer.server_time))?
            }
            DocOutcome::MissingDeps => docs::mark_missing_deps(conn, entry.id)?,
            DocOutcome::Refused { status, reason } => {
                docs::mark_refused(conn, entry.id, &refusal_message(*status, reason))?
            }
        }
    }
    docs::clear_in_doubt(conn)
}

/// What the inspector reads about a refused report.
pub(crate) fn refusal_message(status: u16, reason: &str) -> String {
    format!("服务器拒收 ({status}): {reason}")
}

/// The answer to "which of the doubtful documents did you store?". Ends the doubt.
pub(crate) fn status(
    conn: &Connection,
    asked: &[FeedEntry],
    answer: &StatusResponse,
) -> Result<(), ClientError> {
    if answer.stored.len() != asked.len() {
        return Err(ClientError::Protocol(format!(
            "{} answers for {} documents",
            answer.stored.len(),
            asked.len()
        )));
    }
    for (entry, &stored) in asked.iter().zip(&answer.stored) {
        if stored {
            docs::mark_stored(conn, entry.id, &entry.heads, None)?;
        }
    }
    docs::clear_in_doubt(conn)
}

/// A document pulled from the server, merged into the local one (or new on this device).
pub(crate) fn update(
    conn: &Connection,
    update: &DocUpdate,
    actor: ActorId,
    now: Timestamp,
) -> Result<(), ClientError> {
    let stored = docs::get(conn, update.id)?;
    let merged = incoming::merge(
        stored.as_ref().map(|row| row.bytes.as_slice()),
        update,
        actor,
    )?;
    let mut row = stored.unwrap_or(DocRow {
        id: update.id,
        bytes: Vec::new(),
        heads: Vec::new(),
        synced: Vec::new(),
        refused: false,
        error: None,
        received_at: None,
        changed_at: now,
    });
    row.bytes = merged.bytes;
    row.heads = merged.heads;
    if merged.has_server_heads {
        row.synced = update.heads.clone();
    }
    row.received_at = Some(update.received_at);
    docs::put(conn, &row)
}

/// A failed sync: every document waiting to go shows why.
pub(crate) fn failure(conn: &Connection, message: &str) -> Result<(), ClientError> {
    for meta in docs::sync_metas(conn)? {
        if docs::state_of(&meta.doc, meta.refused) == SyncState::Pending {
            docs::set_error(conn, meta.doc.id, message)?;
        }
    }
    Ok(())
}
