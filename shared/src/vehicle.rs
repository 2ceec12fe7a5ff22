//! Rules for monitored vehicles (渣土车 construction-waste trucks, 环卫车 sanitation vehicles):
//! overspeed sustained, leaving the prescribed route corridor, and stopping outside the
//! registered sites ("两点一线": source site → route → disposal site).
//!
//! [`evaluate`] takes positions in any order, sorts them by time and drops repeated times, so
//! positions that a unit buffered offline and sent late are judged like the others; callers
//! re-evaluate the window a late position falls into and replace its alarms.

use crate::geometry::{self, Point};
use crate::time::Timestamp;
use crate::track::TrackPoint;
use crate::track::analysis::{index_runs, stops};
use crate::track::point::implied_speed_mps;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The prescribed route: a line and the corridor's full width around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Corridor {
    /// `[lon, lat]` vertices.
    #[schema(value_type = Vec<crate::geometry::LonLat>)]
    pub line: Vec<Point>,
    pub width_m: f64,
}

/// A registered site (source or disposal) where stopping is expected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Site {
    pub name: String,
    /// `[lon, lat]` ring.
    #[schema(value_type = Vec<crate::geometry::LonLat>)]
    pub polygon: Vec<Point>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VehicleRules {
    pub speed_limit_kmh: f64,
    /// Overspeed is faster than limit × multiplier …
    pub overspeed_multiplier: f64,
    /// … for at least this long.
    pub overspeed_min_ms: i64,
    pub corridor: Option<Corridor>,
    /// Outside the corridor at least this long is off route.
    pub off_route_min_ms: i64,
    pub sites: Vec<Site>,
    /// Staying within this radius …
    pub stop_radius_m: f64,
    /// … at least this long outside every site is an unregistered stop.
    pub stop_min_ms: i64,
}

impl VehicleRules {
    /// The usual thresholds around a speed limit, a route and sites.
    pub fn new(speed_limit_kmh: f64, corridor: Option<Corridor>, sites: Vec<Site>) -> Self {
        VehicleRules {
            speed_limit_kmh,
            overspeed_multiplier: 1.1,
            overspeed_min_ms: 30_000,
            corridor,
            off_route_min_ms: 60_000,
            sites,
            stop_radius_m: 50.0,
            stop_min_ms: 5 * 60_000,
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    /// 超速
    Overspeed,
    /// 偏离路线
    OffRoute,
    /// 违规停车 (outside registered sites)
    StopOutsideSite,
}

impl AlarmKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmKind::Overspeed => "overspeed",
            AlarmKind::OffRoute => "off_route",
            AlarmKind::StopOutsideSite => "stop_outside_site",
        }
    }

    pub fn parse(s: &str) -> Option<AlarmKind> {
        [
            AlarmKind::Overspeed,
            AlarmKind::OffRoute,
            AlarmKind::StopOutsideSite,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A rule broken from `from` to `to`; `peak` is the highest speed (km/h) for overspeed, the
/// farthest distance from the route (m) for off-route, and the minutes stopped for a stop.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Alarm {
    pub kind: AlarmKind,
    pub from: Timestamp,
    pub to: Timestamp,
    pub peak: f64,
}

/// Positions in time order with one position per instant (the first of equal times wins).
pub fn in_time_order(mut positions: Vec<TrackPoint>) -> Vec<TrackPoint> {
    positions.sort_by_key(|p| p.at);
    positions.dedup_by_key(|p| p.at);
    positions
}

/// Every alarm over `positions` (any order), sorted by start time and kind.
pub fn evaluate(rules: &VehicleRules, positions: Vec<TrackPoint>) -> Vec<Alarm> {
    let points = in_time_order(positions);
    let mut alarms = overspeed(rules, &points);
    alarms.extend(off_route(rules, &points));
    alarms.extend(unregistered_stops(rules, &points));
    alarms.sort_by_key(|a| (a.from, a.kind));
    alarms
}

/// Runs of points over the limit: the unit's own speed where it sent one, otherwise the speed
/// implied by the step from the previous point.
fn overspeed(rules: &VehicleRules, points: &[TrackPoint]) -> Vec<Alarm> {
    let kmh: Vec<f64> = (0..points.len())
        .map(|i| match points[i].speed_mps {
            Some(s) => f64::from(s) * 3.6,
            None if i > 0 => implied_speed_mps(&points[i - 1], &points[i]).unwrap_or(0.0) * 3.6,
            None => 0.0,
        })
        .collect();
    let threshold = rules.speed_limit_kmh * rules.overspeed_multiplier;
    runs_lasting(points, rules.overspeed_min_ms, |i| kmh[i] > threshold)
        .map(|(first, last)| Alarm {
            kind: AlarmKind::Overspeed,
            from: points[first].at,
            to: points[last].at,
            peak: kmh[first..=last].iter().fold(0.0, |a, &b| a.max(b)),
        })
        .collect()
}

fn off_route(rules: &VehicleRules, points: &[TrackPoint]) -> Vec<Alarm> {
    let Some(corridor) = &rules.corridor else {
        return Vec::new();
    };
    let away: Vec<f64> = points
        .iter()
        .map(|p| geometry::distance_to_line_m(&corridor.line, p.lon_lat()))
        .collect();
    runs_lasting(points, rules.off_route_min_ms, |i| {
        away[i] > corridor.width_m / 2.0
    })
    .map(|(first, last)| Alarm {
        kind: AlarmKind::OffRoute,
        from: points[first].at,
        to: points[last].at,
        peak: away[first..=last].iter().fold(0.0, |a, &b| a.max(b)),
    })
    .collect()
}

fn unregistered_stops(rules: &VehicleRules, points: &[TrackPoint]) -> Vec<Alarm> {
    stops(rules.stop_radius_m, rules.stop_min_ms, points)
        .into_iter()
        .filter(|stop| {
            !rules
                .sites
                .iter()
                .any(|site| geometry::contains(&site.polygon, [stop.lon, stop.lat]))
        })
        .map(|stop| Alarm {
            kind: AlarmKind::StopOutsideSite,
            from: stop.from,
            to: stop.to,
            peak: (stop.to.millis() - stop.from.millis()) as f64 / 60_000.0,
        })
        .collect()
}

/// Runs of points where `hit` holds that last at least `min_ms` from first to last point.
fn runs_lasting(
    points: &[TrackPoint],
    min_ms: i64,
    hit: impl Fn(usize) -> bool,
) -> impl Iterator<Item = (usize, usize)> {
    index_runs(points.len(), hit)
        .into_iter()
        .filter(move |&(first, last)| {
            points[last].at.millis() - points[first].at.millis() >= min_ms
        })
}

#[cfg(test)]
mod tests;
