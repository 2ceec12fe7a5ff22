//! What a supervisor reads from a track: distance walked, time covered, stops (staying within
//! a radius for a minimum time), gaps (silences) and anomalies (mock locations, speeds
//! impossible on foot, long gaps during a shift). Points are taken in time order.

use super::point::{TrackPoint, implied_speed_mps};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalysisParams {
    /// A stop is staying within this radius of where it began …
    pub stop_radius_m: f64,
    /// … for at least this long.
    pub stop_min_ms: i64,
    /// Silence longer than this is a gap; distance is not counted across it.
    pub gap_ms: i64,
    /// A gap this long during a shift is an anomaly.
    pub long_gap_ms: i64,
    /// Faster than this is impossible on foot …
    pub on_foot_max_mps: f64,
    /// … when sustained this long.
    pub on_foot_min_ms: i64,
}

impl Default for AnalysisParams {
    fn default() -> AnalysisParams {
        AnalysisParams {
            stop_radius_m: 30.0,
            stop_min_ms: 5 * 60_000,
            gap_ms: 120_000,
            long_gap_ms: 10 * 60_000,
            on_foot_max_mps: 4.0,
            on_foot_min_ms: 60_000,
        }
    }
}

/// Staying within the stop radius from `from` to `to`, around `lat`, `lon` (the mean).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stop {
    pub from: Timestamp,
    pub to: Timestamp,
    pub lat: f64,
    pub lon: f64,
}

/// No point between `from` and `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Gap {
    pub from: Timestamp,
    pub to: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anomaly {
    /// Positions from a mock-location provider (a run of them is one anomaly).
    MockLocation { from: Timestamp, to: Timestamp },
    /// Moving faster than on foot, sustained; `speed_mps` is the fastest implied speed.
    TooFastOnFoot {
        from: Timestamp,
        to: Timestamp,
        speed_mps: f64,
    },
    /// No position for a long time during the shift.
    LongGap { from: Timestamp, to: Timestamp },
}

/// Everything above for one track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackSummary {
    pub points: usize,
    pub distance_m: f64,
    /// From the first point to the last.
    pub duration_ms: i64,
    pub stops: Vec<Stop>,
    pub gaps: Vec<Gap>,
    pub anomalies: Vec<Anomaly>,
}

/// The summary of `points`; `shift` (start, end) widens the long-gap check to the shift's
/// edges: a shift whose first point came late has a gap at its start.
pub fn summarize(
    params: &AnalysisParams,
    points: &[TrackPoint],
    shift: Option<(Timestamp, Timestamp)>,
) -> TrackSummary {
    TrackSummary {
        points: points.len(),
        distance_m: distance_m(params, points),
        duration_ms: duration_ms(points),
        stops: stops(params.stop_radius_m, params.stop_min_ms, points),
        gaps: gaps(params.gap_ms, points),
        anomalies: anomalies(params, points, shift),
    }
}

/// Metres along the track, not counting the straight line across a gap.
pub fn distance_m(params: &AnalysisParams, points: &[TrackPoint]) -> f64 {
    points
        .windows(2)
        .filter(|w| w[1].at.millis() - w[0].at.millis() <= params.gap_ms)
        .map(|w| w[0].distance_m(&w[1]))
        .sum()
}

pub fn duration_ms(points: &[TrackPoint]) -> i64 {
    match (points.first(), points.last()) {
        (Some(a), Some(b)) => b.at.millis() - a.at.millis(),
        _ => 0,
    }
}

/// Stops: from each point not yet in a stop, the longest run of following points within
/// `radius_m` of it; a run lasting `min_ms` or more is a stop.
pub fn stops(radius_m: f64, min_ms: i64, points: &[TrackPoint]) -> Vec<Stop> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let anchor = &points[i];
        let end = i + points[i..]
            .iter()
            .take_while(|p| anchor.distance_m(p) <= radius_m)
            .count();
        let run = &points[i..end];
        let last = &run[run.len() - 1];
        if last.at.millis() - anchor.at.millis() >= min_ms {
            let n = run.len() as f64;
            found.push(Stop {
                from: anchor.at,
                to: last.at,
                lat: run.iter().map(|p| p.lat).sum::<f64>() / n,
                lon: run.iter().map(|p| p.lon).sum::<f64>() / n,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// Silences longer than `min_ms` between consecutive points.
pub fn gaps(min_ms: i64, points: &[TrackPoint]) -> Vec<Gap> {
    points
        .windows(2)
        .filter(|w| w[1].at.millis() - w[0].at.millis() > min_ms)
        .map(|w| Gap {
            from: w[0].at,
            to: w[1].at,
        })
        .collect()
}

pub fn anomalies(
    params: &AnalysisParams,
    points: &[TrackPoint],
    shift: Option<(Timestamp, Timestamp)>,
) -> Vec<Anomaly> {
    let mut found = Vec::new();
    for (first, last) in index_runs(points.len(), |i| points[i].mock) {
        found.push(Anomaly::MockLocation {
            from: points[first].at,
            to: points[last].at,
        });
    }
    // A run of steps (pairs of points) faster than on foot, not counting steps across gaps.
    let speeds: Vec<Option<f64>> = points
        .windows(2)
        .map(|w| {
            let within = w[1].at.millis() - w[0].at.millis() <= params.gap_ms;
            implied_speed_mps(&w[0], &w[1]).filter(|_| within)
        })
        .collect();
    let fast = |i: usize| speeds[i].is_some_and(|v| v > params.on_foot_max_mps);
    for (first, last) in index_runs(speeds.len(), fast) {
        let (from, to) = (points[first].at, points[last + 1].at);
        if to.millis() - from.millis() >= params.on_foot_min_ms {
            let speed_mps = speeds[first..=last]
                .iter()
                .flatten()
                .fold(0.0, |a: f64, &b| a.max(b));
            found.push(Anomaly::TooFastOnFoot {
                from,
                to,
                speed_mps,
            });
        }
    }
    let mut edges: Vec<Timestamp> = points.iter().map(|p| p.at).collect();
    if let Some((start, end)) = shift {
        edges.retain(|t| *t >= start && *t <= end);
        edges.insert(0, start);
        edges.push(end);
    }
    for w in edges.windows(2) {
        if w[1].millis() - w[0].millis() >= params.long_gap_ms {
            found.push(Anomaly::LongGap {
                from: w[0],
                to: w[1],
            });
        }
    }
    found
}

/// Inclusive ranges of the runs of indices `0..len` for which `hit` holds.
pub(crate) fn index_runs(len: usize, hit: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = None;
    for i in 0..=len {
        match (start, i < len && hit(i)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                found.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_500_000_000;

    /// A point `east_m` metres east and `north_m` north of 31.3°N 120.6°E at `seconds`.
    fn at(seconds: i64, east_m: f64, north_m: f64) -> TrackPoint {
        let [lon, lat] = crate::geometry::offset_m([120.6, 31.3], east_m, north_m);
        TrackPoint {
            at: Timestamp(T0 + seconds * 1000),
            lat,
            lon,
            accuracy_m: 5.0,
            speed_mps: None,
            mock: false,
        }
    }

    /// Walking east at `speed` m/s, one point a second, for `seconds`, starting at `start`.
    fn walk(start: i64, from_east_m: f64, seconds: i64, speed: f64) -> Vec<TrackPoint> {
        (0..seconds)
            .map(|s| at(start + s, from_east_m + s as f64 * speed, 0.0))
            .collect()
    }

    fn t(seconds: i64) -> Timestamp {
        Timestamp(T0 + seconds * 1000)
    }

    #[test]
    fn distance_and_duration_of_a_walk_with_a_gap() {
        let params = AnalysisParams::default();
        let mut track = walk(0, 0.0, 601, 1.5);
        // Ten minutes of silence, then 100 s more from 2 km further east.
        track.extend(walk(1_200, 2_000.0, 101, 1.5));
        let summary = summarize(&params, &track, None);
        assert!(
            (summary.distance_m - 1_050.0).abs() < 2.0,
            "{}",
            summary.distance_m
        );
        assert_eq!(summary.duration_ms, 1_300_000);
        assert_eq!(
            summary.gaps,
            vec![Gap {
                from: t(600),
                to: t(1_200)
            }]
        );
        assert_eq!(
            summary.anomalies,
            vec![Anomaly::LongGap {
                from: t(600),
                to: t(1_200)
            }]
        );
        assert!(summary.stops.is_empty());
    }

    #[test]
    fn stops_are_runs_within_the_radius_for_the_minimum_time() {
        let check = |track: &[TrackPoint], expected: &[(i64, i64)]| {
            let found: Vec<(Timestamp, Timestamp)> = stops(30.0, 300_000, track)
                .iter()
                .map(|s| (s.from, s.to))
                .collect();
            let expected: Vec<_> = expected.iter().map(|&(a, b)| (t(a), t(b))).collect();
            assert_eq!(found, expected);
        };
        // Walk 100 s, stand (jittering 10 m) for 6 min, walk on.
        let mut track = walk(0, 0.0, 100, 1.5);
        track.extend((100..460).map(|s| at(s, 150.0 + (s % 3) as f64 * 5.0, 0.0)));
        track.extend(walk(460, 160.0, 100, 1.5));
        check(&track, &[(87, 460)]);
        // Standing only four minutes is no stop.
        let mut short = walk(0, 0.0, 100, 1.5);
        short.extend((100..340).map(|s| at(s, 150.0, 0.0)));
        short.extend(walk(340, 160.0, 100, 1.5));
        check(&short, &[]);
        check(&[], &[]);
        // One point and then a long gap at the same place is still a stop (the phone slept).
        check(&[at(0, 0.0, 0.0), at(600, 1.0, 0.0)], &[(0, 600)]);
    }

    #[test]
    fn anomalies_table() {
        let params = AnalysisParams::default();
        // Walking, then 2 minutes at 8 m/s (a car), then walking.
        let mut track = walk(0, 0.0, 60, 1.4);
        track.extend(walk(60, 84.0, 120, 8.0));
        track.extend(walk(180, 84.0 + 960.0, 60, 1.4));
        let found = anomalies(&params, &track, None);
        assert_eq!(found.len(), 1, "{found:?}");
        let Anomaly::TooFastOnFoot {
            from,
            to,
            speed_mps,
        } = found[0]
        else {
            panic!("{found:?}");
        };
        assert_eq!((from, to), (t(60), t(180)));
        assert!((speed_mps - 8.0).abs() < 0.1, "{speed_mps}");
        // A 30-second sprint is not flagged.
        let mut sprint = walk(0, 0.0, 60, 1.4);
        sprint.extend(walk(60, 84.0, 30, 6.0));
        assert!(anomalies(&params, &sprint, None).is_empty());
        // Mock positions, one run.
        let mut mocked = walk(0, 0.0, 10, 1.4);
        for p in &mut mocked[3..6] {
            p.mock = true;
        }
        assert_eq!(
            anomalies(&params, &mocked, None),
            vec![Anomaly::MockLocation {
                from: t(3),
                to: t(5)
            }]
        );
        // The shift began 15 minutes before the first point and ended 20 minutes after the last.
        let shift = Some((t(-900), t(1_209)));
        assert_eq!(
            anomalies(&params, &mocked[..0], shift),
            vec![Anomaly::LongGap {
                from: t(-900),
                to: t(1_209)
            }]
        );
        let clean: Vec<TrackPoint> = walk(0, 0.0, 10, 1.4);
        assert_eq!(
            anomalies(&params, &clean, shift),
            vec![
                Anomaly::LongGap {
                    from: t(-900),
                    to: t(0)
                },
                Anomaly::LongGap {
                    from: t(9),
                    to: t(1_209)
                },
            ]
        );
    }
}
