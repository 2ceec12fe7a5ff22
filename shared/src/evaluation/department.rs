//! The department score of 范文5:
//!
//! ```text
//! 综合得分 = (1 − (发案率 − 1))×100×15 % + 处置率×100×15 % + 及时处置率×100×15 %
//!          + 结案率×100×15 % + 及时结案率×100×15 % + 完好率×100×15 % + 群众满意率×100×10 %
//!          − 督办扣分 + 主动处理加分
//! ```
//!
//! graded ≥ 90 优秀, 80–89 良好, 60–79 合格, < 60 不合格.
//!
//! A case belongs to the period in which it was (last) dispatched to the department. The
//! 发案率 baseline is the average count of the three periods of the same length before; with
//! no history it is 1 (full marks). The 发案率 item is never below zero (the seed: "直至该项分值
//! 为零"); below the baseline it earns extra, as the seed says ("按比例加分").

use super::rate;
use super::record::{CaseRecord, Period, done_by, on_time};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// 等次
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀 (≥ 90)
    Excellent,
    /// 良好 (80–89)
    Good,
    /// 合格 (60–79)
    Pass,
    /// 不合格 (< 60)
    Fail,
}

impl Grade {
    pub fn of(score: f64) -> Grade {
        if score >= 90.0 {
            Grade::Excellent
        } else if score >= 80.0 {
            Grade::Good
        } else if score >= 60.0 {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

/// One department's figures and score for a period.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct DepartmentScore {
    pub department: i64,
    /// 接收案卷数 (= 发案数 = 应结案数)
    pub received: u64,
    /// 基准值: average of the three previous periods.
    pub baseline: f64,
    pub handled: u64,
    pub handled_in_time: u64,
    pub closed: u64,
    pub closed_in_time: u64,
    pub reworked: u64,
    pub public_complaints: u64,
    pub satisfied: u64,
    /// 发案率
    pub incidence_rate: f64,
    /// 处置率
    pub handling_rate: f64,
    /// 及时处置率
    pub timely_handling_rate: f64,
    /// 结案率
    pub closing_rate: f64,
    /// 及时结案率
    pub timely_closing_rate: f64,
    /// 完好率
    pub intact_rate: f64,
    /// 群众满意率
    pub satisfaction_rate: f64,
    /// 督办扣分
    pub supervision_deduction: f64,
    /// 主动处理加分
    pub proactive_bonus: f64,
    /// 综合得分
    pub score: f64,
    pub grade: Grade,
    pub grade_label: &'static str,
}

#[derive(Default)]
struct Tally {
    received: u64,
    history: u64,
    handled: u64,
    handled_in_time: u64,
    closed: u64,
    closed_in_time: u64,
    reworked: u64,
    public: u64,
    satisfied: u64,
    supervised_late: u64,
    bonus_tenths: i64,
}

/// Cases dispatched to each department in the three periods before `period` (the baseline);
/// the server counts these in SQL instead.
pub fn history_counts<'a>(
    records: impl IntoIterator<Item = &'a CaseRecord>,
    period: Period,
) -> BTreeMap<i64, u64> {
    let before = period.previous_three();
    let mut counts = BTreeMap::new();
    for r in records {
        if let (Some(d), Some(at)) = (r.department, r.dispatched_at)
            && before.contains(at)
        {
            *counts.entry(d).or_default() += 1;
        }
    }
    counts
}

/// Scores every department in `departments` (and any other a record names) for `period`.
/// `history` gives each department's cases in the three periods before (see
/// [`history_counts`]); records dispatched outside `period` are ignored.
pub fn evaluate_departments<'a>(
    records: impl IntoIterator<Item = &'a CaseRecord>,
    history: &BTreeMap<i64, u64>,
    departments: &[i64],
    period: Period,
) -> Vec<DepartmentScore> {
    let mut tallies: BTreeMap<i64, Tally> =
        departments.iter().map(|&d| (d, Tally::default())).collect();
    for (&department, &count) in history {
        tallies.entry(department).or_default().history = count;
    }
    let end = period.to;
    for record in records {
        let (Some(department), Some(dispatched)) = (record.department, record.dispatched_at) else {
            continue;
        };
        if !period.contains(dispatched) {
            continue;
        }
        let tally = tallies.entry(department).or_default();
        tally.received += 1;
        let handled = done_by(record.handled_at, end);
        let handled_in_time = on_time(record.handled_at, record.handle_deadline, end);
        tally.handled += u64::from(handled);
        tally.handled_in_time += u64::from(handled_in_time);
        tally.closed += u64::from(done_by(record.closed_at, end));
        tally.closed_in_time += u64::from(on_time(record.closed_at, record.close_deadline, end));
        tally.reworked += u64::from(record.reworks > 0);
        if record.source.is_public_complaint() {
            tally.public += 1;
            tally.satisfied +=
                u64::from(record.satisfaction.is_some_and(|s| s.counts_as_satisfied()));
        }
        tally.supervised_late += u64::from(record.supervised && !handled_in_time);
        tally.bonus_tenths += record.bonus_tenths;
    }
    tallies
        .into_iter()
        .map(|(department, t)| score(department, &t))
        .collect()
}

fn score(department: i64, t: &Tally) -> DepartmentScore {
    let baseline = t.history as f64 / 3.0;
    let incidence_rate = if baseline > 0.0 {
        t.received as f64 / baseline
    } else {
        1.0
    };
    let handling_rate = rate(t.handled, t.received);
    let timely_handling_rate = rate(t.handled_in_time, t.received);
    let closing_rate = rate(t.closed, t.received);
    let timely_closing_rate = rate(t.closed_in_time, t.received);
    let intact_rate = 1.0 - t.reworked as f64 / t.received.max(1) as f64;
    let satisfaction_rate = rate(t.satisfied, t.public);
    let supervision_deduction = t.supervised_late as f64;
    let proactive_bonus = t.bonus_tenths as f64 / 10.0;
    let incidence_item = ((1.0 - (incidence_rate - 1.0)) * 100.0 * 0.15).max(0.0);
    let raw = incidence_item
        + (handling_rate + timely_handling_rate + closing_rate + timely_closing_rate + intact_rate)
            * 100.0
            * 0.15
        + satisfaction_rate * 100.0 * 0.10
        - supervision_deduction
        + proactive_bonus;
    let score = (raw * 100.0).round() / 100.0;
    let grade = Grade::of(score);
    DepartmentScore {
        department,
        received: t.received,
        baseline,
        handled: t.handled,
        handled_in_time: t.handled_in_time,
        closed: t.closed,
        closed_in_time: t.closed_in_time,
        reworked: t.reworked,
        public_complaints: t.public,
        satisfied: t.satisfied,
        incidence_rate,
        handling_rate,
        timely_handling_rate,
        closing_rate,
        timely_closing_rate,
        intact_rate,
        satisfaction_rate,
        supervision_deduction,
        proactive_bonus,
        score,
        grade,
        grade_label: grade.label(),
    }
}
