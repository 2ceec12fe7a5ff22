//! The recorder against a local store with a test clock: filters, segments, 上班 / 下班 and
//! today's patrol.

use crate::error::ClientError;
use crate::position::{PositionSource, Replay, Simulated};
use crate::testing::{Fixture, T0};
use crate::track::Recorded;
use cgt_shared::Position;
use cgt_shared::Timestamp;
use cgt_shared::gcj02::PositionSystem;
use cgt_shared::gpx::GpxPoint;
use cgt_shared::track::TrackPoint;
use cgt_shared::track::filter::DropReason;

/// `north_m` metres north of 31.31°N 120.62°E.
fn position(north_m: f64) -> Position {
    let [lon, lat] = cgt_shared::geometry::offset_m([120.62, 31.31], 0.0, north_m);
    Position::new(lat, lon, 5.0)
}

fn point(seconds: i64, north_m: f64) -> TrackPoint {
    TrackPoint::at(T0.plus_millis(seconds * 1000), position(north_m))
}

#[test]
fn positions_need_a_shift_and_pass_the_filters() {
    let f = Fixture::new();
    f.login();
    assert!(matches!(
        f.client.record_position(point(0, 0.0)),
        Err(ClientError::NotOnShift)
    ));
    let shift = f.client.start_shift().unwrap();
    assert_eq!(
        f.client.start_shift().unwrap(),
        shift,
        "上班 twice is one shift"
    );
    let check = |p: TrackPoint, expected: Recorded| {
        assert_eq!(f.client.record_position(p).unwrap(), expected, "{p:?}");
    };
    check(point(0, 0.0), Recorded::Kept { segment: 1 });
    check(point(1, 1.4), Recorded::Dropped(DropReason::TooClose));
    check(point(2, 2.8), Recorded::Kept { segment: 1 });
    check(point(2, 4.0), Recorded::Dropped(DropReason::Duplicate));
    check(
        point(3, 900.0),
        Recorded::Dropped(DropReason::ImpossibleJump),
    );
    let mut inexact = point(4, 5.0);
    inexact.accuracy_m = 200.0;
    check(inexact, Recorded::Dropped(DropReason::Inaccurate));
    // Five minutes without a fix: the next point opens segment 2.
    check(point(300, 10.0), Recorded::Kept { segment: 2 });
    check(point(302, 13.0), Recorded::Kept { segment: 2 });
    let stored = f
        .client
        .inner
        .store
        .read(|c| super::store::points(c, shift.id, None))
        .unwrap();
    assert_eq!(stored.len(), 4);
    assert!(stored[1].distance_m(&point(2, 2.8)) < 0.01);
    let ended = f.client.end_shift().unwrap().expect("was on shift");
    assert_eq!(ended.id, shift.id);
    assert_eq!(f.client.end_shift().unwrap(), None);
    assert!(matches!(
        f.client.record_position(point(400, 20.0)),
        Err(ClientError::NotOnShift)
    ));
}

#[test]
fn a_full_segment_continues_in_the_next() {
    let f = Fixture::new();
    f.login();
    f.client.start_shift().unwrap();
    let mut last = Recorded::Kept { segment: 0 };
    for s in 0..1_000 {
        last = f.client.record_position(point(s, s as f64 * 3.0)).unwrap();
    }
    assert_eq!(last, Recorded::Kept { segment: 2 });
    let summary = f.client.today_patrol().unwrap().unwrap();
    assert_eq!(
        (summary.points, summary.segments, summary.unsent_segments),
        (1_000, 2, 2)
    );
}

#[test]
fn today_patrol_from_a_replayed_walk() {
    let f = Fixture::new();
    f.login();
    assert_eq!(f.client.today_patrol().unwrap(), None);
    // Ten minutes walking north at 1.2 m/s, one GPX point every 5 s.
    let walk: Vec<GpxPoint> = (0..=120)
        .map(|i| GpxPoint {
            at: Timestamp(1_000_000 + i * 5_000),
            position: position(i as f64 * 6.0),
        })
        .collect();
    let source = PositionSource {
        simulated: Simulated::Replay(Replay::new(walk)),
        system: PositionSystem::Wgs84,
    };
    let shift = f.client.start_shift().unwrap();
    let report = f
        .client
        .record_from(&source, T0, T0.plus_millis(600_000), 1_000)
        .unwrap();
    assert_eq!(report.kept, 121, "{report:?}");
    assert_eq!(report.dropped, 480);
    f.clock.advance(600_000);
    let summary = f.client.today_patrol().unwrap().unwrap();
    assert_eq!(summary.shift.id, shift.id);
    assert!(
        (summary.distance_m - 720.0).abs() < 1.0,
        "{}",
        summary.distance_m
    );
    assert_eq!(summary.duration_ms, 600_000);
    assert!(summary.recording_healthy);
    assert_eq!(summary.reports_made, 0);
    // Recording stopped: ten minutes later it is no longer healthy.
    f.clock.advance(600_000);
    let stale = f.client.today_patrol().unwrap().unwrap();
    assert!(!stale.recording_healthy);
    assert_eq!(stale.last_point_at, Some(T0.plus_millis(600_000)));
}
