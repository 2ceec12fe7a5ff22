//! Days as the command centre counts them (China Standard Time, UTC+8, no daylight saving)
//! and the time ranges the track endpoints accept.

use cgt_shared::Timestamp;
use cgt_shared::gpx::parse_utc;

pub const UTC_OFFSET_MS: i64 = 8 * 3_600_000;
/// Longest range one track request may ask for.
pub const MAX_RANGE_MS: i64 = 7 * Timestamp::MS_PER_DAY;

/// Days since 1970-01-01 (China time) of an instant.
pub fn day_of(at: Timestamp) -> i64 {
    (at.millis() + UTC_OFFSET_MS).div_euclid(Timestamp::MS_PER_DAY)
}

/// `[start, end)` of a China-time day.
pub fn bounds(day: i64) -> (Timestamp, Timestamp) {
    let start = day * Timestamp::MS_PER_DAY - UTC_OFFSET_MS;
    (Timestamp(start), Timestamp(start + Timestamp::MS_PER_DAY))
}

/// A `YYYY-MM-DD` date to its day number.
pub fn parse_date(date: &str) -> Option<i64> {
    let midnight_utc = parse_utc(&format!("{date}T00:00:00Z"))?;
    (date.len() == 10).then(|| midnight_utc.millis().div_euclid(Timestamp::MS_PER_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_days() {
        let day = parse_date("2026-11-24").unwrap();
        let (start, end) = bounds(day);
        assert_eq!(Some(start), parse_utc("2026-11-23T16:00:00Z"));
        assert_eq!(end.millis() - start.millis(), Timestamp::MS_PER_DAY);
        assert_eq!(day_of(start), day);
        assert_eq!(day_of(Timestamp(end.millis() - 1)), day);
        assert_eq!(day_of(end), day + 1);
        for bad in ["2026-11-32", "yesterday", "2026-1-4", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
