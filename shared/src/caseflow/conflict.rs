//! 冲突处理: how an admin settles a case marked in conflict because a device's offline action
//! (a 核实 or 核查 result, 处置反馈) was overtaken by the centre's later steps.
//!
//! The admin either keeps the centre's steps (the device's action stays unexecuted) or adopts
//! the device's action: the centre's steps after the device acted are set aside — the history
//! keeps them, the resolution event lists them in `data.supersedes` and the fold skips them —
//! and the device's action is decided again against the state that remains. Nothing is deleted.

use super::action::{Action, Actor, CaseFacts};
use super::decide::{Draft, WorkflowError, decide};
use super::state::{CaseState, superseded};
use crate::caseflow::event::{EventData, EventKind, WorkflowEvent};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The admin's choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictOutcome {
    /// 维持中心处理: the centre's steps stand; the device's action is not carried out.
    #[default]
    Keep,
    /// 采纳设备操作: the centre's overtaking steps are set aside and the device's action applies.
    Adopt,
}

impl ConflictOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictOutcome::Keep => "keep",
            ConflictOutcome::Adopt => "adopt",
        }
    }

    pub fn parse(s: &str) -> Option<ConflictOutcome> {
        [ConflictOutcome::Keep, ConflictOutcome::Adopt]
            .into_iter()
            .find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ConflictOutcome::Keep => "维持中心处理",
            ConflictOutcome::Adopt => "采纳设备操作",
        }
    }
}

/// The open conflict of a case: the marker, the device command it names and the centre's
/// steps that came after the device acted (indices into the history).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenConflict {
    pub marker: usize,
    pub command: Uuid,
    pub overtaking: Vec<usize>,
}

/// Steps of the loop a device's action can be overtaken by; flags (督办), ratings, credits and
/// the bookkeeping of commands and conflicts are never set aside.
fn is_loop_step(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Received
            | EventKind::CommandRefused
            | EventKind::Supervised
            | EventKind::ConflictMarked
            | EventKind::ConflictResolved
            | EventKind::SatisfactionRated
            | EventKind::ProactiveCredited
            | EventKind::Other(_)
    )
}

/// The conflict waiting for an admin, if the case is in one. `command_at` gives the device
/// time of a command named by a marker (from the document's commands part).
pub fn open_conflict(
    events: &[WorkflowEvent],
    command_at: impl Fn(Uuid) -> Option<Timestamp>,
) -> Option<OpenConflict> {
    if !CaseState::fold(events).in_conflict {
        return None;
    }
    let set_aside = superseded(events);
    let (marker, command) = events
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| e.kind == EventKind::ConflictMarked)
        .and_then(|(i, e)| Some((i, e.command?)))?;
    let since = command_at(command)?;
    let overtaking = events[..marker]
        .iter()
        .enumerate()
        .filter(|(i, e)| !set_aside[*i] && e.at > since && is_loop_step(&e.kind))
        .map(|(i, _)| i)
        .collect();
    Some(OpenConflict {
        marker,
        command,
        overtaking,
    })
}

/// The device's side of a conflict as the admin adopts it: who issued the command (as the
/// server established it when the command arrived) and what it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSide {
    pub issuer: Actor,
    pub facts: CaseFacts,
    pub action: Action,
}

/// The events that settle `conflict`: the resolution (by the admin, already permitted by
/// `decide`) and, when adopting, the device's action decided against the history with the
/// overtaking steps set aside. Adopting fails with the refusal the device's action meets.
pub fn settle(
    events: &[WorkflowEvent],
    conflict: &OpenConflict,
    outcome: ConflictOutcome,
    device: &DeviceSide,
) -> Result<(Draft, Vec<Draft>), WorkflowError> {
    let resolution = Draft {
        kind: EventKind::ConflictResolved,
        data: EventData {
            outcome: Some(outcome),
            supersedes: match outcome {
                ConflictOutcome::Keep => Vec::new(),
                ConflictOutcome::Adopt => conflict.overtaking.clone(),
            },
            ..EventData::default()
        },
    };
    if outcome == ConflictOutcome::Keep {
        return Ok((resolution, Vec::new()));
    }
    let mut after = events.to_vec();
    after.push(WorkflowEvent {
        kind: resolution.kind.clone(),
        at: events.last().map_or(Timestamp(0), |e| e.at),
        user: None,
        role: None,
        note: String::new(),
        command: None,
        data: resolution.data.clone(),
    });
    let adopted = decide(
        &CaseState::fold(&after),
        &device.facts,
        &device.issuer,
        &device.action,
    )?;
    Ok((resolution, adopted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caseflow::command::{CommandKind, DeviceCommand, Issuer, answer_command};
    use crate::caseflow::event::CaseStatus;
    use crate::ids::UserId;
    use crate::role::Role;

    const DEPT: i64 = 2;
    const PHOTO: &str = "cd00000000000000000000000000000000000000000000000000000000000000";

    fn person(role: Role, n: u128, department: Option<i64>) -> Actor {
        Actor {
            user: UserId(Uuid::from_u128(n)),
            role,
            department,
        }
    }

    fn facts() -> CaseFacts {
        CaseFacts {
            reporter: UserId(Uuid::from_u128(99)),
            self_handled: false,
        }
    }

    fn event(kind: EventKind, at: i64, data: EventData) -> WorkflowEvent {
        WorkflowEvent {
            kind,
            at: Timestamp(at),
            user: None,
            role: None,
            note: String::new(),
            command: None,
            data,
        }
    }

    fn to(department: i64) -> EventData {
        EventData {
            department: Some(department),
            ..EventData::default()
        }
    }

    fn assigned(inspector: &Actor) -> EventData {
        EventData {
            assignee: Some(inspector.user),
            ..EventData::default()
        }
    }

    /// A case dispatched to [`DEPT`] at t=3000 and handled at t=4000.
    fn handled_case() -> Vec<WorkflowEvent> {
        vec![
            event(EventKind::Accepted, 1000, EventData::default()),
            event(EventKind::Registered, 2000, EventData::default()),
            event(EventKind::Dispatched, 3000, to(DEPT)),
            event(EventKind::Handled, 4000, EventData::default()),
        ]
    }

    /// The device's command arrives at t=9000 and is answered as the server does.
    fn arrive(history: &mut Vec<WorkflowEvent>, issuer: &Actor, command: &DeviceCommand) {
        let issuer = Issuer {
            actor: *issuer,
            facts: facts(),
        };
        let answer = answer_command(history, issuer, command, Timestamp(9000));
        history.extend(answer);
    }

    fn command(kind: CommandKind, at: i64) -> DeviceCommand {
        DeviceCommand {
            id: Uuid::from_u128(7),
            kind,
            note: "现场已整改".into(),
            at: Timestamp(at),
        }
    }

    /// 核查 task to A at 5000; A checks offline at 6000; the centre reassigns to B at 7000.
    fn reassigned_check() -> (Vec<WorkflowEvent>, Actor, DeviceCommand) {
        let a = person(Role::Inspector, 1, None);
        let b = person(Role::Inspector, 2, None);
        let mut history = handled_case();
        history.push(event(EventKind::CheckAssigned, 5000, assigned(&a)));
        history.push(event(EventKind::CheckAssigned, 7000, assigned(&b)));
        let check = command(
            CommandKind::Check {
                passed: true,
                photos: vec![PHOTO.into()],
            },
            6000,
        );
        arrive(&mut history, &a, &check);
        (history, a, check)
    }

    fn side(issuer: Actor, command: &DeviceCommand) -> DeviceSide {
        DeviceSide {
            issuer,
            facts: facts(),
            action: command.kind.action().expect("known command"),
        }
    }

    fn stamped(drafts: Vec<Draft>, at: i64) -> Vec<WorkflowEvent> {
        drafts
            .into_iter()
            .map(|d| event(d.kind, at, d.data))
            .collect()
    }

    #[test]
    fn the_overtaking_steps_are_those_after_the_device_acted() {
        let (history, _, check) = reassigned_check();
        assert_eq!(
            history.last().map(|e| &e.kind),
            Some(&EventKind::ConflictMarked)
        );
        let conflict = open_conflict(&history, |_| Some(check.at)).expect("in conflict");
        assert_eq!(conflict.marker, history.len() - 1);
        assert_eq!(conflict.command, check.id);
        assert_eq!(
            conflict.overtaking,
            vec![5],
            "only the reassignment at 7000"
        );
        assert_eq!(open_conflict(&handled_case(), |_| Some(check.at)), None);
    }

    #[test]
    fn keeping_the_centre_leaves_its_steps_in_force() {
        let (mut history, a, check) = reassigned_check();
        let conflict = open_conflict(&history, |_| Some(check.at)).expect("in conflict");
        let (resolution, adopted) =
            settle(&history, &conflict, ConflictOutcome::Keep, &side(a, &check)).unwrap();
        assert!(adopted.is_empty());
        assert!(resolution.data.supersedes.is_empty());
        history.extend(stamped(vec![resolution], 10_000));
        let state = CaseState::fold(&history);
        assert!(!state.in_conflict);
        assert_eq!(state.status, CaseStatus::Checking);
        assert_eq!(
            state.check_assignee,
            Some(person(Role::Inspector, 2, None).user)
        );
    }

    #[test]
    fn adopting_sets_the_overtaking_steps_aside_and_applies_the_device_action() {
        let (mut history, a, check) = reassigned_check();
        let conflict = open_conflict(&history, |_| Some(check.at)).expect("in conflict");
        let (resolution, adopted) = settle(
            &history,
            &conflict,
            ConflictOutcome::Adopt,
            &side(a, &check),
        )
        .unwrap();
        assert_eq!(resolution.data.supersedes, vec![5]);
        assert_eq!(resolution.data.outcome, Some(ConflictOutcome::Adopt));
        assert_eq!(adopted.len(), 1);
        assert_eq!(adopted[0].kind, EventKind::Checked);
        assert_eq!(adopted[0].data.photos, vec![PHOTO.to_string()]);
        let before = history.len();
        history.extend(stamped(vec![resolution], 10_000));
        history.extend(stamped(adopted, 10_000));
        assert_eq!(history.len(), before + 2, "nothing is removed");
        let state = CaseState::fold(&history);
        assert!(!state.in_conflict);
        assert_eq!(state.status, CaseStatus::CheckPassed);
        assert_eq!(state.checker, Some(a.user));
        assert!(superseded(&history)[5]);
    }

    #[test]
    fn adopting_an_action_the_remaining_history_forbids_is_refused() {
        // Returned at 5500, before the handler's offline feedback at 6000; re-dispatched
        // elsewhere at 7000. Setting the re-dispatch aside leaves a returned case.
        let handler = person(Role::DepartmentHandler, 3, Some(DEPT));
        let mut history = handled_case();
        history.truncate(3);
        history.push(event(EventKind::Returned, 5500, EventData::default()));
        history.push(event(EventKind::Dispatched, 7000, to(DEPT + 1)));
        let feedback = command(
            CommandKind::Handle {
                photos: vec![PHOTO.into()],
            },
            6000,
        );
        arrive(&mut history, &handler, &feedback);
        let conflict = open_conflict(&history, |_| Some(feedback.at)).expect("in conflict");
        assert_eq!(conflict.overtaking, vec![4]);
        let refused = settle(
            &history,
            &conflict,
            ConflictOutcome::Adopt,
            &side(handler, &feedback),
        )
        .unwrap_err();
        assert_eq!(refused.status, CaseStatus::Registered);
        assert!(refused.to_string().contains("待派遣"), "{refused}");
    }

    #[test]
    fn a_resolution_cannot_set_aside_events_after_it() {
        let mut history = handled_case();
        history.push(event(
            EventKind::ConflictResolved,
            5000,
            EventData {
                supersedes: vec![1, 4, 5, 40],
                ..EventData::default()
            },
        ));
        history.push(event(EventKind::Closed, 6000, EventData::default()));
        assert_eq!(
            superseded(&history),
            vec![false, true, false, false, false, false]
        );
    }
}
