//! Valid reports in the demo city (苏州市姑苏区, county 320508), made from a seeded RNG so a
//! failing test can be replayed, and patrol walks as GPX files.

use cgt_client::NewReport;
use cgt_shared::{
    CategoryTable, ComponentId, CountyCode, DeviceId, GridCode, Kind, Position, Report, Timestamp,
    UserId,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const DEMO_PASSWORD: &str = cgt_server::demo::DEMO_PASSWORD;

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

const PLACES: [&str; 8] = [
    "人民路与干将路交叉口",
    "观前街东段",
    "平江路北口",
    "十全街中段",
    "石路步行街",
    "南门路公交站旁",
    "道前街人行道",
    "凤凰街小区门口",
];

/// 事件 0102 暴露垃圾 on 观前街, in unit grid 320508001001001 (环卫处's by 匹配派遣).
pub fn garbage_report() -> NewReport {
    NewReport {
        kind: Kind::Event,
        class: 1,
        subclass: 2,
        description: "观前街东段暴露垃圾,请尽快清运".into(),
        position: Position::new(31.3105, 120.6210, 5.0),
        unit_grid: "320508001001001".parse::<GridCode>().expect("grid"),
        component_id: None,
        photos: Vec::new(),
        self_handled: false,
    }
}

/// A report someone patrolling the old town would plausibly make.
pub fn new_report(rng: &mut impl Rng) -> NewReport {
    let table = CategoryTable::builtin();
    let choices: Vec<_> = table.all_subclasses().collect();
    let (kind, class, sub) = choices[rng.random_range(0..choices.len())];
    let county: CountyCode = "320508".parse().expect("valid county");
    let unit_grid = GridCode::compose(
        &county,
        rng.random_range(1..=4),
        rng.random_range(1..=3),
        rng.random_range(1..=30),
    )
    .expect("valid grid");
    let component_id = (kind == Kind::Component && rng.random_bool(0.7)).then(|| {
        ComponentId::compose(&county, class.code, sub.code, rng.random_range(1..=999_999))
            .expect("valid component id")
    });
    let place = PLACES[rng.random_range(0..PLACES.len())];
    NewReport {
        kind,
        class: class.code,
        subclass: sub.code,
        description: format!("{place}发现{},请尽快处理", sub.name),
        position: Position::new(
            rng.random_range(31.290..31.330),
            rng.random_range(120.585..120.645),
            rng.random_range(3.0..25.0),
        ),
        unit_grid,
        component_id,
        photos: Vec::new(),
        self_handled: rng.random_bool(0.1),
    }
}

/// A whole report made by `user` on `device`, as a crafted client would build it by hand.
pub fn report_by(user: UserId, device: DeviceId, seed: u64) -> Report {
    new_report(&mut rng(seed)).into_report(user, device, Timestamp(1_790_000_000_000))
}

/// Where [`walk_gpx`] starts: a street in inspector01's work grid.
pub const WALK_START: (f64, f64) = (31.325, 120.6155);

/// A walk east at 1.2 m/s along [`WALK_START`]'s latitude, one GPX point a second for
/// `seconds` seconds from `start_ms`.
pub fn walk_gpx(start_ms: i64, seconds: u32) -> String {
    let (lat, lon0) = WALK_START;
    let walk: Vec<(Timestamp, f64, f64)> = (0..seconds)
        .map(|s| {
            let [lon, lat] = cgt_shared::geometry::offset_m([lon0, lat], f64::from(s) * 1.2, 0.0);
            (Timestamp(start_ms + i64::from(s) * 1000), lat, lon)
        })
        .collect();
    cgt_shared::gpx::write_gpx("步行", &[walk]).expect("a walk in range writes")
}

/// The start of a span of `len_ms` that ends by `latest_end` within one China day: a walk of
/// "the last 15 minutes" recorded just after midnight China time (16:00 UTC) would otherwise
/// be split over two days, and a day's summary would hold only part of it.
pub fn start_within_one_day(latest_end: i64, len_ms: i64) -> i64 {
    let start = latest_end - len_ms;
    let day = cgt_shared::china_time::day_of(cgt_shared::Timestamp(latest_end));
    let midnight = cgt_shared::china_time::midnight(day).millis();
    if start < midnight {
        midnight - len_ms - 60_000
    } else {
        start
    }
}
