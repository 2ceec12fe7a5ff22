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

/// An `xsd:dateTime` with its offset (`2026-11-24T01:30:00Z`, `…+08:00`, fractions allowed)
/// to a timestamp, for years 1 to 9999.
pub fn parse_utc(text: &str) -> Option<Timestamp> {
    let instant = text.trim().parse::<jiff::Timestamp>().ok()?;
    let year = jiff::tz::TimeZone::UTC.to_datetime(instant).year();
    (year >= 1).then(|| Timestamp(instant.as_millisecond()))
}

/// A timestamp as GPX writes it: `YYYY-MM-DDTHH:MM:SS.mmmZ`; [`parse_utc`] reads it back.
pub fn format_utc(at: Timestamp) -> String {
    let instant =
        jiff::Timestamp::from_millisecond(at.millis()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    format!(
        "{}.{:03}Z",
        instant.strftime("%Y-%m-%dT%H:%M:%S"),
        at.millis().rem_euclid(1000)
    )
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
        check("2026-11-24T14:05:09+08:00", Some(1_795_500_309_000));
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
