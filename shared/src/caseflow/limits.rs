//! 处置时限 and step limits in working hours or working days, and the warning level (green /
//! yellow at 80 % / red when overdue) of a running step, with 挂账 time excluded.

use super::calendar::WorkCalendar;
use super::state::CaseState;
use crate::caseflow::event::CaseStatus;
use crate::category::Kind;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

const DEFAULT_LIMITS: &str = include_str!("../../data/time_limits.toml");
const MS_PER_HOUR: i64 = 3_600_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 工作时
    Hours,
    /// 工作日
    Days,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    pub amount: u32,
    pub unit: Unit,
}

impl Limit {
    /// The limit as working milliseconds of `calendar`.
    pub fn working_ms(self, calendar: &WorkCalendar) -> i64 {
        let per = match self.unit {
            Unit::Hours => MS_PER_HOUR,
            Unit::Days => calendar.day_ms(),
        };
        i64::from(self.amount) * per
    }
}

/// 紧急程度
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 一般
    Ordinary,
    /// 紧急
    Urgent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrgencyLimits {
    pub ordinary: Limit,
    pub urgent: Limit,
}

impl UrgencyLimits {
    fn get(&self, urgency: Urgency) -> Limit {
        match urgency {
            Urgency::Ordinary => self.ordinary,
            Urgency::Urgent => self.urgent,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandleRule {
    pub kind: Kind,
    pub class: u8,
    pub subclass: Option<u8>,
    #[serde(flatten)]
    pub limits: UrgencyLimits,
}

/// The step of the loop a running clock belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Accept,
    Verify,
    Register,
    Dispatch,
    Handle,
    Check,
    Close,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Accept,
        Step::Verify,
        Step::Register,
        Step::Dispatch,
        Step::Handle,
        Step::Check,
        Step::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Verify => "verify",
            Step::Register => "register",
            Step::Dispatch => "dispatch",
            Step::Handle => "handle",
            Step::Check => "check",
            Step::Close => "close",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Accept => "受理",
            Step::Verify => "核实",
            Step::Register => "立案",
            Step::Dispatch => "派遣",
            Step::Handle => "处置",
            Step::Check => "核查",
            Step::Close => "结案",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLimits {
    pub accept: Limit,
    pub verify: Limit,
    pub register: Limit,
    pub dispatch: Limit,
    pub check: Limit,
    pub close: Limit,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("时限配置格式错误: {0}")]
pub struct LimitsError(String);

/// The city's 时限 table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimits {
    pub steps: StepLimits,
    pub handle_default: UrgencyLimits,
    #[serde(default)]
    pub handle: Vec<HandleRule>,
}

impl TimeLimits {
    pub fn builtin() -> TimeLimits {
        TimeLimits::from_toml(DEFAULT_LIMITS).expect("the built-in time limits are valid")
    }

    pub fn from_toml(text: &str) -> Result<TimeLimits, LimitsError> {
        toml::from_str(text).map_err(|e| LimitsError(e.to_string()))
    }

    /// The 处置 limit of a subcategory: the subclass rule, else the class rule, else the default.
    pub fn handle_limit(&self, kind: Kind, class: u8, subclass: u8, urgency: Urgency) -> Limit {
        let exact = self
            .handle
            .iter()
            .find(|r| r.kind == kind && r.class == class && r.subclass == Some(subclass));
        let whole_class = || {
            self.handle
                .iter()
                .find(|r| r.kind == kind && r.class == class && r.subclass.is_none())
        };
        exact
            .or_else(whole_class)
            .map_or(self.handle_default, |r| r.limits)
            .get(urgency)
    }

    pub fn step_limit(&self, step: Step, handle: Limit) -> Limit {
        match step {
            Step::Accept => self.steps.accept,
            Step::Verify => self.steps.verify,
            Step::Register => self.steps.register,
            Step::Dispatch => self.steps.dispatch,
            Step::Handle => handle,
            Step::Check => self.steps.check,
            Step::Close => self.steps.close,
        }
    }
}

/// 预警等级
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// 绿灯: below 80 % of the limit.
    Green,
    /// 黄灯: 80 % up to the limit.
    Yellow,
    /// 红灯: overdue.
    Red,
}

impl Warning {
    pub fn of(elapsed_ms: i64, limit_ms: i64) -> Warning {
        if elapsed_ms > limit_ms {
            Warning::Red
        } else if elapsed_ms * 10 >= limit_ms * 8 {
            Warning::Yellow
        } else {
            Warning::Green
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Warning::Green => "green",
            Warning::Yellow => "yellow",
            Warning::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Warning> {
        [Warning::Green, Warning::Yellow, Warning::Red]
            .into_iter()
            .find(|w| w.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Warning::Green => "绿灯",
            Warning::Yellow => "黄灯",
            Warning::Red => "红灯",
        }
    }
}

/// The instant a running step turns yellow: from then on at most a fifth of its limit is left
/// before `deadline`, so [`Warning::of`] says yellow (or red, past the deadline).
pub fn yellow_at(calendar: &WorkCalendar, deadline: Timestamp, limit_ms: i64) -> Timestamp {
    calendar.earliest_with_left(deadline, (limit_ms * 2).div_euclid(10))
}

/// How far a running step is through its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub step: Step,
    pub started_at: Timestamp,
    /// Working time used, 挂账 excluded.
    pub elapsed_ms: i64,
    pub limit_ms: i64,
    /// When the limit runs out if nothing is put on hold from now on.
    pub deadline: Timestamp,
    pub warning: Warning,
}

/// Working time of the 挂账 intervals that lie inside `[from, to]`.
pub fn held_working_ms(
    calendar: &WorkCalendar,
    holds: &[(Timestamp, Option<Timestamp>)],
    from: Timestamp,
    to: Timestamp,
) -> i64 {
    holds
        .iter()
        .map(|&(start, end)| {
            let end = end.unwrap_or(to).min(to);
            calendar.working_ms(start.max(from), end)
        })
        .sum()
}

/// Progress of a step started at `start` with `limit_ms`, at `now`, with holds excluded.
pub fn progress(
    calendar: &WorkCalendar,
    step: Step,
    start: Timestamp,
    limit_ms: i64,
    holds: &[(Timestamp, Option<Timestamp>)],
    now: Timestamp,
) -> Progress {
    let held = held_working_ms(calendar, holds, start, now);
    let elapsed = calendar.working_ms(start, now) - held;
    let on_hold = holds.last().is_some_and(|(_, end)| end.is_none());
    let deadline = if on_hold {
        // The clock is stopped: the deadline moves with the hold.
        calendar.add_working(now, (limit_ms - elapsed).max(0))
    } else {
        calendar.add_working(start, limit_ms + held)
    };
    Progress {
        step,
        started_at: start,
        elapsed_ms: elapsed,
        limit_ms,
        deadline,
        warning: Warning::of(elapsed, limit_ms),
    }
}

/// The running step of an open case and when it started (`received_at` starts 受理).
pub fn current_step(state: &CaseState, received_at: Timestamp) -> Option<(Step, Timestamp)> {
    let since = state.status_since.unwrap_or(received_at);
    let step = match state.status {
        CaseStatus::Reported => return Some((Step::Accept, received_at)),
        CaseStatus::Verifying => Step::Verify,
        CaseStatus::Accepted => Step::Register,
        CaseStatus::Registered => Step::Dispatch,
        CaseStatus::Dispatched => return state.dispatched_at.map(|t| (Step::Handle, t)),
        CaseStatus::Handled | CaseStatus::Checking => Step::Check,
        CaseStatus::CheckPassed => Step::Close,
        CaseStatus::Withdrawn
        | CaseStatus::Rejected
        | CaseStatus::Duplicate
        | CaseStatus::Closed => return None,
    };
    Some((step, since))
}

/// The 处置 limit of a case including approved 延期.
pub fn handle_limit_ms(calendar: &WorkCalendar, handle: Limit, state: &CaseState) -> i64 {
    handle.working_ms(calendar) + state.extension_hours * MS_PER_HOUR
}
