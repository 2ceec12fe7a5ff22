//! One workflow action from the API: lock the case, fold its history, `decide`, append the
//! events with the server's actor, and store document, summary and task grants in one write.

use super::summary::{CaseRow, summarize};
use crate::state::AppState;
use crate::storage::{CaseVersion, NewReaders, StorageError};
use automerge::AutoCommit;
use automerge::transaction::CommitOptions;
use cgt_shared::caseflow::event::{EventKind, WorkflowEvent};
use cgt_shared::caseflow::{Action, Actor, CaseFacts, CaseState, WorkflowError, decide};
use cgt_shared::doc::report_part::read_report;
use cgt_shared::doc::workflow::{append_event, read_events};
use cgt_shared::wire::to_wire;
use cgt_shared::{DocId, Timestamp};
use thiserror::Error;

/// Longest note on an action, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;

#[derive(Debug, Error)]
pub enum ActError {
    #[error("案件不存在 (no such case)")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] WorkflowError),
    /// The device's action of a conflict cannot apply even with the centre's steps set aside.
    #[error("无法采纳设备操作: {0}")]
    CannotAdopt(WorkflowError),
    #[error("该冲突没有可采纳的设备操作 (the conflict names no device action to adopt)")]
    NothingToAdopt,
    #[error("备注过长 (note longer than {MAX_NOTE_CHARS} characters)")]
    NoteTooLong,
    #[error("备注含有控制字符 (note has control characters)")]
    NoteControl,
    #[error("案件文档无法读取 ({0})")]
    Unreadable(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A case as loaded for an action: document, stored row, report and history.
pub(crate) struct LoadedCase {
    pub doc: AutoCommit,
    pub stored: crate::storage::StoredDoc,
    pub report: cgt_shared::Report,
    pub events: Vec<WorkflowEvent>,
}

impl LoadedCase {
    pub fn facts(&self) -> CaseFacts {
        CaseFacts {
            reporter: self.report.reporter,
            self_handled: self.report.self_handled,
        }
    }
}

/// Loads a case document and its report and history.
pub(crate) fn load_case(state: &AppState, id: DocId) -> Result<LoadedCase, ActError> {
    let row = state
        .storage()
        .doc(id, cgt_shared::UserId(uuid::Uuid::nil()))?
        .ok_or(ActError::NotFound)?;
    let doc = AutoCommit::load(&row.doc.bytes).map_err(|e| ActError::Unreadable(e.to_string()))?;
    let report = read_report(&doc, id).map_err(|e| ActError::Unreadable(e.to_string()))?;
    let events = read_events(&doc).map_err(|e| ActError::Unreadable(e.to_string()))?;
    Ok(LoadedCase {
        doc,
        stored: row.doc,
        report,
        events,
    })
}

/// Takes `action` on case `id` as `actor`; returns the new summary. Blocking.
pub fn act(
    state: &AppState,
    id: DocId,
    actor: Actor,
    action: &Action,
    note: &str,
    now: Timestamp,
) -> Result<CaseRow, ActError> {
    let note = checked_note(note)?;
    let _locked = state.lock_docs(&[id])?;
    let case = load_case(state, id)?;
    let drafts = decide(
        &CaseState::fold(&case.events),
        &case.facts(),
        &actor,
        action,
    )?;
    let reason = match action {
        Action::Reject { reason } | Action::Return { reason } => reason.trim(),
        _ => note,
    };
    let events = drafts
        .into_iter()
        .map(|draft| WorkflowEvent {
            kind: draft.kind,
            at: now,
            user: Some(actor.user),
            role: Some(actor.role),
            note: reason.to_string(),
            command: None,
            data: draft.data,
        })
        .collect();
    record(state, id, case, events, now)
}

/// The note of an action, trimmed, or an error when it is too long.
pub(crate) fn checked_note(note: &str) -> Result<&str, ActError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ActError::NoteTooLong);
    }
    if cgt_shared::text::has_control(note) {
        return Err(ActError::NoteControl);
    }
    Ok(note)
}

/// Appends `new` events to the case as the server and stores document, summary and task
/// grants in one write. The caller holds the case's lock.
pub(crate) fn record(
    state: &AppState,
    id: DocId,
    case: LoadedCase,
    new: Vec<WorkflowEvent>,
    now: Timestamp,
) -> Result<CaseRow, ActError> {
    let LoadedCase {
        mut doc,
        stored,
        report,
        mut events,
    } = case;
    doc.set_actor(state.storage().server_actor().clone());
    let mut readers = NewReaders::default();
    for event in new {
        match event.kind {
            EventKind::VerifyAssigned | EventKind::CheckAssigned => {
                readers.users.extend(event.data.assignee)
            }
            EventKind::Dispatched => readers.department = event.data.department,
            _ => {}
        }
        append_event(&mut doc, &event).map_err(|e| ActError::Unreadable(e.to_string()))?;
        events.push(event);
    }
    doc.commit_with(CommitOptions::default().with_time(now.millis() / 1000));
    let bytes = doc.save();
    let heads = to_wire(&doc.get_heads());
    let rules = state.rules();
    let storage = state.storage();
    let urgent = storage.urgent_cases(&[id])?.contains(&id);
    let row = summarize(
        id,
        &report,
        &events,
        stored.received_at,
        urgent,
        &rules,
        now,
    );
    let case = CaseVersion {
        id,
        bytes,
        heads,
        owner: stored.owner,
        row: row.clone(),
    };
    storage.record_case_step(case, readers, now)?;
    Ok(row)
}
