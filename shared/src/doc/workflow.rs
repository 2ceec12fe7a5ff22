//! The `workflow` part: an append-only list of events written by the server alone. The events'
//! vocabulary and the status they fold into are `crate::caseflow::event`; which step may follow
//! which, and for whom, is decided in `crate::caseflow`.

use super::values::{child, int, opt_bool, opt_int, opt_str, str};
use super::{DocError, WORKFLOW};
use crate::caseflow::ConflictOutcome;
use crate::caseflow::event::{EventData, EventKind, Satisfaction, WorkflowEvent};
use crate::role::Role;
use crate::time::Timestamp;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ReadDoc};

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
            data: read_data(doc, &item)?,
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
    write_data(doc, &item, &event.data)
}

fn read_data<D: ReadDoc>(doc: &D, item: &ObjId) -> Result<EventData, DocError> {
    let text = |key: &str| opt_str(doc, item, key);
    Ok(EventData {
        source: text("source")?,
        department: opt_int(doc, item, "department")?,
        assignee: text("assignee")?.and_then(|s| s.parse().ok()),
        photos: text("photos")?
            .map(|s| {
                s.split(',')
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        duplicate_of: text("duplicate_of")?.and_then(|s| s.parse().ok()),
        hours: opt_int(doc, item, "hours")?,
        passed: opt_bool(doc, item, "passed")?,
        satisfaction: text("satisfaction")?.and_then(|s| Satisfaction::parse(&s)),
        bonus_tenths: opt_int(doc, item, "bonus_tenths")?,
        outcome: text("outcome")?.and_then(|s| ConflictOutcome::parse(&s)),
        supersedes: text("supersedes")?
            .map(|s| s.split(',').filter_map(|i| i.parse().ok()).collect())
            .unwrap_or_default(),
    })
}

/// Scalars only (photos comma-joined): an event is one flat map.
fn write_data(doc: &mut AutoCommit, item: &ObjId, data: &EventData) -> Result<(), DocError> {
    if let Some(source) = &data.source {
        doc.put(item, "source", source.as_str())?;
    }
    if let Some(department) = data.department {
        doc.put(item, "department", department)?;
    }
    if let Some(assignee) = data.assignee {
        doc.put(item, "assignee", assignee.to_string())?;
    }
    if !data.photos.is_empty() {
        doc.put(item, "photos", data.photos.join(","))?;
    }
    if let Some(of) = data.duplicate_of {
        doc.put(item, "duplicate_of", of.to_string())?;
    }
    if let Some(hours) = data.hours {
        doc.put(item, "hours", hours)?;
    }
    if let Some(passed) = data.passed {
        doc.put(item, "passed", passed)?;
    }
    if let Some(satisfaction) = data.satisfaction {
        doc.put(item, "satisfaction", satisfaction.as_str())?;
    }
    if let Some(bonus) = data.bonus_tenths {
        doc.put(item, "bonus_tenths", bonus)?;
    }
    if let Some(outcome) = data.outcome {
        doc.put(item, "outcome", outcome.as_str())?;
    }
    if !data.supersedes.is_empty() {
        let list: Vec<String> = data.supersedes.iter().map(usize::to_string).collect();
        doc.put(item, "supersedes", list.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caseflow::event::{CaseStatus, derive_status};
    use crate::ids::UserId;
    use uuid::Uuid;

    fn event(kind: EventKind) -> WorkflowEvent {
        WorkflowEvent {
            kind,
            at: Timestamp(1),
            user: None,
            role: None,
            note: String::new(),
            command: None,
            data: EventData::default(),
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
        first.data.outcome = Some(ConflictOutcome::Adopt);
        first.data.supersedes = vec![3, 12];
        append_event(&mut doc, &first).unwrap();
        append_event(&mut doc, &event(EventKind::Other("future_kind".into()))).unwrap();
        let events = read_events(&doc).unwrap();
        assert_eq!(
            events,
            vec![first, event(EventKind::Other("future_kind".into()))]
        );
    }
}
