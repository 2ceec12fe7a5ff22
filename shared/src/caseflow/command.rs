//! What a device asks the server to do with a case (withdraw it, 核实 and 核查 results, 处置反馈)
//! and the server's answer to it, decided from the history. Pure; the `commands` part of the
//! Automerge document (`crate::doc::commands`) stores the commands.

use super::event::{EventData, EventKind, WorkflowEvent};
use super::{Action, Actor, CaseFacts, CaseState, decide};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandKind {
    /// 撤回: take back a report that the centre has not accepted yet.
    Withdraw,
    /// 核实结果 of a task assigned to this inspector, with on-site photos.
    Verify { exists: bool, photos: Vec<String> },
    /// 核查结果 of a task assigned to this inspector, with on-site photos.
    Check { passed: bool, photos: Vec<String> },
    /// 处置反馈 from a department handler's device, with after-photos.
    Handle { photos: Vec<String> },
    /// A command of a newer app version; refused with a clear note.
    Other(String),
}

impl CommandKind {
    pub fn as_str(&self) -> &str {
        match self {
            CommandKind::Withdraw => "withdraw",
            CommandKind::Verify { .. } => "verify",
            CommandKind::Check { .. } => "check",
            CommandKind::Handle { .. } => "handle",
            CommandKind::Other(s) => s,
        }
    }

    /// The Chinese name shown to the centre.
    pub fn label(&self) -> &str {
        match self {
            CommandKind::Withdraw => "撤回",
            CommandKind::Verify { .. } => "核实结果",
            CommandKind::Check { .. } => "核查结果",
            CommandKind::Handle { .. } => "处置反馈",
            CommandKind::Other(_) => "未知指令",
        }
    }

    /// The kind from its name and the item's `passed` and `photos` fields.
    pub fn parse(s: &str, passed: Option<bool>, photos: Vec<String>) -> CommandKind {
        match (s, passed) {
            ("withdraw", _) => CommandKind::Withdraw,
            ("verify", Some(exists)) => CommandKind::Verify { exists, photos },
            ("check", Some(passed)) => CommandKind::Check { passed, photos },
            ("handle", _) => CommandKind::Handle { photos },
            (other, _) => CommandKind::Other(other.to_string()),
        }
    }

    pub fn passed(&self) -> Option<bool> {
        match self {
            CommandKind::Verify { exists: b, .. } | CommandKind::Check { passed: b, .. } => {
                Some(*b)
            }
            _ => None,
        }
    }

    /// The photos the command references (on-site photos of a result, after-photos).
    pub fn photos(&self) -> &[String] {
        match self {
            CommandKind::Verify { photos, .. }
            | CommandKind::Check { photos, .. }
            | CommandKind::Handle { photos } => photos,
            _ => &[],
        }
    }

    /// The workflow action the command asks for.
    pub fn action(&self) -> Option<Action> {
        Some(match self {
            CommandKind::Withdraw => Action::Withdraw,
            CommandKind::Verify { exists, photos } => Action::Verify {
                exists: *exists,
                photos: photos.clone(),
            },
            CommandKind::Check { passed, photos } => Action::Check {
                passed: *passed,
                photos: photos.clone(),
            },
            CommandKind::Handle { photos } => Action::Handle {
                photos: photos.clone(),
            },
            CommandKind::Other(_) => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCommand {
    pub id: Uuid,
    pub kind: CommandKind,
    pub note: String,
    pub at: Timestamp,
}

/// Who issued a command, as the server established it, and the case's facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issuer {
    pub actor: Actor,
    pub facts: CaseFacts,
}

/// The server's answer to a command: the events to append, each naming the command. Pure:
/// decided by [`decide`] from the history. A command refused because the case moved on after
/// the device issued it (e.g. offline 处置反馈 while the case was re-dispatched) marks the case
/// in conflict for an admin instead of guessing; other refusals answer `command_refused`.
pub fn answer_command(
    history: &[WorkflowEvent],
    issuer: Issuer,
    command: &DeviceCommand,
    now: Timestamp,
) -> Vec<WorkflowEvent> {
    let state = CaseState::fold(history);
    let event = |kind, note: String, data| WorkflowEvent {
        kind,
        at: now,
        user: Some(issuer.actor.user),
        role: Some(issuer.actor.role),
        note,
        command: Some(command.id),
        data,
    };
    let Some(action) = command.kind.action() else {
        let note = format!("服务器不支持的指令: {}", command.kind.as_str());
        return vec![event(EventKind::CommandRefused, note, EventData::default())];
    };
    match decide(&state, &issuer.facts, &issuer.actor, &action) {
        Ok(drafts) => drafts
            .into_iter()
            .map(|d| event(d.kind, command.note.clone(), d.data))
            .collect(),
        Err(e) if e.is_state_race() && state.status_since.is_some_and(|t| t > command.at) => {
            let note = format!("设备离线操作与案件后续处理冲突,请管理员处理: {e}");
            vec![event(EventKind::ConflictMarked, note, EventData::default())]
        }
        Err(e) => vec![event(
            EventKind::CommandRefused,
            e.to_string(),
            EventData::default(),
        )],
    }
}
