//! The flat summary row of a case, derived from its report and history with the city's
//! calendar and time limits. Pure; the storage layer writes it beside the document.

use cgt_shared::caseflow::calendar::WorkCalendar;
use cgt_shared::caseflow::event::{CaseStatus, WorkflowEvent};
use cgt_shared::caseflow::limits::{
    Step, TimeLimits, Urgency, current_step, handle_limit_ms, progress, yellow_at,
};
use cgt_shared::caseflow::{CaseState, Source};
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::{DocId, Report, Timestamp};

/// One row of the `cases` table.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRow {
    pub id: DocId,
    pub status: CaseStatus,
    pub report: Report,
    pub urgent: bool,
    pub record: CaseRecord,
    pub verify_assignee: Option<cgt_shared::UserId>,
    pub check_assignee: Option<cgt_shared::UserId>,
    pub on_hold: bool,
    pub in_conflict: bool,
    pub step: Option<Step>,
    pub step_started_at: Option<Timestamp>,
    pub step_deadline: Option<Timestamp>,
    pub step_limit_ms: Option<i64>,
    /// When the running step turns yellow (see `limits::yellow_at`), so queues filter by colour
    /// in the query.
    pub step_yellow_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// The city's rules the summary needs.
pub struct Rules<'a> {
    pub calendar: &'a WorkCalendar,
    pub limits: &'a TimeLimits,
}

impl Rules<'_> {
    fn urgency(urgent: bool) -> Urgency {
        if urgent {
            Urgency::Urgent
        } else {
            Urgency::Ordinary
        }
    }

    /// The working-time limit of `step` for this case.
    pub fn step_limit_ms(
        &self,
        step: Step,
        report: &Report,
        state: &CaseState,
        urgent: bool,
    ) -> i64 {
        let handle = self.limits.handle_limit(
            report.kind,
            report.class,
            report.subclass,
            Self::urgency(urgent),
        );
        match step {
            Step::Handle => handle_limit_ms(self.calendar, handle, state),
            other => self
                .limits
                .step_limit(other, handle)
                .working_ms(self.calendar),
        }
    }
}

/// Summarizes a case as of `now` (the time of its latest write).
pub fn summarize(
    id: DocId,
    report: &Report,
    events: &[WorkflowEvent],
    received_at: Timestamp,
    urgent: bool,
    rules: &Rules,
    now: Timestamp,
) -> CaseRow {
    let state = CaseState::fold(events);
    let cal = rules.calendar;
    let limit = |step| rules.step_limit_ms(step, report, &state, urgent);
    let deadline_from = |start: Option<Timestamp>, step| {
        start.map(|s| progress(cal, step, s, limit(step), &state.holds, now.max(s)).deadline)
    };
    let handle_deadline = deadline_from(state.dispatched_at, Step::Handle);
    let close_deadline =
        handle_deadline.map(|d| cal.add_working(d, limit(Step::Check) + limit(Step::Close)));
    let running = current_step(&state, received_at);
    let step_deadline = running.map(|(step, start)| {
        progress(cal, step, start, limit(step), &state.holds, now.max(start)).deadline
    });
    let record = CaseRecord {
        reporter: (state.source == Source::Patrol).then_some(report.reporter),
        registered: state.registered_at.is_some(),
        department: state.department,
        dispatched_at: state.dispatched_at,
        handled_at: state.handled_at,
        handle_deadline,
        closed_at: state.closed_at,
        close_deadline,
        reworks: state.reworks,
        supervised: state.supervised,
        satisfaction: state.satisfaction,
        bonus_tenths: state.bonus_tenths,
        verifier: state.verifier,
        verify_assigned_at: state.verify_assigned_at,
        verified_at: state.verified_at,
        verify_deadline: state
            .verify_assigned_at
            .map(|t| cal.add_working(t, limit(Step::Verify))),
        checker: state.checker,
        check_assigned_at: state.check_assigned_at,
        checked_at: state.checked_at,
        check_deadline: state
            .check_assigned_at
            .map(|t| cal.add_working(t, limit(Step::Check))),
        ..CaseRecord::new(
            state.source,
            report.unit_grid.as_str().get(..9).unwrap_or(""),
            received_at,
        )
    };
    CaseRow {
        id,
        status: state.status,
        report: report.clone(),
        urgent,
        record,
        verify_assignee: state.verify_assignee,
        check_assignee: state.check_assignee,
        on_hold: state.on_hold(),
        in_conflict: state.in_conflict,
        step: running.map(|(s, _)| s),
        step_started_at: running.map(|(_, t)| t),
        step_deadline,
        step_limit_ms: running.map(|(s, _)| limit(s)),
        step_yellow_at: running
            .zip(step_deadline)
            .map(|((step, _), deadline)| yellow_at(cal, deadline, limit(step))),
        updated_at: now,
    }
}
