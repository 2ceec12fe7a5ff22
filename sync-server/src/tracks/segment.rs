//! Checks an uploaded track segment before it is stored: size, codec, coordinates and times.

use cgt_shared::Timestamp;
use cgt_shared::track::TrackPoint;
use cgt_shared::track::codec::{self, CodecError};
use cgt_shared::track::wire::{MAX_SEGMENT_NUMBER, MAX_SEGMENT_POINTS};
use thiserror::Error;

/// Largest segment body accepted; a full segment encodes to a few kilobytes.
pub const MAX_SEGMENT_BYTES: usize = 256 << 10;
/// 2020-01-01T00:00:00Z: no track is older.
const EARLIEST: Timestamp = Timestamp(1_577_836_800_000);
/// A device clock may run this far ahead of the server's.
const CLOCK_SKEW_MS: i64 = 10 * 60_000;

#[derive(Debug, Error, PartialEq)]
pub enum SegmentError {
    #[error("轨迹段编号无效: {0} (1…{MAX_SEGMENT_NUMBER})")]
    Number(u32),
    #[error("轨迹段过大: {0} 字节 (上限 {MAX_SEGMENT_BYTES})")]
    TooLarge(usize),
    #[error(transparent)]
    Codec(#[from] CodecError),
    #[error("轨迹段没有轨迹点")]
    Empty,
    #[error("第 {index} 个轨迹点无效: {reason}")]
    Point { index: usize, reason: String },
}

/// Whether a position's time can be true: not before 2020, not ahead of the server's clock by
/// more than a device's clock may run fast. Tracks and vehicle positions alike.
pub fn plausible_time(at: Timestamp, now: Timestamp) -> bool {
    at >= EARLIEST && at <= now.plus_millis(CLOCK_SKEW_MS)
}

/// The points of a segment body, or why it is refused.
pub fn check(number: u32, body: &[u8], now: Timestamp) -> Result<Vec<TrackPoint>, SegmentError> {
    if !(1..=MAX_SEGMENT_NUMBER).contains(&number) {
        return Err(SegmentError::Number(number));
    }
    if body.len() > MAX_SEGMENT_BYTES {
        return Err(SegmentError::TooLarge(body.len()));
    }
    let points = codec::decode(body, MAX_SEGMENT_POINTS)?;
    if points.is_empty() {
        return Err(SegmentError::Empty);
    }
    for (index, p) in points.iter().enumerate() {
        let bad = |reason: String| SegmentError::Point { index, reason };
        p.validate().map_err(|e| bad(e.to_string()))?;
        if !plausible_time(p.at, now) {
            return Err(bad(format!("时间超出范围 ({} ms)", p.at.millis())));
        }
        if index > 0 && p.at <= points[index - 1].at {
            return Err(bad("时间未按先后顺序".into()));
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_795_500_000_000);

    fn point(seconds: i64, lat: f64) -> TrackPoint {
        TrackPoint {
            at: NOW.plus_millis(seconds * 1000),
            lat,
            lon: 120.6,
            accuracy_m: 5.0,
            speed_mps: None,
            mock: false,
        }
    }

    fn check_points(points: &[TrackPoint]) -> Result<usize, SegmentError> {
        check(1, &codec::encode(points), NOW).map(|p| p.len())
    }

    #[test]
    fn segment_table() {
        assert_eq!(check_points(&[point(-2, 31.3), point(-1, 31.3)]), Ok(2));
        assert_eq!(check_points(&[]), Err(SegmentError::Empty));
        assert!(matches!(
            check_points(&[point(0, 95.0)]),
            Err(SegmentError::Point { index: 0, .. })
        ));
        assert!(matches!(
            check_points(&[point(0, 31.3), point(0, 31.3)]),
            Err(SegmentError::Point { index: 1, .. })
        ));
        assert!(matches!(
            check_points(&[point(3_600, 31.3)]),
            Err(SegmentError::Point { .. })
        ));
        assert!(matches!(
            check(1, b"\x01garbage", NOW),
            Err(SegmentError::Codec(_))
        ));
        assert_eq!(check(0, b"", NOW), Err(SegmentError::Number(0)));
        assert_eq!(
            check(1, &vec![1; MAX_SEGMENT_BYTES + 1], NOW),
            Err(SegmentError::TooLarge(MAX_SEGMENT_BYTES + 1))
        );
    }
}
