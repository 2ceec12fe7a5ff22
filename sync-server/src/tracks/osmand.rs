//! A position report in the OsmAnd protocol that Traccar clients and many GPS units speak, in
//! the forms Traccar's own decoder accepts: parameters in the query string or a form-encoded
//! POST body — `id` or `deviceid`, `lat` and `lon` or `location=lat,lon`, `timestamp` (Unix
//! seconds or milliseconds, ISO 8601 with any offset, or `yyyy-MM-dd HH:mm:ss` in China time),
//! `speed` (knots), `bearing` or `heading`, `altitude` (m), `accuracy` (m), `batt` (%) — plus our
//! `key` authenticating the unit; and the JSON body newer Traccar Client versions post
//! ([`json_params`]). Other parameters (Traccar's `hdop`, `valid`, `cell` …) are ignored.

use super::segment::plausible_time;
use cgt_shared::track::{MAX_SPEED_MPS, TrackPoint};
use cgt_shared::{Timestamp, china_time};
use serde_json::Value;
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
    pub altitude_m: Option<f64>,
    /// Battery level in percent.
    pub battery_pct: Option<f64>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("缺少参数 {0}")]
    Missing(&'static str),
    #[error("参数 {0} 无效")]
    Invalid(&'static str),
    #[error("无法识别的 OsmAnd 请求格式 ({0})")]
    UnknownForm(String),
}

/// Reads the parameters; a report without a `timestamp` is taken at `now`.
pub fn read(params: &HashMap<String, String>, now: Timestamp) -> Result<Report, ReportError> {
    let text = |name: &'static str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let either =
        |a: &'static str, b: &'static str| text(a).map(|v| (a, v)).or(text(b).map(|v| (b, v)));
    let number_of = |name: &'static str, value: &str| {
        value
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or(ReportError::Invalid(name))
    };
    let number = |name: &'static str| text(name).map(|v| number_of(name, v)).transpose();
    let id = either("id", "deviceid")
        .ok_or(ReportError::Missing("id"))?
        .1
        .to_string();
    let key = text("key").ok_or(ReportError::Missing("key"))?.to_string();
    let (lat, lon) = match (number("lat")?, number("lon")?, text("location")) {
        (Some(lat), Some(lon), _) => (lat, lon),
        (_, _, Some(location)) => {
            let (lat, lon) = location
                .split_once(',')
                .ok_or(ReportError::Invalid("location"))?;
            (
                number_of("location", lat.trim())?,
                number_of("location", lon.trim())?,
            )
        }
        (None, _, None) => return Err(ReportError::Missing("lat")),
        (Some(_), None, None) => return Err(ReportError::Missing("lon")),
    };
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
    let bearing = either("bearing", "heading")
        .map(|(name, v)| number_of(name, v))
        .transpose()?;
    if bearing.is_some_and(|b| !(0.0..=360.0).contains(&b)) {
        return Err(ReportError::Invalid("bearing"));
    }
    let altitude_m = number("altitude")?;
    if altitude_m.is_some_and(|a| !(-500.0..=10_000.0).contains(&a)) {
        return Err(ReportError::Invalid("altitude"));
    }
    let battery_pct = number("batt")?;
    if battery_pct.is_some_and(|b| !(0.0..=100.0).contains(&b)) {
        return Err(ReportError::Invalid("batt"));
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
        altitude_m,
        battery_pct,
    })
}

/// The parameters of the JSON body Traccar Client posts: `device_id`, and `location` with
/// `timestamp` and `coords` (`latitude`, `longitude`, `speed` in m/s, `heading`, `altitude`,
/// `accuracy`) and `battery.level` (0–1). Speed is turned into knots, the level into percent,
/// so that [`read`] judges both forms alike.
pub fn json_params(body: &[u8]) -> Result<HashMap<String, String>, ReportError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ReportError::UnknownForm(format!("JSON: {e}")))?;
    let location = value
        .get("location")
        .filter(|l| l.is_object())
        .ok_or_else(|| ReportError::UnknownForm("JSON 缺少 location 对象".into()))?;
    let coords = location
        .get("coords")
        .filter(|c| c.is_object())
        .ok_or_else(|| ReportError::UnknownForm("JSON 缺少 location.coords 对象".into()))?;
    let mut params = HashMap::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            params.insert(name.to_string(), value);
        }
    };
    let number = |v: &Value, name: &str| v.get(name).and_then(Value::as_f64);
    put("id", value.get("device_id").and_then(json_text));
    put("timestamp", location.get("timestamp").and_then(json_text));
    put("lat", number(coords, "latitude").map(|n| n.to_string()));
    put("lon", number(coords, "longitude").map(|n| n.to_string()));
    put(
        "speed",
        number(coords, "speed")
            .filter(|s| *s >= 0.0)
            .map(|s| (s / MPS_PER_KNOT).to_string()),
    );
    put(
        "heading",
        number(coords, "heading")
            .filter(|h| *h >= 0.0)
            .map(|n| n.to_string()),
    );
    put(
        "altitude",
        number(coords, "altitude").map(|n| n.to_string()),
    );
    put(
        "accuracy",
        number(coords, "accuracy").map(|n| n.to_string()),
    );
    let level = location
        .get("battery")
        .or(value.get("battery"))
        .and_then(|b| number(b, "level"))
        .filter(|l| *l >= 0.0);
    put("batt", level.map(|l| (l * 100.0).to_string()));
    Ok(params)
}

/// The parameters of a POST body, by its declared type: JSON (Traccar Client), or a form.
pub fn body_params(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<HashMap<String, String>, ReportError> {
    let media = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase());
    let looks_json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    match media.as_deref() {
        Some("application/json") => json_params(body),
        None | Some("") if looks_json => json_params(body),
        None | Some("") | Some("application/x-www-form-urlencoded") | Some("text/plain") => {
            serde_urlencoded::from_bytes(body)
                .map_err(|e| ReportError::UnknownForm(format!("表单: {e}")))
        }
        Some(other) => Err(ReportError::UnknownForm(format!("Content-Type {other}"))),
    }
}

/// A JSON string or number as parameter text.
fn json_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
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
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Some(Timestamp(instant.as_millisecond()));
    }
    // A timestamp without an offset is the centre's local time.
    china_time::parse_local(text)
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
        // Any offset, fractions, and Traccar's local `yyyy-MM-dd HH:mm:ss` (China time).
        assert_eq!(
            at("2026-11-24T14:05:09+08:00"),
            Ok(Timestamp(1_795_500_309_000))
        );
        assert_eq!(
            at("2026-11-24T06:05:09.250Z"),
            Ok(Timestamp(1_795_500_309_250))
        );
        assert_eq!(at("2026-11-24 14:05:09"), Ok(Timestamp(1_795_500_309_000)));
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
        let aliases = read(
            &params(&[
                ("deviceid", "ZT-001"),
                ("key", "k"),
                ("location", "31.3, 120.6"),
                ("heading", "270"),
                ("altitude", "12.5"),
                ("batt", "87"),
            ]),
            NOW,
        )
        .unwrap();
        assert_eq!(aliases.id, "ZT-001");
        assert_eq!((aliases.point.lat, aliases.point.lon), (31.3, 120.6));
        assert_eq!(
            (aliases.bearing, aliases.altitude_m, aliases.battery_pct),
            (Some(270.0), Some(12.5), Some(87.0))
        );
        for (name, value) in [("altitude", "99999"), ("batt", "101")] {
            assert!(read_with(&[(name, value)]).is_err(), "{name}={value}");
        }
        let only_location = |location| {
            read(
                &params(&[("id", "ZT-001"), ("key", "k"), ("location", location)]),
                NOW,
            )
        };
        assert_eq!(only_location("31.3"), Err(ReportError::Invalid("location")));
        assert_eq!(
            only_location("31.3,abc"),
            Err(ReportError::Invalid("location"))
        );
        let mut far = base.to_vec();
        far[2] = ("lat", "91");
        assert_eq!(
            read(&params(&far), NOW),
            Err(ReportError::Invalid("lat/lon/accuracy"))
        );
    }

    #[test]
    fn bodies_are_read_by_their_type() {
        let form = body_params(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            b"id=ZT&lat=31.3&lon=120.6",
        )
        .unwrap();
        assert_eq!(form["lat"], "31.3");
        let sniffed =
            body_params(None, b" {\"location\": {\"coords\": {\"latitude\": 1}}}").unwrap();
        assert_eq!(sniffed["lat"], "1");
        assert!(matches!(
            body_params(Some("application/xml"), b"<a/>"),
            Err(ReportError::UnknownForm(_))
        ));
    }

    #[test]
    fn traccar_client_json_reads_like_the_query_form() {
        let body = br#"{"location": {"timestamp": "2026-11-24T06:05:09.000Z", "is_moving": true,
            "coords": {"latitude": 31.3, "longitude": 120.6, "speed": 10.289, "heading": 90,
                       "altitude": 8, "accuracy": 4},
            "battery": {"level": 0.5, "is_charging": false}},
            "device_id": "ZT-001"}"#;
        let mut params = json_params(body).unwrap();
        params.insert("key".into(), "k".into());
        let report = read(&params, NOW).unwrap();
        assert_eq!(report.id, "ZT-001");
        assert_eq!(report.point.at, Timestamp(1_795_500_309_000));
        assert!((report.point.speed_mps.unwrap() - 10.289).abs() < 0.001);
        assert_eq!(
            (report.bearing, report.altitude_m, report.battery_pct),
            (Some(90.0), Some(8.0), Some(50.0))
        );
        assert_eq!(report.point.accuracy_m, 4.0);
        for unknown in [
            &b"[1, 2]"[..],
            b"{\"location\": 5}",
            b"{\"location\": {}}",
            b"not json",
        ] {
            assert!(matches!(
                json_params(unknown),
                Err(ReportError::UnknownForm(_))
            ));
        }
    }
}
