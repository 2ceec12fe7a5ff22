//! A day's track as files: GPX 1.1 (one `<trkseg>` per stretch between gaps) and GeoJSON (a
//! MultiLineString with the times of its points, and the stops as points).

use cgt_shared::Timestamp;
use cgt_shared::gpx::{GpxError, write_gpx};
use cgt_shared::track::TrackPoint;
use cgt_shared::track::analysis::Stop;
use serde_json::{Value, json};

/// Stretches of `points` split where the silence is longer than `gap_ms`.
fn stretches(points: &[TrackPoint], gap_ms: i64) -> Vec<&[TrackPoint]> {
    points
        .chunk_by(|a, b| b.at.millis() - a.at.millis() <= gap_ms)
        .collect()
}

/// The day as GPX 1.1: one `<trkseg>` per stretch between gaps.
pub fn gpx(name: &str, points: &[TrackPoint], gap_ms: i64) -> Result<String, GpxError> {
    let stretches: Vec<Vec<(Timestamp, f64, f64)>> = stretches(points, gap_ms)
        .into_iter()
        .map(|s| s.iter().map(|p| (p.at, p.lat, p.lon)).collect())
        .collect();
    write_gpx(name, &stretches)
}

/// The day as GeoJSON (RFC 7946): the stretches of two points or more as one MultiLineString
/// with the times of its points, a fix standing alone between gaps as a MultiPoint (a line
/// needs two positions), and the stops as points. Parts with nothing in them are left out.
pub fn geojson(name: &str, points: &[TrackPoint], stops: &[Stop], gap_ms: i64) -> Value {
    let (lines, alone): (Vec<&[TrackPoint]>, Vec<&[TrackPoint]>) = stretches(points, gap_ms)
        .into_iter()
        .partition(|s| s.len() >= 2);
    let position = |p: &TrackPoint| json!([p.lon, p.lat]);
    let mut features = Vec::new();
    if !lines.is_empty() {
        let coordinates: Vec<Value> = lines
            .iter()
            .map(|s| s.iter().map(position).collect())
            .collect();
        let times: Vec<Value> = lines
            .iter()
            .map(|s| s.iter().map(|p| json!(p.at.millis())).collect())
            .collect();
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "MultiLineString", "coordinates": coordinates },
            "properties": { "name": name, "kind": "track", "times": times },
        }));
    }
    if !alone.is_empty() {
        let fixes: Vec<&TrackPoint> = alone.iter().flat_map(|s| s.iter()).collect();
        features.push(json!({
            "type": "Feature",
            "geometry": {
                "type": "MultiPoint",
                "coordinates": fixes.iter().map(|p| position(p)).collect::<Vec<_>>(),
            },
            "properties": {
                "name": name,
                "kind": "isolated_fixes",
                "times": fixes.iter().map(|p| p.at.millis()).collect::<Vec<_>>(),
            },
        }));
    }
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
        let text = gpx("张三 <2026-11-24>", &points, 120_000).unwrap();
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
        assert_valid(&doc);
        let features = doc["features"].as_array().unwrap();
        assert_eq!(features.len(), 3);
        assert_eq!(features[0]["geometry"]["type"], "MultiLineString");
        assert_eq!(
            features[0]["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "the lone last fix is no line"
        );
        assert_eq!(features[1]["geometry"]["type"], "MultiPoint");
        assert_eq!(
            features[1]["properties"]["times"][0],
            json!(points[2].at.millis())
        );
        assert_eq!(features[2]["properties"]["kind"], "stop");
    }

    /// The RFC 7946 rules a day's export can break: every Feature has a geometry object (or
    /// null) and properties; positions are [lon, lat] in range; a LineString has two or more.
    fn assert_valid(doc: &Value) {
        assert_eq!(doc["type"], "FeatureCollection");
        for feature in doc["features"].as_array().unwrap() {
            assert_eq!(feature["type"], "Feature");
            assert!(feature["properties"].is_object() || feature["properties"].is_null());
            let geometry = &feature["geometry"];
            let position = |p: &Value| {
                let p = p.as_array().unwrap();
                assert!(p.len() >= 2, "{p:?}");
                let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
            };
            let line = |l: &Value| {
                let l = l.as_array().unwrap();
                assert!(l.len() >= 2, "a LineString needs two positions: {l:?}");
                l.iter().for_each(position);
            };
            let coordinates = &geometry["coordinates"];
            match geometry["type"].as_str().unwrap() {
                "Point" => position(coordinates),
                "MultiPoint" => coordinates.as_array().unwrap().iter().for_each(position),
                "LineString" => line(coordinates),
                "MultiLineString" => coordinates.as_array().unwrap().iter().for_each(line),
                other => panic!("unexpected geometry {other}"),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn every_day_exports_valid_geojson(gaps in proptest::collection::vec(0i64..400, 0..40)) {
            let mut at = 0;
            let points: Vec<TrackPoint> = gaps
                .iter()
                .enumerate()
                .map(|(i, gap)| {
                    at += gap + 1;
                    point(at, 31.3 + i as f64 * 1e-5)
                })
                .collect();
            assert_valid(&geojson("x", &points, &[], 120_000));
        }
    }
}
