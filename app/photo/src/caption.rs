//! The text burnt into the photo: local capture time, position with accuracy, unit grid and
//! inspector, one line each.

use crate::Stamp;
use cgt_shared::{Position, Timestamp};

const MS_PER_MINUTE: i64 = 60_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// The stamp's lines, top to bottom.
pub(crate) fn lines(stamp: &Stamp) -> Vec<String> {
    let mut lines = vec![
        local_time(stamp.taken_at, stamp.utc_offset_minutes),
        position(&stamp.position),
    ];
    if let Some(grid) = &stamp.unit_grid {
        lines.push(grid.to_string());
    }
    lines.push(stamp.inspector.clone());
    lines
}

/// `2026-11-24 14:05:09` in the zone `offset_minutes` east of UTC.
pub(crate) fn local_time(at: Timestamp, offset_minutes: i32) -> String {
    let local_ms = at
        .millis()
        .saturating_add(i64::from(offset_minutes) * MS_PER_MINUTE);
    let seconds = local_ms.div_euclid(1000);
    let (days, second_of_day) = (
        seconds.div_euclid(SECONDS_PER_DAY),
        seconds.rem_euclid(SECONDS_PER_DAY),
    );
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// `N31.298765 E120.612345 ±8m`: hemispheres as letters, six decimals (about 0.1 m).
pub(crate) fn position(p: &Position) -> String {
    let ns = if p.lat < 0.0 { 'S' } else { 'N' };
    let ew = if p.lon < 0.0 { 'W' } else { 'E' };
    format!(
        "{ns}{:.6} {ew}{:.6} ±{:.0}m",
        p.lat.abs(),
        p.lon.abs(),
        p.accuracy_m
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_time(millis: i64, offset_minutes: i32, expected: &str) {
        assert_eq!(local_time(Timestamp(millis), offset_minutes), expected);
    }

    #[test]
    fn local_time_table() {
        check_time(0, 0, "1970-01-01 00:00:00");
        check_time(0, 480, "1970-01-01 08:00:00");
        check_time(-1, 0, "1969-12-31 23:59:59");
        // 2026-11-24 06:05:09.999 UTC is 14:05:09 in China.
        check_time(1_795_500_309_999, 480, "2026-11-24 14:05:09");
        check_time(1_795_500_309_999, -300, "2026-11-24 01:05:09");
        // Across a day boundary and a leap day.
        check_time(1_709_164_800_000, 480, "2024-02-29 08:00:00");
        check_time(1_709_164_799_000, 0, "2024-02-28 23:59:59");
        check_time(951_782_400_000, 0, "2000-02-29 00:00:00");
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for millis in [i64::MIN, i64::MAX] {
            for offset in [i32::MIN, 0, i32::MAX] {
                assert!(!local_time(Timestamp(millis), offset).is_empty());
            }
        }
    }

    fn check_position(lat: f64, lon: f64, accuracy_m: f64, expected: &str) {
        assert_eq!(position(&Position::new(lat, lon, accuracy_m)), expected);
    }

    #[test]
    fn position_table() {
        check_position(
            31.298_765_4,
            120.612_345_4,
            8.2,
            "N31.298765 E120.612345 ±8m",
        );
        check_position(-33.856_8, -70.6, 12.4, "S33.856800 W70.600000 ±12m");
        check_position(0.0, 0.0, 0.0, "N0.000000 E0.000000 ±0m");
    }

    #[test]
    fn lines_include_the_grid_only_when_known() {
        let mut stamp = Stamp {
            taken_at: Timestamp(1_795_500_309_000),
            position: Position::new(31.298_765, 120.612_345, 8.0),
            unit_grid: Some("320508001002003".parse().unwrap()),
            inspector: "inspector01".into(),
            utc_offset_minutes: 480,
        };
        assert_eq!(
            lines(&stamp),
            [
                "2026-11-24 14:05:09",
                "N31.298765 E120.612345 ±8m",
                "320508001002003",
                "inspector01"
            ]
        );
        stamp.unit_grid = None;
        assert_eq!(lines(&stamp).len(), 3);
    }
}
