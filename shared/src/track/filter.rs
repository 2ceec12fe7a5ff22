//! The filters a position passes before it is stored: a fix too inexact, a repeat, an
//! impossible jump or one too soon or too close to the last kept point is dropped; a long
//! silence starts a new segment (the gap the supervisor sees).

use super::point::{TrackPoint, implied_speed_mps};

/// Configurable thresholds of the recorder.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilterParams {
    /// Fixes with a larger accuracy radius are dropped.
    pub max_accuracy_m: f32,
    /// A point sooner than this after the last kept one is dropped.
    pub min_interval_ms: i64,
    /// A point nearer than this to the last kept one is dropped, unless `heartbeat_ms` passed.
    pub min_distance_m: f64,
    /// A standing inspector still gets a point this often, so standing is not a gap.
    pub heartbeat_ms: i64,
    /// Moving faster than this from the last kept point is a glitch, not a walk or a ride.
    pub max_speed_mps: f64,
    /// Silence longer than this starts a new segment; the jump check does not span it.
    pub gap_ms: i64,
}

impl Default for FilterParams {
    fn default() -> FilterParams {
        FilterParams {
            max_accuracy_m: 50.0,
            min_interval_ms: 1_000,
            min_distance_m: 2.0,
            heartbeat_ms: 30_000,
            max_speed_mps: 25.0,
            gap_ms: 120_000,
        }
    }
}

/// Why a point was not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Coordinates or speed not valid numbers.
    Invalid,
    Inaccurate,
    /// The same time as the last kept point.
    Duplicate,
    /// Earlier than the last kept point.
    OutOfOrder,
    TooSoon,
    TooClose,
    ImpossibleJump,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Keep { new_segment: bool },
    Drop(DropReason),
}

/// Decides about `point` given the last point kept in this shift.
pub fn judge(params: &FilterParams, last: Option<&TrackPoint>, point: &TrackPoint) -> Verdict {
    use DropReason::*;
    if point.validate().is_err() {
        return Verdict::Drop(Invalid);
    }
    if point.accuracy_m > params.max_accuracy_m {
        return Verdict::Drop(Inaccurate);
    }
    let Some(last) = last else {
        return Verdict::Keep { new_segment: true };
    };
    let elapsed = point.at.millis() - last.at.millis();
    if elapsed == 0 {
        return Verdict::Drop(Duplicate);
    }
    if elapsed < 0 {
        return Verdict::Drop(OutOfOrder);
    }
    if elapsed > params.gap_ms {
        return Verdict::Keep { new_segment: true };
    }
    if implied_speed_mps(last, point).is_some_and(|v| v > params.max_speed_mps) {
        return Verdict::Drop(ImpossibleJump);
    }
    if elapsed < params.min_interval_ms {
        return Verdict::Drop(TooSoon);
    }
    if elapsed < params.heartbeat_ms && last.distance_m(point) < params.min_distance_m {
        return Verdict::Drop(TooClose);
    }
    Verdict::Keep { new_segment: false }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;
    use DropReason::*;

    /// A point `north_m` metres north of 31.3°N 120.6°E at `seconds`.
    fn at(seconds: i64, north_m: f64, accuracy_m: f32) -> TrackPoint {
        let [lon, lat] = crate::geometry::offset_m([120.6, 31.3], 0.0, north_m);
        TrackPoint {
            at: Timestamp(1_800_000_000_000 + seconds * 1000),
            lat,
            lon,
            accuracy_m,
            speed_mps: None,
            mock: false,
        }
    }

    fn check(last: Option<TrackPoint>, point: TrackPoint, expected: Verdict) {
        let params = FilterParams::default();
        assert_eq!(judge(&params, last.as_ref(), &point), expected, "{point:?}");
    }

    #[test]
    fn filter_table() {
        let keep = Verdict::Keep { new_segment: false };
        let new_segment = Verdict::Keep { new_segment: true };
        let last = Some(at(100, 0.0, 5.0));
        check(None, at(0, 0.0, 5.0), new_segment);
        check(None, at(0, 0.0, 80.0), Verdict::Drop(Inaccurate));
        check(
            None,
            TrackPoint {
                lat: f64::NAN,
                ..at(0, 0.0, 5.0)
            },
            Verdict::Drop(Invalid),
        );
        check(last, at(101, 1.4, 5.0), Verdict::Drop(TooClose));
        check(last, at(102, 2.8, 5.0), keep);
        check(last, at(100, 5.0, 5.0), Verdict::Drop(Duplicate));
        check(last, at(99, 5.0, 5.0), Verdict::Drop(OutOfOrder));
        check(last, at(110, 500.0, 5.0), Verdict::Drop(ImpossibleJump));
        check(
            last,
            TrackPoint {
                at: Timestamp(at(100, 0.0, 5.0).at.0 + 500),
                ..at(100, 0.6, 5.0)
            },
            Verdict::Drop(TooSoon),
        );
        // Standing still: a heartbeat point every 30 s.
        check(last, at(129, 0.5, 5.0), Verdict::Drop(TooClose));
        check(last, at(130, 0.5, 5.0), keep);
        // After more than two minutes of silence a new segment starts, wherever the point is.
        check(last, at(221, 0.0, 5.0), new_segment);
        check(last, at(400, 9_000.0, 5.0), new_segment);
        check(last, at(220, 9_000.0, 5.0), Verdict::Drop(ImpossibleJump));
    }
}
