//! The compact encoding of a track segment, as stored on the device's outbox and sent to the
//! server: columns of zigzag varints, each the difference from the previous point, then zstd.
//!
//! Precision: time exact to the millisecond; latitude and longitude rounded to 1e-6° (at most
//! 0.06 m off); accuracy to the metre (capped at 65,535 m); speed to 0.1 m/s; the mock flag
//! exact. Columns make each stream regular (a 1 Hz walk is mostly repeated small deltas), which
//! zstd then shrinks to about 3 bytes a point (see the `track-codec` benchmark).
//!
//! Layout before compression: `n`, then `n` times, `n` latitudes, `n` longitudes, `n`
//! accuracies, `n` speeds (0 = none, else decimetres a second + 1), then the mock flags as a
//! bitmap. Times are delta-of-delta (1 Hz costs one zero byte); the rest are deltas.

use super::point::TrackPoint;
use crate::time::Timestamp;
use thiserror::Error;

/// The first byte of every encoded segment.
const VERSION: u8 = 1;
/// Units of the coordinate columns per degree.
pub const COORDINATE_SCALE: f64 = 1e6;
const SPEED_SCALE: f32 = 10.0;
const ZSTD_LEVEL: i32 = 19;
/// Largest uncompressed size of one point: five 10-byte varints and a flag bit.
const MAX_BYTES_PER_POINT: usize = 51;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CodecError {
    #[error("轨迹数据版本不支持 ({0})")]
    Version(u8),
    #[error("轨迹数据为空")]
    Empty,
    #[error("轨迹数据已损坏 ({0})")]
    Corrupt(&'static str),
    #[error("轨迹点过多: {count} (上限 {limit})")]
    TooManyPoints { count: u64, limit: usize },
}

/// Encodes `points` (in recording order).
pub fn encode(points: &[TrackPoint]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(points.len() * 8 + 10);
    put(&mut raw, points.len() as u64);
    let (mut previous, mut previous_step) = (0i64, 0i64);
    for (i, p) in points.iter().enumerate() {
        let t = p.at.millis();
        let step = if i == 0 { 0 } else { t.wrapping_sub(previous) };
        let value = if i == 0 {
            t
        } else {
            step.wrapping_sub(previous_step)
        };
        put_signed(&mut raw, value);
        (previous, previous_step) = (t, step);
    }
    let columns: [fn(&TrackPoint) -> i64; 4] = [
        |p| (p.lat * COORDINATE_SCALE).round() as i64,
        |p| (p.lon * COORDINATE_SCALE).round() as i64,
        |p| i64::from(p.accuracy_m.round().clamp(0.0, f32::from(u16::MAX)) as u16),
        |p| {
            p.speed_mps
                .map_or(0, |s| (s * SPEED_SCALE).round() as i64 + 1)
        },
    ];
    for column in columns {
        let mut previous = 0i64;
        for p in points {
            let value = column(p);
            put_signed(&mut raw, value.wrapping_sub(previous));
            previous = value;
        }
    }
    let mut flags = vec![0u8; points.len().div_ceil(8)];
    for (i, p) in points.iter().enumerate() {
        if p.mock {
            flags[i / 8] |= 1 << (i % 8);
        }
    }
    raw.extend_from_slice(&flags);
    let mut out = vec![VERSION];
    out.extend(zstd::bulk::compress(&raw, ZSTD_LEVEL).expect("compressing to memory cannot fail"));
    out
}

/// Decodes a segment of at most `max_points` points. Never panics on bad input; the points
/// are returned as encoded, unchecked (callers validate coordinates and order).
pub fn decode(bytes: &[u8], max_points: usize) -> Result<Vec<TrackPoint>, CodecError> {
    let (&version, compressed) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != VERSION {
        return Err(CodecError::Version(version));
    }
    let capacity = max_points
        .saturating_mul(MAX_BYTES_PER_POINT)
        .saturating_add(10);
    let raw = zstd::bulk::decompress(compressed, capacity)
        .map_err(|_| CodecError::Corrupt("压缩数据无效或过大"))?;
    let mut reader = Reader { bytes: &raw, at: 0 };
    let count = reader.unsigned()?;
    if count > max_points as u64 {
        return Err(CodecError::TooManyPoints {
            count,
            limit: max_points,
        });
    }
    let n = count as usize;
    let mut times = Vec::with_capacity(n);
    let (mut previous, mut previous_step) = (0i64, 0i64);
    for i in 0..n {
        let value = reader.signed()?;
        let t = if i == 0 {
            value
        } else {
            previous_step = previous_step.wrapping_add(value);
            previous.wrapping_add(previous_step)
        };
        times.push(t);
        previous = t;
    }
    let mut columns: [Vec<i64>; 4] = Default::default();
    for column in &mut columns {
        let mut value = 0i64;
        for _ in 0..n {
            value = value.wrapping_add(reader.signed()?);
            column.push(value);
        }
    }
    let flags = reader.take(n.div_ceil(8))?;
    if reader.at != raw.len() {
        return Err(CodecError::Corrupt("数据末尾有多余字节"));
    }
    let [lats, lons, accuracies, speeds] = columns;
    Ok((0..n)
        .map(|i| TrackPoint {
            at: Timestamp(times[i]),
            lat: lats[i] as f64 / COORDINATE_SCALE,
            lon: lons[i] as f64 / COORDINATE_SCALE,
            accuracy_m: accuracies[i] as f32,
            speed_mps: (speeds[i] > 0).then(|| (speeds[i] - 1) as f32 / SPEED_SCALE),
            mock: flags[i / 8] & (1 << (i % 8)) != 0,
        })
        .collect())
}

fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_signed(out: &mut Vec<u8>, value: i64) {
    put(out, ((value << 1) ^ (value >> 63)) as u64);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn unsigned(&mut self) -> Result<u64, CodecError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .bytes
                .get(self.at)
                .ok_or(CodecError::Corrupt("数据被截断"))?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(CodecError::Corrupt("变长整数过长"))
    }

    fn signed(&mut self) -> Result<i64, CodecError> {
        let v = self.unsigned()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(CodecError::Corrupt("数据被截断"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn point(at: i64, lat: f64, lon: f64) -> TrackPoint {
        TrackPoint {
            at: Timestamp(at),
            lat,
            lon,
            accuracy_m: 5.0,
            speed_mps: Some(1.3),
            mock: false,
        }
    }

    fn arbitrary_point() -> impl Strategy<Value = (i64, TrackPoint)> {
        (
            0i64..3_600_000,
            -90.0f64..=90.0,
            -180.0f64..=180.0,
            0.0f32..70_000.0,
            proptest::option::of(0.0f32..100.0),
            any::<bool>(),
        )
            .prop_map(|(step, lat, lon, accuracy_m, speed_mps, mock)| {
                let p = TrackPoint {
                    at: Timestamp(0),
                    lat,
                    lon,
                    accuracy_m,
                    speed_mps,
                    mock,
                };
                (step, p)
            })
    }

    proptest! {
        #[test]
        fn decode_returns_the_points_within_the_stated_precision(
            start in 0i64..4_000_000_000_000,
            steps in proptest::collection::vec(arbitrary_point(), 0..300),
        ) {
            let mut at = start;
            let points: Vec<TrackPoint> = steps
                .into_iter()
                .map(|(step, p)| {
                    at += step;
                    TrackPoint { at: Timestamp(at), ..p }
                })
                .collect();
            let decoded = decode(&encode(&points), points.len()).unwrap();
            prop_assert_eq!(decoded.len(), points.len());
            for (a, b) in points.iter().zip(&decoded) {
                prop_assert_eq!(a.at, b.at);
                prop_assert!((a.lat - b.lat).abs() <= 0.5e-6 + 1e-12);
                prop_assert!((a.lon - b.lon).abs() <= 0.5e-6 + 1e-12);
                prop_assert!((a.accuracy_m.min(65_535.0) - b.accuracy_m).abs() <= 0.5);
                match (a.speed_mps, b.speed_mps) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() <= 0.05 + 1e-4),
                    (x, y) => prop_assert_eq!(x, y),
                }
                prop_assert_eq!(a.mock, b.mock);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes, 1000);
            let mut versioned = vec![VERSION];
            versioned.extend(&bytes);
            let _ = decode(&versioned, 1000);
        }
    }

    #[test]
    fn bad_segments_are_named_errors() {
        let good = encode(&[point(1_000, 31.3, 120.6), point(2_000, 31.30001, 120.6)]);
        assert_eq!(decode(&[], 10), Err(CodecError::Empty));
        assert_eq!(decode(&[9, 1, 2], 10), Err(CodecError::Version(9)));
        assert_eq!(
            decode(&good, 1),
            Err(CodecError::TooManyPoints { count: 2, limit: 1 })
        );
        assert!(matches!(
            decode(&good[..good.len() - 2], 10),
            Err(CodecError::Corrupt(_))
        ));
        let mut trailing = zstd::bulk::decompress(&good[1..], 1000).unwrap();
        trailing.push(0);
        let mut bytes = vec![VERSION];
        bytes.extend(zstd::bulk::compress(&trailing, 3).unwrap());
        assert!(matches!(decode(&bytes, 10), Err(CodecError::Corrupt(_))));
    }

    #[test]
    fn a_one_hertz_walk_costs_a_few_bytes_a_point() {
        let points: Vec<TrackPoint> = (0..3_600)
            .map(|i| {
                point(
                    i * 1000,
                    31.3 + i as f64 * 1.1e-5,
                    120.6 + i as f64 * 0.4e-5,
                )
            })
            .collect();
        let bytes = encode(&points).len() as f64 / points.len() as f64;
        assert!(bytes < 4.0, "{bytes} bytes a point");
        assert_eq!(decode(&encode(&[]), 0), Ok(vec![]));
    }
}
