//! A day's track as files: GPX 1.1 (one `<trkseg>` per stretch between gaps) and GeoJSON (a
//! MultiLineString with the times of its points, and the stops as points).

use cgt_shared::gpx::format_utc;
use cgt_shared::track::TrackPoint;
use cgt_shared::track::analysis::Stop;
use cgt_shared::xml::escape;
use serde_json::{Value, json};
use std::fmt::Write;

/// Stretches of `points` split where the silence is longer than `gap_ms`.
fn stretches(points: &[TrackPoint], gap_ms: i64) -> Vec<&[TrackPoint]> {
    points
        .chunk_by(|a, b| b.at.millis() - a.at.millis() <= gap_ms)
        .collect()
}

pub fn gpx(name: &str, points: &[TrackPoint], gap_ms: i64) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <gpx version=\"1.1\" creator=\"城管通\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    let _ = writeln!(out, "  <trk><name>{}</name>", escape(name));
    for stretch in stretches(points, gap_ms) {
        out.push_str("    <trkseg>\n");
        for p in stretch {
            let _ = writeln!(
                out,
                "      <trkpt lat=\"{:.7}\" lon=\"{:.7}\"><time>{}</time></trkpt>",
                p.lat,
                p.lon,
                format_utc(p.at)
            );
        }
        out.push_str("    </trkseg>\n");
    }
    out.push_str("  </trk>\n</gpx>\n");
    out
}

pub fn geojson(name: &str, points: &[TrackPoint], stops: &[Stop], gap_ms: i64) -> Value {
    let parts = stretches(points, gap_ms);
    let lines: Vec<Value> = parts
        .iter()
        .map(|s| s.iter().map(|p| json!([p.lon, p.lat])).collect())
        .collect();
    let times: Vec<Value> = parts
        .iter()
        .map(|s| s.iter().map(|p| json!(p.at.millis())).collect())
        .collect();
    let mut features = vec![json!({
        "type": "Feature",
        "geometry": { "type": "MultiLineString", "coordinates": lines },
        "properties": { "name": name, "times": times },
    })];
    features.extend(stops.iter().map(|s| {
        json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": [s.lon, s.lat] },
            "properties": { "kind": "stop", "from": s.from.millis(), "to": s.to.millis() },
        })
    }));
    json!({ "type": "FeatureCollection", "features": features })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::Timestamp;
    use cgt_shared::gpx::parse_gpx;

    fn point(seconds: i64, lat: f64) -> TrackPoint {
        TrackPoint {
            at: Timestamp(1_795_500_000_000 + seconds * 1000),
            lat,
            lon: 120.6,
            accuracy_m: 5.0,
            speed_mps: None,
            mock: false,
        }
    }

    #[test]
    fn a_gpx_export_reads_back_with_one_segment_per_stretch() {
        let points = [point(0, 31.3), point(5, 31.30001), point(900, 31.301)];
        let text = gpx("张三 <2026-11-24>", &points, 120_000);
        assert_eq!(text.matches("<trkseg>").count(), 2);
        assert!(text.contains("张三 &lt;2026-11-24&gt;"));
        let read = parse_gpx(&text).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[2].at, points[2].at);
        assert!((read[1].position.lat - 31.30001).abs() < 1e-9);
    }

    #[test]
    fn a_geojson_export_has_lines_times_and_stops() {
        let points = [point(0, 31.3), point(5, 31.30001), point(900, 31.301)];
        let stop = Stop {
            from: points[0].at,
            to: points[1].at,
            lat: 31.3,
            lon: 120.6,
        };
        let doc = geojson("x", &points, &[stop], 120_000);
        let features = doc["features"].as_array().unwrap();
        assert_eq!(features.len(), 2);
        assert_eq!(
            features[0]["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            features[0]["properties"]["times"][1][0],
            json!(points[2].at.millis())
        );
        assert_eq!(features[1]["properties"]["kind"], "stop");
    }
}
