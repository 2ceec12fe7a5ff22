//! GPX 1.1 tracks, read and written with the `gpx` crate: track points with their time (and
//! HDOP as accuracy) are read by the desktop's simulated position source, which replays a
//! recorded walk, and by track import; a day's track is written as one `<trkseg>` per stretch.

use crate::geo::Position;
use crate::time::Timestamp;
use gpx::{Gpx, GpxVersion, Track, TrackSegment, Waypoint};
use thiserror::Error;
use time::OffsetDateTime;

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

/// Every track point with a time, in file order (points without a time are skipped).
pub fn parse_gpx(text: &str) -> Result<Vec<GpxPoint>, GpxError> {
    let gpx = gpx::read(text.as_bytes()).map_err(|e| GpxError::Xml(e.to_string()))?;
    let waypoints = gpx
        .tracks
        .iter()
        .flat_map(|t| &t.segments)
        .flat_map(|s| &s.points);
    let mut points = Vec::new();
    for (index, waypoint) in waypoints.enumerate() {
        let Some(time) = waypoint.time else {
            continue;
        };
        let at = OffsetDateTime::from(time).unix_timestamp_nanos() / 1_000_000;
        let at = i64::try_from(at)
            .map(Timestamp)
            .map_err(|_| GpxError::Point {
                index,
                reason: "时间超出范围".into(),
            })?;
        let point = waypoint.point();
        let accuracy_m = waypoint
            .hdop
            .map_or(DEFAULT_ACCURACY_M, |h| h * METRES_PER_HDOP);
        let position = Position::new(point.y(), point.x(), accuracy_m);
        position.validate().map_err(|e| GpxError::Point {
            index,
            reason: e.to_string(),
        })?;
        points.push(GpxPoint { at, position });
    }
    if points.is_empty() {
        return Err(GpxError::Empty);
    }
    Ok(points)
}

/// A track named `name` with one segment per stretch of `(time, lat, lon)` points.
pub fn write_gpx(name: &str, stretches: &[Vec<(Timestamp, f64, f64)>]) -> Result<String, GpxError> {
    let segments = stretches
        .iter()
        .map(|stretch| {
            let mut segment = TrackSegment::new();
            segment.points = stretch
                .iter()
                .map(|&(at, lat, lon)| {
                    let mut waypoint = Waypoint::new(geo_types::Point::new(lon, lat));
                    waypoint.time = time_of(at).map(Into::into);
                    waypoint
                })
                .collect();
            segment
        })
        .collect();
    let mut track = Track::new();
    track.name = Some(crate::xml::xml_chars(name).into_owned());
    track.segments = segments;
    let gpx = Gpx {
        version: GpxVersion::Gpx11,
        creator: Some("城管通".into()),
        tracks: vec![track],
        ..Gpx::default()
    };
    let mut out = Vec::new();
    gpx::write(&gpx, &mut out).map_err(|e| GpxError::Xml(e.to_string()))?;
    String::from_utf8(out).map_err(|e| GpxError::Xml(e.to_string()))
}

fn time_of(at: Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.millis()) * 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk() -> Vec<(Timestamp, f64, f64)> {
        vec![
            (Timestamp(1_795_500_309_000), 31.3158, 120.619),
            (Timestamp(1_795_500_319_500), 31.316, 120.6195),
        ]
    }

    #[test]
    fn a_written_track_reads_back() {
        let text = write_gpx("张三 <2026-11-24>", &[walk(), walk()[..1].to_vec()]).unwrap();
        assert_eq!(text.matches("<trkseg>").count(), 2);
        assert!(text.contains("张三 &lt;2026-11-24&gt;"), "{text}");
        let read = parse_gpx(&text).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[1].at, walk()[1].0);
        assert!((read[1].position.lat - 31.316).abs() < 1e-9);
        assert_eq!(read[0].position.accuracy_m, DEFAULT_ACCURACY_M);
    }

    #[test]
    fn times_with_offsets_and_hdop_are_read() {
        let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><trkseg>
    <trkpt lat="31.3158" lon="120.6190"><time>2026-11-24T09:00:00+08:00</time><hdop>1.2</hdop></trkpt>
    <trkpt lat="31.3160" lon="120.6195"><time>2026-11-24T01:00:10Z</time></trkpt>
    <trkpt lat="31.3161" lon="120.6196"></trkpt>
  </trkseg></trk>
</gpx>"#;
        let points = parse_gpx(gpx).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].at.0 - points[0].at.0, 10_000);
        assert!((points[0].position.accuracy_m - 6.0).abs() < 1e-9);
    }

    #[test]
    fn bad_files_are_named_errors() {
        assert!(matches!(parse_gpx("<gpx"), Err(GpxError::Xml(_))));
        let empty = r#"<gpx version="1.1" creator="t"></gpx>"#;
        assert_eq!(parse_gpx(empty), Err(GpxError::Empty));
        let bad = r#"<gpx version="1.1" creator="t"><trk><trkseg>
            <trkpt lat="95" lon="120"><time>2026-11-24T01:00:00Z</time></trkpt>
            </trkseg></trk></gpx>"#;
        let refused = parse_gpx(bad);
        assert!(matches!(refused, Err(GpxError::Xml(_))), "{refused:?}");
    }
}
