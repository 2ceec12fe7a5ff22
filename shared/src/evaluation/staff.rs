//! Inspector figures (上报数, 有效上报数, 有效上报率, 按时核实率, 按时核查率) and area figures
//! per 街道 for a period.

use super::rate;
use super::record::{CaseRecord, Period, done_by, on_time};
use crate::ids::UserId;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct InspectorFigures {
    pub inspector: UserId,
    /// 上报数: reports made in the period.
    pub reported: u64,
    /// 有效上报数: of those, registered (立案).
    pub valid: u64,
    /// 有效上报率
    pub valid_rate: f64,
    pub verify_tasks: u64,
    pub verified_in_time: u64,
    /// 按时核实率
    pub timely_verify_rate: f64,
    pub check_tasks: u64,
    pub checked_in_time: u64,
    /// 按时核查率
    pub timely_check_rate: f64,
}

#[derive(Default)]
struct InspectorTally {
    reported: u64,
    valid: u64,
    verify: u64,
    verify_on_time: u64,
    check: u64,
    check_on_time: u64,
}

/// Figures of every inspector who reported or had a task assigned in the period.
pub fn evaluate_inspectors<'a>(
    records: impl IntoIterator<Item = &'a CaseRecord>,
    period: Period,
) -> Vec<InspectorFigures> {
    let mut tallies: BTreeMap<UserId, InspectorTally> = BTreeMap::new();
    for r in records {
        if let Some(reporter) = r.reporter
            && period.contains(r.reported_at)
        {
            let t = tallies.entry(reporter).or_default();
            t.reported += 1;
            t.valid += u64::from(r.registered);
        }
        if let (Some(verifier), Some(at)) = (r.verifier, r.verify_assigned_at)
            && period.contains(at)
        {
            let t = tallies.entry(verifier).or_default();
            t.verify += 1;
            t.verify_on_time += u64::from(on_time(r.verified_at, r.verify_deadline, period.to));
        }
        if let (Some(checker), Some(at)) = (r.checker, r.check_assigned_at)
            && period.contains(at)
        {
            let t = tallies.entry(checker).or_default();
            t.check += 1;
            t.check_on_time += u64::from(on_time(r.checked_at, r.check_deadline, period.to));
        }
    }
    tallies
        .into_iter()
        .map(|(inspector, t)| InspectorFigures {
            inspector,
            reported: t.reported,
            valid: t.valid,
            valid_rate: rate(t.valid, t.reported),
            verify_tasks: t.verify,
            verified_in_time: t.verify_on_time,
            timely_verify_rate: rate(t.verify_on_time, t.verify),
            check_tasks: t.check,
            checked_in_time: t.check_on_time,
            timely_check_rate: rate(t.check_on_time, t.check),
        })
        .collect()
}

/// Figures of one 街道 for cases reported in the period.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct AreaFigures {
    pub area: String,
    pub reported: u64,
    pub registered: u64,
    pub closed: u64,
    pub closed_in_time: u64,
    /// 结案率 of registered cases.
    pub closing_rate: f64,
    /// 及时结案率 of registered cases.
    pub timely_closing_rate: f64,
}

pub fn evaluate_areas<'a>(
    records: impl IntoIterator<Item = &'a CaseRecord>,
    period: Period,
) -> Vec<AreaFigures> {
    let mut tallies: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    for r in records {
        if !period.contains(r.reported_at) {
            continue;
        }
        let t = tallies.entry(r.area.as_str()).or_default();
        t[0] += 1;
        if r.registered {
            t[1] += 1;
            t[2] += u64::from(done_by(r.closed_at, period.to));
            t[3] += u64::from(on_time(r.closed_at, r.close_deadline, period.to));
        }
    }
    tallies
        .into_iter()
        .map(
            |(area, [reported, registered, closed, in_time])| AreaFigures {
                area: area.to_string(),
                reported,
                registered,
                closed,
                closed_in_time: in_time,
                closing_rate: rate(closed, registered),
                timely_closing_rate: rate(in_time, registered),
            },
        )
        .collect()
}
