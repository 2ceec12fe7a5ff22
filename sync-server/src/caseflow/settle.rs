//! 冲突处理 on the server: what an admin sees of a case in conflict (the device's action and the
//! centre's steps that overtook it) and the resolution they pick, recorded as events by
//! `cgt_shared::caseflow::conflict::settle`.

use super::act::{ActError, LoadedCase, checked_note, load_case, record};
use super::summary::CaseRow;
use crate::state::AppState;
use cgt_shared::caseflow::command::DeviceCommand;
use cgt_shared::caseflow::conflict::{DeviceSide, OpenConflict, open_conflict, settle};
use cgt_shared::caseflow::event::WorkflowEvent;
use cgt_shared::caseflow::{Action, Actor, CaseState, ConflictOutcome, decide};
use cgt_shared::doc::commands::read_commands;
use cgt_shared::{DeviceId, DocId, Timestamp};

/// A case's open conflict with the device command it names.
pub struct ConflictCase {
    pub case: LoadedCase,
    pub conflict: Option<OpenConflict>,
    /// The command and the device that wrote it.
    pub command: Option<(DeviceId, DeviceCommand)>,
}

impl ConflictCase {
    /// The device's side as the server established it when the command arrived: the user and
    /// role of the marker, with that user's department now.
    pub fn device_side(&self, state: &AppState) -> Result<Option<DeviceSide>, ActError> {
        let (Some(conflict), Some((_, command))) = (&self.conflict, &self.command) else {
            return Ok(None);
        };
        let marker = &self.case.events[conflict.marker];
        let (Some(user), Some(role), Some(action)) =
            (marker.user, marker.role, command.kind.action())
        else {
            return Ok(None);
        };
        Ok(Some(DeviceSide {
            issuer: Actor {
                user,
                role,
                department: state.storage().user_department(user)?,
            },
            facts: self.case.facts(),
            action,
        }))
    }

    /// Whether adopting the device's action would work now, and why not.
    pub fn adoptable(&self, state: &AppState) -> Result<Result<(), String>, ActError> {
        let (Some(conflict), Some(side)) = (&self.conflict, self.device_side(state)?) else {
            return Ok(Err(ActError::NothingToAdopt.to_string()));
        };
        Ok(
            settle(&self.case.events, conflict, ConflictOutcome::Adopt, &side)
                .map(|_| ())
                .map_err(|e| ActError::CannotAdopt(e).to_string()),
        )
    }
}

/// Loads case `id` with its open conflict (none when the case is not in conflict).
pub fn load_conflict(state: &AppState, id: DocId) -> Result<ConflictCase, ActError> {
    let case = load_case(state, id)?;
    let commands = read_commands(&case.doc).map_err(|e| ActError::Unreadable(e.to_string()))?;
    let conflict = open_conflict(&case.events, |named| {
        commands
            .iter()
            .find(|(_, c)| c.id == named)
            .map(|(_, c)| c.at)
    });
    let command = conflict
        .as_ref()
        .and_then(|c| commands.into_iter().find(|(_, cmd)| cmd.id == c.command));
    Ok(ConflictCase {
        case,
        conflict,
        command,
    })
}

/// Settles the conflict of case `id` as `admin` picked; returns the new summary. Blocking.
pub fn resolve_conflict(
    state: &AppState,
    id: DocId,
    admin: Actor,
    outcome: ConflictOutcome,
    note: &str,
    now: Timestamp,
) -> Result<CaseRow, ActError> {
    let note = checked_note(note)?;
    let _locked = state.lock_docs(&[id])?;
    let loaded = load_conflict(state, id)?;
    let case_state = CaseState::fold(&loaded.case.events);
    let plain = decide(
        &case_state,
        &loaded.case.facts(),
        &admin,
        &Action::ResolveConflict,
    )?;
    let side = loaded.device_side(state)?;
    let stamp =
        |actor: Actor, note: &str, command, draft: cgt_shared::caseflow::Draft| WorkflowEvent {
            kind: draft.kind,
            at: now,
            user: Some(actor.user),
            role: Some(actor.role),
            note: note.to_string(),
            command,
            data: draft.data,
        };
    let events = match (&loaded.conflict, side, &loaded.command) {
        (Some(conflict), Some(side), Some((_, command))) => {
            let (resolution, adopted) = settle(&loaded.case.events, conflict, outcome, &side)
                .map_err(ActError::CannotAdopt)?;
            let mut events = vec![stamp(admin, note, None, resolution)];
            events.extend(
                adopted
                    .into_iter()
                    .map(|d| stamp(side.issuer, &command.note, Some(command.id), d)),
            );
            events
        }
        _ if outcome == ConflictOutcome::Adopt => return Err(ActError::NothingToAdopt),
        _ => plain
            .into_iter()
            .map(|mut draft| {
                draft.data.outcome = Some(ConflictOutcome::Keep);
                stamp(admin, note, None, draft)
            })
            .collect(),
    };
    record(state, id, loaded.case, events, now)
}
