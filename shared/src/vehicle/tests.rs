//! A truck's trip on synthetic positions with known alarms, in order, shuffled and late.

use super::*;

const T0: i64 = 1_795_500_000_000;
const LAT: f64 = 31.30;
const LON: f64 = 120.60;

/// `east_m` / `north_m` from the origin.
fn at(east_m: f64, north_m: f64) -> Point {
    geometry::offset_m([LON, LAT], east_m, north_m)
}

/// A trip built leg by leg, one position every 10 s, `east_m` / `north_m` from the origin.
struct Trip {
    points: Vec<TrackPoint>,
    seconds: i64,
    east_m: f64,
}

impl Trip {
    fn new() -> Trip {
        Trip {
            points: Vec::new(),
            seconds: 0,
            east_m: 0.0,
        }
    }

    fn push(&mut self, north_m: f64, speed_mps: f64) {
        let [lon, lat] = at(self.east_m, north_m);
        self.points.push(TrackPoint {
            at: Timestamp(T0 + self.seconds * 1000),
            lat,
            lon,
            accuracy_m: 10.0,
            speed_mps: Some(speed_mps as f32),
            mock: false,
        });
    }

    /// Stands still for `seconds`.
    fn stay(mut self, seconds: i64, north_m: f64) -> Trip {
        for _ in 0..seconds / 10 {
            self.push(north_m, 0.0);
            self.seconds += 10;
        }
        self
    }

    /// Drives east at `speed` m/s for `seconds`, `north_m` off the route line.
    fn drive(mut self, seconds: i64, speed: f64, north_m: f64) -> Trip {
        for _ in 0..seconds / 10 {
            self.push(north_m, speed);
            self.seconds += 10;
            self.east_m += speed * 10.0;
        }
        self
    }
}

fn t(seconds: i64) -> Timestamp {
    Timestamp(T0 + seconds * 1000)
}

fn square(east_m: f64, half_m: f64) -> Vec<Point> {
    let [w, s] = at(east_m - half_m, -half_m);
    let [e, n] = at(east_m + half_m, half_m);
    vec![[w, s], [e, s], [e, n], [w, n], [w, s]]
}

/// 40 km/h on a 10 km route east along 31.30°N, 100 m wide; the source site at its start.
fn rules() -> VehicleRules {
    VehicleRules::new(
        40.0,
        Some(Corridor {
            line: vec![[LON, LAT], at(10_000.0, 0.0)],
            width_m: 100.0,
        }),
        vec![Site {
            name: "东港渣土消纳场".into(),
            polygon: square(0.0, 100.0),
        }],
    )
}

/// Loads for 6 min at the site (no alarm), drives at 36 km/h, speeds at 54 km/h for 60 s,
/// detours 200 m north for 2 min, stops 6 min on the route outside any site, drives on.
fn trip() -> Trip {
    Trip::new()
        .stay(360, 0.0)
        .drive(300, 10.0, 0.0)
        .drive(60, 15.0, 0.0)
        .drive(120, 10.0, 0.0)
        .drive(120, 10.0, 200.0)
        .drive(60, 10.0, 0.0)
        .stay(360, 0.0)
        .drive(60, 10.0, 0.0)
}

fn kinds_and_times(alarms: &[Alarm]) -> Vec<(AlarmKind, Timestamp, Timestamp)> {
    alarms.iter().map(|a| (a.kind, a.from, a.to)).collect()
}

fn expected() -> Vec<(AlarmKind, Timestamp, Timestamp)> {
    vec![
        (AlarmKind::Overspeed, t(660), t(710)),
        (AlarmKind::OffRoute, t(840), t(950)),
        (AlarmKind::StopOutsideSite, t(1020), t(1380)),
    ]
}

#[test]
fn a_trip_raises_the_expected_alarms() {
    let alarms = evaluate(&rules(), trip().points);
    assert_eq!(kinds_and_times(&alarms), expected());
    assert!((alarms[0].peak - 54.0).abs() < 0.01, "{}", alarms[0].peak);
    // 200 m north of the parallel; the 10 km route is a great circle, which bows about a metre
    // north of the parallel where the detour is.
    assert!((alarms[1].peak - 199.0).abs() < 1.0, "{}", alarms[1].peak);
    assert!((alarms[2].peak - 6.0).abs() < 0.01, "{}", alarms[2].peak);
}

#[test]
fn shuffled_and_repeated_positions_give_the_same_alarms() {
    let mut points = trip().points;
    points.reverse();
    let mut repeated = points.clone();
    repeated.extend(points.iter().step_by(3).cloned());
    assert_eq!(kinds_and_times(&evaluate(&rules(), repeated)), expected());
}

#[test]
fn late_positions_complete_an_alarm() {
    // The unit lost signal during the overspeed; what arrived first shows no overspeed long
    // enough, and the buffered positions sent afterwards complete it.
    let points = trip().points;
    let (late, on_time): (Vec<TrackPoint>, Vec<TrackPoint>) = points
        .into_iter()
        .partition(|p| (t(670)..=t(710)).contains(&p.at));
    let before = evaluate(&rules(), on_time.clone());
    assert!(
        !before.iter().any(|a| a.kind == AlarmKind::Overspeed),
        "{before:?}"
    );
    let mut all = on_time;
    all.extend(late);
    assert_eq!(kinds_and_times(&evaluate(&rules(), all)), expected());
}

#[test]
fn a_short_burst_and_a_vehicle_without_a_route_raise_nothing_of_those_kinds() {
    let burst = Trip::new()
        .drive(300, 10.0, 0.0)
        .drive(20, 15.0, 0.0)
        .drive(60, 10.0, 0.0);
    assert!(evaluate(&rules(), burst.points.clone()).is_empty());
    let no_route = VehicleRules {
        corridor: None,
        ..rules()
    };
    let detour = Trip::new().drive(300, 10.0, 500.0);
    assert!(evaluate(&no_route, detour.points.clone()).is_empty());
    assert_eq!(evaluate(&rules(), detour.points).len(), 1);
    assert!(evaluate(&rules(), Vec::new()).is_empty());
}

#[test]
fn implied_speed_stands_in_when_the_unit_sends_none() {
    let mut trip = Trip::new().drive(120, 20.0, 0.0).points;
    for p in &mut trip {
        p.speed_mps = None;
    }
    let alarms = evaluate(&rules(), trip);
    assert_eq!(alarms.len(), 1);
    assert_eq!(
        (alarms[0].kind, alarms[0].from, alarms[0].to),
        (AlarmKind::Overspeed, t(10), t(110))
    );
    assert_eq!(AlarmKind::parse("off_route"), Some(AlarmKind::OffRoute));
    assert_eq!(AlarmKind::parse("speeding"), None);
}
