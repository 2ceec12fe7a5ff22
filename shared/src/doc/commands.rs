//! The `commands` part: what a device asks the server to do with a case (withdraw it; later,
//! task results). Each device appends to its own list only; the server answers every command
//! with a workflow event that names it, so a command is pending until such an event exists.

use super::values::{child, int, opt_str, str};
use super::workflow::{EventKind, WorkflowEvent, derive_status, read_events};
use super::{COMMANDS, DocError};
use crate::ids::{DeviceId, UserId};
use crate::role::Role;
use crate::time::Timestamp;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandKind {
    /// 撤回: take back a report that the centre has not accepted yet.
    Withdraw,
    /// A command of a newer app version; refused with a clear note.
    Other(String),
}

impl CommandKind {
    pub fn as_str(&self) -> &str {
        match self {
            CommandKind::Withdraw => "withdraw",
            CommandKind::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> CommandKind {
        match s {
            "withdraw" => CommandKind::Withdraw,
            other => CommandKind::Other(other.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCommand {
    pub id: Uuid,
    pub kind: CommandKind,
    pub note: String,
    pub at: Timestamp,
}

/// Appends a command to this device's own list.
pub fn append_command(
    doc: &mut AutoCommit,
    device: DeviceId,
    command: &DeviceCommand,
) -> Result<(), DocError> {
    let commands = match child(doc, &ROOT, COMMANDS, ObjType::Map)? {
        Some(map) => map,
        None => doc.put_object(ROOT, COMMANDS, ObjType::Map)?,
    };
    let key = device.to_string();
    let list = match child(doc, &commands, &key, ObjType::List)? {
        Some(list) => list,
        None => doc.put_object(&commands, key.as_str(), ObjType::List)?,
    };
    let at = doc.length(&list);
    let item = doc.insert_object(&list, at, ObjType::Map)?;
    doc.put(&item, "id", command.id.to_string())?;
    doc.put(&item, "kind", command.kind.as_str())?;
    doc.put(&item, "note", command.note.as_str())?;
    doc.put(&item, "at", command.at.millis())?;
    Ok(())
}

/// Every command in the document with the device that wrote it.
pub fn read_commands<D: ReadDoc>(doc: &D) -> Result<Vec<(DeviceId, DeviceCommand)>, DocError> {
    let Some(commands) = child(doc, &ROOT, COMMANDS, ObjType::Map)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for key in doc.keys(&commands).collect::<Vec<_>>() {
        let Ok(device) = key.parse::<DeviceId>() else {
            continue;
        };
        let Some(list) = child(doc, &commands, &key, ObjType::List)? else {
            continue;
        };
        for i in 0..doc.length(&list) {
            let Some((_, item)) = doc.get(&list, i)? else {
                continue;
            };
            let id = str(doc, &item, "id")?;
            let Ok(id) = id.parse() else {
                continue;
            };
            out.push((
                device,
                DeviceCommand {
                    id,
                    kind: CommandKind::parse(&str(doc, &item, "kind")?),
                    note: opt_str(doc, &item, "note")?.unwrap_or_default(),
                    at: Timestamp(int(doc, &item, "at")?),
                },
            ));
        }
    }
    Ok(out)
}

/// Commands that no workflow event answers yet, in document order.
pub fn pending_commands<D: ReadDoc>(doc: &D) -> Result<Vec<(DeviceId, DeviceCommand)>, DocError> {
    let answered: Vec<Uuid> = read_events(doc)?
        .into_iter()
        .filter_map(|e| e.command)
        .collect();
    Ok(read_commands(doc)?
        .into_iter()
        .filter(|(_, c)| !answered.contains(&c.id))
        .collect())
}

/// Who issued a command, as the server established it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issuer {
    pub user: UserId,
    pub role: Role,
    /// Whether the issuer is the report's reporter.
    pub is_reporter: bool,
}

/// The server's answer to a command: the event to append. Pure: decided from the history.
pub fn answer_command(
    history: &[WorkflowEvent],
    issuer: Issuer,
    command: &DeviceCommand,
    now: Timestamp,
) -> WorkflowEvent {
    let status = derive_status(history);
    let (kind, note) = match &command.kind {
        CommandKind::Withdraw if !issuer.is_reporter => {
            (EventKind::CommandRefused, "只有上报人可以撤回".to_string())
        }
        CommandKind::Withdraw if !status.may_withdraw() => (
            EventKind::CommandRefused,
            format!("案件状态为{},不能撤回", status.label()),
        ),
        CommandKind::Withdraw => (EventKind::Withdrawn, command.note.clone()),
        CommandKind::Other(kind) => (
            EventKind::CommandRefused,
            format!("服务器不支持的指令: {kind}"),
        ),
    };
    WorkflowEvent {
        kind,
        at: now,
        user: Some(issuer.user),
        role: Some(issuer.role),
        note,
        command: Some(command.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::workflow::{CaseStatus, append_event};

    fn withdraw() -> DeviceCommand {
        DeviceCommand {
            id: Uuid::now_v7(),
            kind: CommandKind::Withdraw,
            note: "重复上报".into(),
            at: Timestamp(5),
        }
    }

    fn issuer(is_reporter: bool) -> Issuer {
        Issuer {
            user: UserId::new(),
            role: Role::Inspector,
            is_reporter,
        }
    }

    #[test]
    fn answers_table() {
        let cmd = withdraw();
        let check = |history: &[WorkflowEvent], is_reporter, cmd: &DeviceCommand, kind| {
            let e = answer_command(history, issuer(is_reporter), cmd, Timestamp(9));
            assert_eq!(e.kind, kind, "{}", e.note);
            assert_eq!(e.command, Some(cmd.id));
        };
        check(&[], true, &cmd, EventKind::Withdrawn);
        check(&[], false, &cmd, EventKind::CommandRefused);
        let withdrawn = answer_command(&[], issuer(true), &cmd, Timestamp(9));
        check(&[withdrawn], true, &withdraw(), EventKind::CommandRefused);
        let future = DeviceCommand {
            kind: CommandKind::Other("teleport".into()),
            ..withdraw()
        };
        check(&[], true, &future, EventKind::CommandRefused);
    }

    #[test]
    fn a_command_is_pending_until_answered() {
        let device = DeviceId::new();
        let mut doc = AutoCommit::new();
        let cmd = withdraw();
        append_command(&mut doc, device, &cmd).unwrap();
        assert_eq!(pending_commands(&doc).unwrap(), vec![(device, cmd.clone())]);
        let answer = answer_command(&[], issuer(true), &cmd, Timestamp(9));
        append_event(&mut doc, &answer).unwrap();
        assert!(pending_commands(&doc).unwrap().is_empty());
        assert_eq!(
            derive_status(&read_events(&doc).unwrap()),
            CaseStatus::Withdrawn
        );
    }
}
