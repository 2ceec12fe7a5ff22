//! China Standard Time (UTC+8 all year, no daylight saving) and civil dates: the one home of
//! the city's clock. Days are counted as day numbers (days since 1970-01-01), which the working
//! calendar iterates over; dates, weekdays and text go through `jiff`.

use crate::time::Timestamp;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

pub const UTC_OFFSET_HOURS: i8 = 8;
pub const UTC_OFFSET_MS: i64 = UTC_OFFSET_HOURS as i64 * 3_600_000;

/// The centre's time zone: a fixed +08:00.
pub fn zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(UTC_OFFSET_HOURS))
}

fn epoch() -> Date {
    jiff::civil::date(1970, 1, 1)
}

/// Days since 1970-01-01 of `date`.
pub fn day_number(date: Date) -> i64 {
    i64::from(epoch().until(date).map_or(0, |span| span.get_days()))
}

/// The date of a day number, if it is within jiff's range (years -9999…9999).
pub fn date_of_day(day: i64) -> Option<Date> {
    epoch().checked_add(day.days()).ok()
}

/// A day number of a civil date, if the date exists (`2026-02-29` does not).
pub fn day_of_civil(year: i16, month: i8, day: i8) -> Option<i64> {
    Date::new(year, month, day).ok().map(day_number)
}

/// `YYYY-MM-DD` (surrounding spaces allowed) to its day number, if the date exists.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    text.parse::<Date>().ok().map(day_number)
}

/// `YYYY-MM` to the day numbers of its first day and of the first day of the next month.
pub fn parse_month(text: &str) -> Option<(i64, i64)> {
    let (year, month) = text.trim().split_once('-')?;
    let (year, month): (i16, i8) = (year.parse().ok()?, month.parse().ok()?);
    let first = Date::new(year, month, 1).ok()?;
    let next = first.checked_add(1.month()).ok()?;
    Some((day_number(first), day_number(next)))
}

/// ISO weekday of a day number: 1 = Monday … 7 = Sunday.
pub fn weekday(day: i64) -> i8 {
    // 1970-01-01 was a Thursday.
    ((day + 3).rem_euclid(7) + 1) as i8
}

/// The China day number `at` falls on.
pub fn day_of(at: Timestamp) -> i64 {
    (at.millis() + UTC_OFFSET_MS).div_euclid(Timestamp::MS_PER_DAY)
}

/// China midnight starting day number `day`.
pub fn midnight(day: i64) -> Timestamp {
    Timestamp(day.saturating_mul(Timestamp::MS_PER_DAY) - UTC_OFFSET_MS)
}

/// `[start, end)` of China day number `day`.
pub fn day_bounds(day: i64) -> (Timestamp, Timestamp) {
    (midnight(day), midnight(day + 1))
}

/// The China date of `at` as `YYYY-MM-DD` (empty outside jiff's range).
pub fn date_text(at: Timestamp) -> String {
    date_of_day(day_of(at)).map_or_else(String::new, |date| date.to_string())
}

/// RFC 3339 in China time to the second, e.g. `2026-12-07T14:03:05+08:00`; `None` outside
/// jiff's range.
pub fn rfc3339(at: Timestamp) -> Option<String> {
    let instant = jiff::Timestamp::from_millisecond(at.millis()).ok()?;
    let local = zone().to_datetime(instant);
    Some(format!("{}+08:00", local.strftime("%Y-%m-%dT%H:%M:%S")))
}

/// A local date and time without an offset (`2026-11-24 09:30:00` or `2026-11-24T09:30:00`)
/// read as China time.
pub fn parse_local(text: &str) -> Option<Timestamp> {
    let local = text.trim().parse::<jiff::civil::DateTime>().ok()?;
    let instant = zone().to_timestamp(local).ok()?;
    Some(Timestamp(instant.as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_reject_dates_that_do_not_exist() {
        for (text, day) in [
            ("1970-01-01", 0),
            ("1969-12-31", -1),
            ("2000-03-01", 11_017),
            ("2026-11-24", 20_781),
        ] {
            assert_eq!(parse_date(text), Some(day), "{text}");
            assert_eq!(
                date_of_day(day).map(|d| d.to_string()),
                Some(text.to_string())
            );
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "x",
            "2026-11-24T00:00",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(day_of_civil(2024, 2, 29), parse_date("2024-02-29"));
        assert_eq!(day_of_civil(2025, 2, 29), None);
    }

    #[test]
    fn months_and_weekdays() {
        let (first, next) = parse_month("2026-12").unwrap();
        assert_eq!(
            (next - first, weekday(first)),
            (31, 2),
            "December 2026 starts on a Tuesday"
        );
        assert_eq!(parse_month("2026-02").map(|(a, b)| b - a), Some(28));
        assert_eq!(parse_month("2026-13"), None);
    }

    #[test]
    fn china_days_start_at_utc_four_pm() {
        let day = parse_date("2026-11-24").unwrap();
        let (start, end) = day_bounds(day);
        assert_eq!(rfc3339(start).as_deref(), Some("2026-11-24T00:00:00+08:00"));
        assert_eq!(end.millis() - start.millis(), Timestamp::MS_PER_DAY);
        assert_eq!(day_of(start), day);
        assert_eq!(date_text(Timestamp(end.millis() - 1)), "2026-11-24");
        assert_eq!(day_of(Timestamp(start.millis() - 1)), day - 1);
        assert_eq!(
            parse_local("2026-11-24 09:30:00").map(|t| t.millis() - start.millis()),
            Some(9 * 3_600_000 + 30 * 60_000)
        );
    }
}
