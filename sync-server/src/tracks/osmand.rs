//! A position report in the OsmAnd protocol that Traccar clients and many GPS units speak:
//! query parameters `id`, `lat`, `lon`, `timestamp` (Unix seconds, milliseconds or ISO 8601
//! UTC), `speed` (knots), `bearing`, `accuracy` (m), plus our `key` authenticating the unit.

use super::segment::plausible_time;
use cgt_shared::Timestamp;
use cgt_shared::gpx::parse_utc;
use cgt_shared::track::{MAX_SPEED_MPS, TrackPoint};
use std::collections::HashMap;
use thiserror::Error;

const MPS_PER_KNOT: f64 = 0.514_444;
/// Accuracy assumed when the unit sends none.
const DEFAULT_ACCURACY_M: f64 = 10.0;
/// Timestamps above this are milliseconds rather than seconds (year 2286 in seconds).
const MILLIS_FROM: i64 = 10_000_000_000;

/// One report: who sent it and the position.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub id: String,
    pub key: String,
    pub point: TrackPoint,
    pub bearing: Option<f64>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("缺少参数 {0}")]
    Missing(&'static str),
    #[error("参数 {0} 无效")]
    Invalid(&'static str),
}

/// Reads the query parameters; a report without a `timestamp` is taken at `now`.
pub fn read(params: &HashMap<String, String>, now: Timestamp) -> Result<Report, ReportError> {
    let text = |name: &'static str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let required = |name: &'static str| text(name).ok_or(ReportError::Missing(name));
    let number = |name: &'static str| -> Result<Option<f64>, ReportError> {
        text(name)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or(ReportError::Invalid(name))
            })
            .transpose()
    };
    let id = required("id")?.to_string();
    let key = required("key")?.to_string();
    let lat = number("lat")?.ok_or(ReportError::Missing("lat"))?;
    let lon = number("lon")?.ok_or(ReportError::Missing("lon"))?;
    let at = match text("timestamp") {
        None => now,
        Some(t) => parse_time(t)
            .filter(|&at| plausible_time(at, now))
            .ok_or(ReportError::Invalid("timestamp"))?,
    };
    let speed_mps = number("speed")?.map(|knots| knots * MPS_PER_KNOT);
    if speed_mps.is_some_and(|s| !(0.0..=f64::from(MAX_SPEED_MPS)).contains(&s)) {
        return Err(ReportError::Invalid("speed"));
    }
    let bearing = number("bearing")?;
    if bearing.is_some_and(|b| !(0.0..=360.0).contains(&b)) {
        return Err(ReportError::Invalid("bearing"));
    }
    let accuracy = number("accuracy")?.unwrap_or(DEFAULT_ACCURACY_M);
    let point = TrackPoint {
        at,
        lat,
        lon,
        accuracy_m: accuracy as f32,
        speed_mps: speed_mps.map(|s| s as f32),
        mock: false,
    };
    point
        .validate()
        .map_err(|_| ReportError::Invalid("lat/lon/accuracy"))?;
    Ok(Report {
        id,
        key,
        point,
        bearing,
    })
}

fn parse_time(text: &str) -> Option<Timestamp> {
    if let Ok(n) = text.parse::<i64>() {
        let ms = if n.unsigned_abs() >= MILLIS_FROM.unsigned_abs() {
            n
        } else {
            n.checked_mul(1000)?
        };
        return Some(Timestamp(ms));
    }
    let utc = text
        .strip_suffix("+00:00")
        .map_or(text.to_string(), |t| format!("{t}Z"));
    parse_utc(&utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const NOW: Timestamp = Timestamp(1_795_500_000_000);

    #[test]
    fn reports_table() {
        let base = [
            ("id", "ZT-001"),
            ("key", "k"),
            ("lat", "31.3"),
            ("lon", "120.6"),
        ];
        let read_with = |extra: &[(&str, &str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(extra);
            read(&params(&all), NOW)
        };
        let plain = read_with(&[]).unwrap();
        assert_eq!((plain.point.at, plain.point.accuracy_m), (NOW, 10.0));
        let full = read_with(&[
            ("timestamp", "1795500000"),
            ("speed", "20"),
            ("bearing", "90.5"),
            ("accuracy", "4"),
        ])
        .unwrap();
        assert_eq!(full.point.at, Timestamp(1_795_500_000_000));
        assert!((full.point.speed_mps.unwrap() - 10.289).abs() < 0.001);
        assert_eq!(full.bearing, Some(90.5));
        let at = |t: &str| read_with(&[("timestamp", t)]).map(|r| r.point.at);
        assert_eq!(at("1795500000123"), Ok(Timestamp(1_795_500_000_123)));
        assert_eq!(at("2026-11-24T06:05:09Z"), Ok(Timestamp(1_795_500_309_000)));
        assert_eq!(
            at("2026-11-24T06:05:09+00:00"),
            Ok(Timestamp(1_795_500_309_000))
        );
        assert_eq!(at("noon"), Err(ReportError::Invalid("timestamp")));
        // Year 29 million, 1970, a day ahead, the extremes of i64: times no position can have.
        for wrong in [
            "915151608000000000",
            "0",
            "86400",
            "1795586400",
            "-9223372036854775808",
            "9223372036854775807",
            "29000000-01-01T00:00:00Z",
        ] {
            assert_eq!(at(wrong), Err(ReportError::Invalid("timestamp")), "{wrong}");
        }
        for wrong in ["1e30", "inf", "200"] {
            assert_eq!(
                read_with(&[("speed", wrong)]),
                Err(ReportError::Invalid("speed")),
                "{wrong}"
            );
        }
        assert_eq!(
            read_with(&[("bearing", "1e300")]),
            Err(ReportError::Invalid("bearing"))
        );
        assert_eq!(
            read_with(&[("speed", "-1")]),
            Err(ReportError::Invalid("speed"))
        );
        assert_eq!(
            read_with(&[("speed", "NaN")]),
            Err(ReportError::Invalid("speed"))
        );
        assert_eq!(
            read(&params(&base[1..]), NOW),
            Err(ReportError::Missing("id"))
        );
        assert_eq!(
            read(&params(&base[..3]), NOW),
            Err(ReportError::Missing("lon"))
        );
        let mut far = base.to_vec();
        far[2] = ("lat", "91");
        assert_eq!(
            read(&params(&far), NOW),
            Err(ReportError::Invalid("lat/lon/accuracy"))
        );
    }
}
