//! The flat record of one case that evaluation reads, and the period evaluated.

use crate::caseflow::Source;
use crate::caseflow::event::Satisfaction;
use crate::ids::UserId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A half-open interval of time `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Period {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && t < self.to
    }

    /// The three periods of the same length just before this one (the 发案率 baseline).
    pub fn previous_three(&self) -> Period {
        let len = self.to.millis() - self.from.millis();
        Period {
            from: Timestamp(self.from.millis() - 3 * len),
            to: self.from,
        }
    }
}

/// One case as the evaluation sees it (a row of the server's `cases` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub source: Source,
    /// The inspector who reported it (监督员上报 only).
    pub reporter: Option<UserId>,
    /// The 街道 (street) code: the first 9 digits of the unit grid code.
    pub area: String,
    pub reported_at: Timestamp,
    /// Registered (立案): a report counts as valid.
    pub registered: bool,
    pub department: Option<i64>,
    pub dispatched_at: Option<Timestamp>,
    pub handled_at: Option<Timestamp>,
    /// 处置时限 as of the last event (holds and extensions included).
    pub handle_deadline: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// 结案时限: handling, 核查 and 结案 limits.
    pub close_deadline: Option<Timestamp>,
    pub reworks: u32,
    pub supervised: bool,
    pub satisfaction: Option<Satisfaction>,
    pub bonus_tenths: i64,
    pub verifier: Option<UserId>,
    pub verify_assigned_at: Option<Timestamp>,
    pub verified_at: Option<Timestamp>,
    pub verify_deadline: Option<Timestamp>,
    pub checker: Option<UserId>,
    pub check_assigned_at: Option<Timestamp>,
    pub checked_at: Option<Timestamp>,
    pub check_deadline: Option<Timestamp>,
}

impl CaseRecord {
    /// A record with only the mandatory facts; tests and the benchmark fill in the rest.
    pub fn new(source: Source, area: &str, reported_at: Timestamp) -> CaseRecord {
        CaseRecord {
            source,
            reporter: None,
            area: area.to_string(),
            reported_at,
            registered: false,
            department: None,
            dispatched_at: None,
            handled_at: None,
            handle_deadline: None,
            closed_at: None,
            close_deadline: None,
            reworks: 0,
            supervised: false,
            satisfaction: None,
            bonus_tenths: 0,
            verifier: None,
            verify_assigned_at: None,
            verified_at: None,
            verify_deadline: None,
            checker: None,
            check_assigned_at: None,
            checked_at: None,
            check_deadline: None,
        }
    }
}

/// Done by `end` and not after `deadline`.
pub(crate) fn on_time(
    done: Option<Timestamp>,
    deadline: Option<Timestamp>,
    end: Timestamp,
) -> bool {
    match (done, deadline) {
        (Some(done), Some(deadline)) => done < end && done <= deadline,
        (Some(done), None) => done < end,
        (None, _) => false,
    }
}

/// Done before `end`.
pub(crate) fn done_by(done: Option<Timestamp>, end: Timestamp) -> bool {
    done.is_some_and(|t| t < end)
}
