//! The state of a case folded from its workflow events: status, responsible department, open
//! tasks, flags, and the instants evaluation and time limits need.

use super::source::Source;
use crate::caseflow::event::{CaseStatus, EventKind, Satisfaction, WorkflowEvent};
use crate::ids::UserId;
use crate::time::Timestamp;
use serde::Serialize;

/// Everything the rules and the summary need to know about a case's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseState {
    pub status: CaseStatus,
    pub source: Source,
    /// The department the case is (or was last) dispatched to.
    pub department: Option<i64>,
    /// The inspector of the open 核实 task.
    pub verify_assignee: Option<UserId>,
    /// The inspector of the open 核查 task.
    pub check_assignee: Option<UserId>,
    /// The inspector last given a 核实 task (kept after it is done, for staff figures).
    pub verifier: Option<UserId>,
    /// The inspector last given a 核查 task.
    pub checker: Option<UserId>,
    /// Working hours of a 延期 request awaiting a decision.
    pub extension_requested: Option<i64>,
    /// Working hours of approved extensions.
    pub extension_hours: i64,
    /// 挂账 intervals; the last one is open while the case is on hold.
    pub holds: Vec<(Timestamp, Option<Timestamp>)>,
    /// 督办
    pub supervised: bool,
    /// Marked in conflict and not yet resolved by an admin.
    pub in_conflict: bool,
    /// 返工 count: failed 核查.
    pub reworks: u32,
    pub satisfaction: Option<Satisfaction>,
    /// 主动处理加分 in tenths of a point.
    pub bonus_tenths: i64,
    pub accepted_at: Option<Timestamp>,
    pub verify_assigned_at: Option<Timestamp>,
    pub verified_at: Option<Timestamp>,
    pub registered_at: Option<Timestamp>,
    /// The latest 派遣 (a re-dispatch after 回退 starts the department's clock again).
    pub dispatched_at: Option<Timestamp>,
    /// The latest 处置反馈 (cleared by a failed 核查).
    pub handled_at: Option<Timestamp>,
    pub check_assigned_at: Option<Timestamp>,
    pub checked_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// When the status last changed.
    pub status_since: Option<Timestamp>,
}

impl Default for CaseState {
    fn default() -> Self {
        CaseState {
            status: CaseStatus::Reported,
            source: Source::Patrol,
            department: None,
            verify_assignee: None,
            check_assignee: None,
            verifier: None,
            checker: None,
            extension_requested: None,
            extension_hours: 0,
            holds: Vec::new(),
            supervised: false,
            in_conflict: false,
            reworks: 0,
            satisfaction: None,
            bonus_tenths: 0,
            accepted_at: None,
            verify_assigned_at: None,
            verified_at: None,
            registered_at: None,
            dispatched_at: None,
            handled_at: None,
            check_assigned_at: None,
            checked_at: None,
            closed_at: None,
            status_since: None,
        }
    }
}

impl CaseState {
    /// Folds the history in order. Pure; events of unknown kinds are ignored, and so are
    /// events a conflict resolution set aside (`super::conflict::superseded`).
    pub fn fold(events: &[WorkflowEvent]) -> CaseState {
        let mut state = CaseState::default();
        let set_aside = superseded(events);
        for (event, _) in events.iter().zip(set_aside).filter(|(_, s)| !s) {
            state.apply(event);
        }
        state
    }

    pub fn on_hold(&self) -> bool {
        self.holds.last().is_some_and(|(_, end)| end.is_none())
    }

    fn set_status(&mut self, status: CaseStatus, at: Timestamp) {
        self.status = status;
        self.status_since = Some(at);
    }

    /// Applies one event.
    fn apply(&mut self, event: &WorkflowEvent) {
        let at = event.at;
        let data = &event.data;
        match event.kind {
            EventKind::Withdrawn => self.set_status(CaseStatus::Withdrawn, at),
            EventKind::Received => {
                self.source = data
                    .source
                    .as_deref()
                    .and_then(Source::parse)
                    .unwrap_or(Source::Patrol);
            }
            EventKind::Accepted => {
                self.accepted_at = Some(at);
                self.set_status(CaseStatus::Accepted, at);
            }
            EventKind::VerifyAssigned => {
                self.verify_assignee = data.assignee;
                self.verifier = data.assignee;
                self.verify_assigned_at = Some(at);
                self.set_status(CaseStatus::Verifying, at);
            }
            EventKind::Verified => {
                self.verify_assignee = None;
                self.verified_at = Some(at);
                let status = if data.passed == Some(false) {
                    CaseStatus::Rejected
                } else {
                    CaseStatus::Accepted
                };
                self.set_status(status, at);
            }
            EventKind::Registered => {
                self.registered_at = Some(at);
                self.set_status(CaseStatus::Registered, at);
            }
            EventKind::Rejected => self.set_status(CaseStatus::Rejected, at),
            EventKind::DuplicateLinked => self.set_status(CaseStatus::Duplicate, at),
            EventKind::Dispatched => {
                self.department = data.department;
                self.dispatched_at = Some(at);
                self.set_status(CaseStatus::Dispatched, at);
            }
            EventKind::Handled => {
                self.handled_at = Some(at);
                self.extension_requested = None;
                self.set_status(CaseStatus::Handled, at);
            }
            EventKind::ExtensionRequested => self.extension_requested = data.hours,
            EventKind::ExtensionApproved => {
                self.extension_hours += data.hours.or(self.extension_requested).unwrap_or(0);
                self.extension_requested = None;
            }
            EventKind::ExtensionDenied => self.extension_requested = None,
            EventKind::Returned => {
                self.extension_requested = None;
                self.set_status(CaseStatus::Registered, at);
            }
            EventKind::Held => {
                if !self.on_hold() {
                    self.holds.push((at, None));
                }
            }
            EventKind::Resumed => {
                if let Some((_, end @ None)) = self.holds.last_mut() {
                    *end = Some(at);
                }
            }
            EventKind::CheckAssigned => {
                self.check_assignee = data.assignee;
                self.checker = data.assignee;
                self.check_assigned_at = Some(at);
                self.set_status(CaseStatus::Checking, at);
            }
            EventKind::Checked => {
                self.check_assignee = None;
                self.checked_at = Some(at);
                if data.passed == Some(false) {
                    self.reworks += 1;
                    self.handled_at = None;
                    self.set_status(CaseStatus::Dispatched, at);
                } else {
                    self.set_status(CaseStatus::CheckPassed, at);
                }
            }
            EventKind::Closed => {
                self.closed_at = Some(at);
                self.set_status(CaseStatus::Closed, at);
            }
            EventKind::Supervised => self.supervised = true,
            EventKind::ConflictMarked => self.in_conflict = true,
            EventKind::ConflictResolved => self.in_conflict = false,
            EventKind::SatisfactionRated => self.satisfaction = data.satisfaction,
            EventKind::ProactiveCredited => {
                self.bonus_tenths += data.bonus_tenths.unwrap_or(0);
            }
            EventKind::CommandRefused | EventKind::Other(_) => {}
        }
    }
}

/// For each event, whether a later 采纳设备操作 resolution set it aside. A resolution may only
/// set aside events before it; other indices are ignored.
pub fn superseded(events: &[WorkflowEvent]) -> Vec<bool> {
    let mut out = vec![false; events.len()];
    for (at, event) in events.iter().enumerate() {
        if event.kind == EventKind::ConflictResolved {
            for &i in event.data.supersedes.iter().filter(|&&i| i < at) {
                out[i] = true;
            }
        }
    }
    out
}
