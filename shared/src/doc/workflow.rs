//! The `workflow` part: an append-only list of events written by the server alone, and the case
//! status derived from it by a pure function.
//!
//! Only the events of the sync foundation exist yet (a device's withdrawal and the server's
//! answer to a command it could not carry out); the case loop adds its own kinds.

use super::values::{child, int, opt_str, str};
use super::{DocError, WORKFLOW};
use crate::ids::UserId;
use crate::role::Role;
use crate::time::Timestamp;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened to a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// 撤回: the reporter withdrew the report before it was accepted.
    Withdrawn,
    /// A device command the server could not carry out; the note says why.
    CommandRefused,
    /// A kind written by a newer server; kept and shown, ignored by status derivation.
    Other(String),
}

impl EventKind {
    pub fn as_str(&self) -> &str {
        match self {
            EventKind::Withdrawn => "withdrawn",
            EventKind::CommandRefused => "command_refused",
            EventKind::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> EventKind {
        match s {
            "withdrawn" => EventKind::Withdrawn,
            "command_refused" => EventKind::CommandRefused,
            other => EventKind::Other(other.to_string()),
        }
    }
}

/// One entry of a case's history: who, in which role, when, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowEvent {
    pub kind: EventKind,
    pub at: Timestamp,
    pub user: Option<UserId>,
    pub role: Option<Role>,
    pub note: String,
    /// The device command this event answers, if any.
    pub command: Option<Uuid>,
}

/// The status of a case as derived from its history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 已上报: stored by the server, waiting for the centre.
    Reported,
    /// 已撤回
    Withdrawn,
}

impl CaseStatus {
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Reported => "已上报",
            CaseStatus::Withdrawn => "已撤回",
        }
    }

    /// A report can be withdrawn only before the centre has acted on it.
    pub fn may_withdraw(self) -> bool {
        matches!(self, CaseStatus::Reported)
    }
}

/// Folds the history into a status. Pure: the same events always give the same status.
pub fn derive_status(events: &[WorkflowEvent]) -> CaseStatus {
    events
        .iter()
        .fold(CaseStatus::Reported, |status, event| match event.kind {
            EventKind::Withdrawn => CaseStatus::Withdrawn,
            EventKind::CommandRefused | EventKind::Other(_) => status,
        })
}

pub fn read_events<D: ReadDoc>(doc: &D) -> Result<Vec<WorkflowEvent>, DocError> {
    let Some(list) = child(doc, &ROOT, WORKFLOW, ObjType::List)? else {
        return Ok(Vec::new());
    };
    let mut events = Vec::with_capacity(doc.length(&list));
    for i in 0..doc.length(&list) {
        let Some((_, item)) = doc.get(&list, i)? else {
            continue;
        };
        let parse_opt = |key: &str| opt_str(doc, &item, key);
        events.push(WorkflowEvent {
            kind: EventKind::parse(&str(doc, &item, "kind")?),
            at: Timestamp(int(doc, &item, "at")?),
            user: parse_opt("user")?.and_then(|s| s.parse().ok()),
            role: parse_opt("role")?.and_then(|s| Role::parse(&s)),
            note: parse_opt("note")?.unwrap_or_default(),
            command: parse_opt("command")?.and_then(|s| s.parse().ok()),
        });
    }
    Ok(events)
}

/// Appends an event (server only).
pub fn append_event(doc: &mut AutoCommit, event: &WorkflowEvent) -> Result<(), DocError> {
    let list = match child(doc, &ROOT, WORKFLOW, ObjType::List)? {
        Some(list) => list,
        None => doc.put_object(ROOT, WORKFLOW, ObjType::List)?,
    };
    let at = doc.length(&list);
    let item = doc.insert_object(&list, at, ObjType::Map)?;
    doc.put(&item, "kind", event.kind.as_str())?;
    doc.put(&item, "at", event.at.millis())?;
    if let Some(user) = event.user {
        doc.put(&item, "user", user.to_string())?;
    }
    if let Some(role) = event.role {
        doc.put(&item, "role", role.as_str())?;
    }
    if !event.note.is_empty() {
        doc.put(&item, "note", event.note.as_str())?;
    }
    if let Some(command) = event.command {
        doc.put(&item, "command", command.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind) -> WorkflowEvent {
        WorkflowEvent {
            kind,
            at: Timestamp(1),
            user: None,
            role: None,
            note: String::new(),
            command: None,
        }
    }

    #[test]
    fn status_table() {
        let check = |kinds: Vec<EventKind>, expected| {
            let events: Vec<_> = kinds.into_iter().map(event).collect();
            assert_eq!(derive_status(&events), expected, "{events:?}");
        };
        check(vec![], CaseStatus::Reported);
        check(vec![EventKind::CommandRefused], CaseStatus::Reported);
        check(vec![EventKind::Withdrawn], CaseStatus::Withdrawn);
        check(
            vec![EventKind::Withdrawn, EventKind::Other("future".into())],
            CaseStatus::Withdrawn,
        );
    }

    #[test]
    fn events_round_trip_in_order() {
        let mut doc = AutoCommit::new();
        let mut first = event(EventKind::Withdrawn);
        first.user = Some(UserId::new());
        first.role = Some(Role::Inspector);
        first.note = "重复上报".into();
        first.command = Some(Uuid::now_v7());
        append_event(&mut doc, &first).unwrap();
        append_event(&mut doc, &event(EventKind::Other("accepted".into()))).unwrap();
        let events = read_events(&doc).unwrap();
        assert_eq!(
            events,
            vec![first, event(EventKind::Other("accepted".into()))]
        );
    }
}
