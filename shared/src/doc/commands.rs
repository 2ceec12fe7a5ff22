//! The `commands` part: each device appends the commands it issues (`crate::caseflow::command`)
//! to its own list only; the server answers every command with a workflow event that names it,
//! so a command is pending until such an event exists.

use super::values::{child, int, opt_bool, opt_str, str};
use super::workflow::read_events;
use super::{COMMANDS, DocError};
use crate::caseflow::command::{CommandKind, DeviceCommand};
use crate::ids::DeviceId;
use crate::time::Timestamp;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use uuid::Uuid;

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
    if let Some(passed) = command.kind.passed() {
        doc.put(&item, "passed", passed)?;
    }
    let photos = command.kind.photos();
    if !photos.is_empty() {
        doc.put(&item, "photos", photos.join(","))?;
    }
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
                    kind: CommandKind::parse(
                        &str(doc, &item, "kind")?,
                        opt_bool(doc, &item, "passed")?,
                        opt_str(doc, &item, "photos")?
                            .map(|p| p.split(',').map(String::from).collect())
                            .unwrap_or_default(),
                    ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caseflow::command::{Issuer, answer_command};
    use crate::caseflow::event::{CaseStatus, EventData, EventKind, WorkflowEvent, derive_status};
    use crate::caseflow::{Actor, CaseFacts};
    use crate::doc::workflow::append_event;
    use crate::ids::UserId;
    use crate::role::Role;

    fn command(kind: CommandKind, at: i64) -> DeviceCommand {
        DeviceCommand {
            id: Uuid::now_v7(),
            kind,
            note: "重复上报".into(),
            at: Timestamp(at),
        }
    }

    fn issuer(role: Role, is_reporter: bool) -> Issuer {
        let user = UserId::new();
        Issuer {
            actor: Actor {
                user,
                role,
                department: Some(2),
            },
            facts: CaseFacts {
                reporter: if is_reporter { user } else { UserId::new() },
                self_handled: false,
            },
        }
    }

    fn kinds(events: &[WorkflowEvent]) -> Vec<EventKind> {
        events.iter().map(|e| e.kind.clone()).collect()
    }

    #[test]
    fn answers_table() {
        let cmd = command(CommandKind::Withdraw, 5);
        let check = |history: &[WorkflowEvent], issuer, cmd: &DeviceCommand, kind| {
            let events = answer_command(history, issuer, cmd, Timestamp(9));
            assert_eq!(kinds(&events), vec![kind], "{events:?}");
            assert_eq!(events[0].command, Some(cmd.id));
        };
        check(
            &[],
            issuer(Role::Inspector, true),
            &cmd,
            EventKind::Withdrawn,
        );
        check(
            &[],
            issuer(Role::Inspector, false),
            &cmd,
            EventKind::CommandRefused,
        );
        let withdrawn = answer_command(&[], issuer(Role::Inspector, true), &cmd, Timestamp(9));
        let again = command(CommandKind::Withdraw, 20);
        check(
            &withdrawn,
            issuer(Role::Inspector, true),
            &again,
            EventKind::CommandRefused,
        );
        let future = command(CommandKind::Other("teleport".into()), 5);
        check(
            &[],
            issuer(Role::Inspector, true),
            &future,
            EventKind::CommandRefused,
        );
        let check_result = command(
            CommandKind::Check {
                passed: true,
                photos: vec![],
            },
            5,
        );
        check(
            &[],
            issuer(Role::Inspector, false),
            &check_result,
            EventKind::CommandRefused,
        );
    }

    #[test]
    fn an_offline_action_overtaken_by_the_centre_is_a_conflict() {
        let handler = issuer(Role::DepartmentHandler, false);
        let at = |kind, ms, department| WorkflowEvent {
            kind,
            at: Timestamp(ms),
            user: None,
            role: None,
            note: String::new(),
            command: None,
            data: EventData {
                department,
                ..EventData::default()
            },
        };
        let history = vec![
            at(EventKind::Accepted, 1, None),
            at(EventKind::Registered, 2, None),
            at(EventKind::Dispatched, 3, Some(2)),
            at(EventKind::Returned, 10, None),
            at(EventKind::Dispatched, 11, Some(5)),
        ];
        let photo = "ab".repeat(32);
        let feedback = command(
            CommandKind::Handle {
                photos: vec![photo],
            },
            5,
        );
        let events = answer_command(&history, handler, &feedback, Timestamp(20));
        assert_eq!(kinds(&events), vec![EventKind::ConflictMarked]);
        assert!(events[0].note.contains("处置中"), "{}", events[0].note);
        // Made after the re-dispatch, the same feedback is simply refused.
        let late = command(
            CommandKind::Handle {
                photos: vec!["ab".repeat(32)],
            },
            15,
        );
        let events = answer_command(&history, handler, &late, Timestamp(20));
        assert_eq!(kinds(&events), vec![EventKind::CommandRefused]);
    }

    #[test]
    fn a_command_is_pending_until_answered() {
        let device = DeviceId::new();
        let mut doc = AutoCommit::new();
        let cmd = command(
            CommandKind::Check {
                passed: false,
                photos: vec!["cd".repeat(32)],
            },
            5,
        );
        append_command(&mut doc, device, &cmd).unwrap();
        assert_eq!(pending_commands(&doc).unwrap(), vec![(device, cmd.clone())]);
        let withdraw = command(CommandKind::Withdraw, 6);
        append_command(&mut doc, device, &withdraw).unwrap();
        for (_, c) in pending_commands(&doc).unwrap() {
            for answer in answer_command(&[], issuer(Role::Inspector, true), &c, Timestamp(9)) {
                append_event(&mut doc, &answer).unwrap();
            }
        }
        assert!(pending_commands(&doc).unwrap().is_empty());
        assert_eq!(
            derive_status(&read_events(&doc).unwrap()),
            CaseStatus::Withdrawn
        );
    }
}
