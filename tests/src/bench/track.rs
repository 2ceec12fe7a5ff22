//! Track benchmarks. `track-codec`: bytes a point of a synthetic 1 Hz, 8-hour walking track in
//! the segments a device sends. `track-replay`: the server answering a supervisor's request for
//! a simplified day track of 28,800 points (segments uploaded by a device first).

use super::median;
use crate::fixtures::{DEMO_PASSWORD, rng};
use crate::inprocess::InProcessServer;
use cgt_shared::Timestamp;
use cgt_shared::track::wire::{
    MAX_SEGMENT_POINTS, SEGMENT_CONTENT_TYPE, ShiftReport, segment_path, shift_path,
};
use cgt_shared::track::{TrackPoint, codec};
use rand::Rng;
use serde_json::{Value, json};
use std::time::Instant;

/// 8 hours at one point a second.
const POINTS: usize = 8 * 3_600;

/// A walk through the demo city from `start`: 1.0–1.6 m/s, turning now and then, with a
/// phone's jitter of about half a metre and an accuracy that drifts between 3 and 12 m.
pub fn walking_track(start: Timestamp, seed: u64) -> Vec<TrackPoint> {
    let mut rng = rng(seed);
    let (mut east, mut north, mut heading) = (0.0f64, 0.0f64, 0.0f64);
    let mut accuracy = 5.0f32;
    let cos = 31.31f64.to_radians().cos();
    let per_degree = cgt_shared::geometry::metres_per_degree();
    (0..POINTS)
        .map(|i| {
            if rng.random_bool(0.01) {
                heading += rng.random_range(-1.6..1.6);
            }
            let speed = rng.random_range(1.0..1.6);
            east += speed * heading.cos();
            north += speed * heading.sin();
            accuracy = (accuracy + rng.random_range(-0.5..0.5)).clamp(3.0, 12.0);
            let (je, jn) = (rng.random_range(-0.5..0.5), rng.random_range(-0.5..0.5));
            TrackPoint {
                at: start.plus_millis(i as i64 * 1000),
                lat: 31.31 + (north + jn) / per_degree,
                lon: 120.61 + (east + je) / (per_degree * cos),
                accuracy_m: accuracy,
                speed_mps: Some(speed as f32),
                mock: false,
            }
        })
        .collect()
}

pub fn codec(runs: usize) -> anyhow::Result<Value> {
    let track = walking_track(Timestamp(1_795_500_000_000), 7);
    let mut bytes = 0;
    let mut samples = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        bytes = track
            .chunks(MAX_SEGMENT_POINTS)
            .map(|s| codec::encode(s).len())
            .sum::<usize>();
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(json!({
        "scenario": "track-codec",
        "points": track.len(),
        "bytes": bytes,
        "bytes_per_point": (bytes as f64 / track.len() as f64 * 100.0).round() / 100.0,
        "raw_f64_pair_bytes_per_point": 16,
        "encode_median_ms": (median(&mut samples) * 10.0).round() / 10.0,
    }))
}

pub fn replay(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let server = InProcessServer::start(dir.path(), true, 2)?;
    let base = server.url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let http = reqwest::Client::new();
        let login = |user: &'static str, device: Option<&'static str>| {
            let base = base.clone();
            async move {
                let (status, login, text) =
                    crate::raw::login(&base, user, DEMO_PASSWORD, device).await?;
                login
                    .map(|l| l.token)
                    .ok_or_else(|| anyhow::anyhow!("login {user}: {status} {text}"))
            }
        };
        let device = login("inspector05", Some("bench")).await?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
        let start = Timestamp(now.as_millis() as i64 - POINTS as i64 * 1000 - 60_000);
        let track = walking_track(start, 11);
        let shift = uuid::Uuid::now_v7();
        let report = ShiftReport {
            started_at: start,
            ended_at: None,
        };
        http.put(format!("{base}{}", shift_path(shift)))
            .bearer_auth(&device)
            .json(&report)
            .send()
            .await?
            .error_for_status()?;
        for (i, segment) in track.chunks(MAX_SEGMENT_POINTS).enumerate() {
            http.post(format!("{base}{}", segment_path(shift, i as u32 + 1)))
                .bearer_auth(&device)
                .header("content-type", SEGMENT_CONTENT_TYPE)
                .body(codec::encode(segment))
                .send()
                .await?
                .error_for_status()?;
        }
        let supervisor = login("supervisor1", None).await?;
        let url = format!(
            "{base}/api/v1/tracks/people/inspector05?from={}&to={}&zoom=17",
            start.millis(),
            start.millis() + POINTS as i64 * 1000
        );
        let mut samples = Vec::new();
        let mut answer = Value::Null;
        for _ in 0..runs.max(1) + 1 {
            let started = Instant::now();
            answer = http
                .get(&url)
                .bearer_auth(&supervisor)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        samples.remove(0);
        anyhow::ensure!(
            answer["total_points"] == json!(POINTS),
            "{}",
            answer["total_points"]
        );
        Ok(json!({
            "scenario": "track-replay",
            "points": POINTS,
            "returned_points": answer["points"].as_array().map_or(0, Vec::len),
            "zoom": 17,
            "median_ms": (median(&mut samples) * 10.0).round() / 10.0,
        }))
    })
}
