//! GPX 1.1 track points (`<trkpt lat lon><time/><hdop/></trkpt>`), read from text. Used by the
//! desktop's simulated position source, which replays a recorded walk, and by track import.

use crate::geo::Position;
use crate::time::Timestamp;
use thiserror::Error;

/// Accuracy assumed per unit of HDOP when a GPX file gives one, and when it gives none.
const METRES_PER_HDOP: f64 = 5.0;
const DEFAULT_ACCURACY_M: f64 = 5.0;

#[derive(Clone, Debug, PartialEq)]
pub struct GpxPoint {
    pub at: Timestamp,
    pub position: Position,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GpxError {
    #[error("GPX 文件格式错误: {0}")]
    Xml(String),
    #[error("GPX 轨迹点第 {index} 个无效: {reason}")]
    Point { index: usize, reason: String },
    #[error("GPX 文件中没有带时间的轨迹点")]
    Empty,
}

/// Every track point with a time, in file order.
pub fn parse_gpx(text: &str) -> Result<Vec<GpxPoint>, GpxError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| GpxError::Xml(e.to_string()))?;
    let mut points = Vec::new();
    for (index, node) in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "trkpt")
        .enumerate()
    {
        let bad = |reason: String| GpxError::Point { index, reason };
        let coordinate = |name: &str| -> Result<f64, GpxError> {
            node.attribute(name)
                .ok_or_else(|| bad(format!("缺少 {name}")))?
                .trim()
                .parse()
                .map_err(|_| bad(format!("{name} 不是数字")))
        };
        let child_text = |name: &str| {
            node.children()
                .find(|c| c.tag_name().name() == name)
                .and_then(|c| c.text())
                .map(str::trim)
        };
        let Some(time) = child_text("time") else {
            continue;
        };
        let at = parse_utc(time).ok_or_else(|| bad(format!("时间格式无效: {time}")))?;
        let accuracy_m = child_text("hdop")
            .and_then(|h| h.parse::<f64>().ok())
            .map_or(DEFAULT_ACCURACY_M, |h| h * METRES_PER_HDOP);
        let position = Position::new(coordinate("lat")?, coordinate("lon")?, accuracy_m);
        position.validate().map_err(|e| bad(e.to_string()))?;
        points.push(GpxPoint { at, position });
    }
    if points.is_empty() {
        return Err(GpxError::Empty);
    }
    Ok(points)
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC, as GPX writes it) to a timestamp.
pub fn parse_utc(text: &str) -> Option<Timestamp> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut d = date.split('-');
    let (year, month, day): (i64, u32, u32) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut t = clock.split(':');
    let (hour, minute, second): (i64, i64, i64) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
    );
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second)
        && d.next().is_none()
        && t.next().is_none();
    if !valid || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    let days = days_from_civil(year, month, day);
    Some(Timestamp(
        ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis,
    ))
}

/// A timestamp as GPX writes it: `YYYY-MM-DDTHH:MM:SS.mmmZ`; [`parse_utc`] reads it back.
pub fn format_utc(at: Timestamp) -> String {
    let ms = at.millis();
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// The proleptic Gregorian date of a day number (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times() {
        let check = |text: &str, expected: Option<i64>| {
            assert_eq!(parse_utc(text).map(|t| t.0), expected, "{text}");
        };
        check("1970-01-01T00:00:00Z", Some(0));
        check("2026-11-24T06:05:09Z", Some(1_795_500_309_000));
        check("2026-11-24T06:05:09.5Z", Some(1_795_500_309_500));
        check("2000-02-29T12:00:00.123Z", Some(951_825_600_123));
        check("2026-11-24T06:05:09", None);
        check("2026-13-01T00:00:00Z", None);
        check("2026-11-24T25:00:00Z", None);
        check("yesterday", None);
    }

    #[test]
    fn utc_texts_read_back() {
        for ms in [0, 951_825_600_123, 1_795_500_309_500, 4_102_444_799_999] {
            assert_eq!(
                parse_utc(&format_utc(Timestamp(ms))),
                Some(Timestamp(ms)),
                "{ms}"
            );
        }
    }

    #[test]
    fn track_points_are_read_in_order() {
        let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><trkseg>
    <trkpt lat="31.3158" lon="120.6190"><time>2026-11-24T01:00:00Z</time><hdop>1.2</hdop></trkpt>
    <trkpt lat="31.3160" lon="120.6195"><time>2026-11-24T01:00:10Z</time></trkpt>
    <trkpt lat="31.3161" lon="120.6196"></trkpt>
  </trkseg></trk>
</gpx>"#;
        let points = parse_gpx(gpx).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].at.0 - points[0].at.0, 10_000);
        assert!((points[0].position.accuracy_m - 6.0).abs() < 1e-9);
        assert_eq!(points[1].position.accuracy_m, DEFAULT_ACCURACY_M);
    }

    #[test]
    fn bad_files_are_named_errors() {
        assert!(matches!(parse_gpx("<gpx"), Err(GpxError::Xml(_))));
        assert_eq!(parse_gpx("<gpx/>"), Err(GpxError::Empty));
        let bad =
            r#"<gpx><trkpt lat="95" lon="120"><time>2026-11-24T01:00:00Z</time></trkpt></gpx>"#;
        assert!(matches!(
            parse_gpx(bad),
            Err(GpxError::Point { index: 0, .. })
        ));
    }
}
