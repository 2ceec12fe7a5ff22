//! 轨迹回放 in chromium: an inspector walks part of their work grid (a GPX replay recorded by
//! the client library), reports a problem on the way and syncs while still on shift; the
//! patrol supervisor finds them among the people on shift and replays the day, and the page
//! shows the figures the server computed, the report marker and the coverage.

mod common;

use cgt_client::position;
use cgt_shared::{Position, Timestamp};
use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::{DEMO_PASSWORD, WALK_START, new_report, rng, walk_gpx};
use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use common::{logged_in, server_binary};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

const WALK_SECONDS: u32 = 600;

async fn supervisor_json(url: &str, path: &str) -> anyhow::Result<Value> {
    let (status, login, text) = raw::login(url, "supervisor1", DEMO_PASSWORD, None).await?;
    let token = login
        .ok_or_else(|| anyhow::anyhow!("login {status}: {text}"))?
        .token;
    let response = reqwest::Client::new()
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 200,
        "GET {path}: {}",
        response.status()
    );
    Ok(response.json().await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisor_replays_an_inspectors_walk_in_the_console() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let phone = logged_in(dir.path(), "inspector01", &url, "inspector01").await?;
    phone.sync().await?;

    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let start = now - i64::from(WALK_SECONDS) * 1000;
    let gpx = dir.path().join("walk.gpx");
    std::fs::write(&gpx, walk_gpx(start, WALK_SECONDS))?;
    let source = position::from_config(&format!("gpx:{}", gpx.display()))?;
    phone.start_shift()?;
    let end = start + i64::from(WALK_SECONDS - 1) * 1000;
    phone.record_from(&source, Timestamp(start), Timestamp(end), 1_000)?;
    let mut report = new_report(&mut rng(11));
    report.position = Position::new(WALK_START.0, WALK_START.1, 6.0);
    report.unit_grid = phone
        .unit_grid_at(report.position)?
        .expect("the walk starts inside a unit grid");
    phone.create_report(report)?;
    let synced = phone.sync().await?;
    assert_eq!(synced.track_segments_waiting, 0, "{synced:?}");

    let date = cgt_shared::china_time::date_text(Timestamp(now));
    let day = supervisor_json(
        &url,
        &format!("/api/v1/tracks/people/inspector01/days/{date}"),
    )
    .await?;
    assert_eq!(day["reports"].as_array().map(Vec::len), Some(1), "{day}");

    let shots = screenshots_dir("console-replay")?;
    println!("screenshots: {}", shots.display());
    let seen = tokio::task::spawn_blocking({
        let (url, shots) = (url.clone(), shots.clone());
        move || {
            run_scenario(
                "replay",
                &url,
                &shots,
                &[("CGT_DEMO_PASSWORD", DEMO_PASSWORD), ("CGT_DATE", &date)],
            )
        }
    })
    .await??;

    assert!(seen["online"].to_string().contains("inspector01"), "{seen}");
    let figure = |title: &str| {
        seen["figures"][title]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let track_points = day["summary"]["points"].as_u64().expect("points");
    assert_eq!(figure("轨迹点"), track_points.to_string(), "{seen}");
    assert_eq!(figure("上报"), "1", "{seen}");
    let share = day["coverage"]["share"].as_f64().expect("share");
    assert_eq!(
        figure("网格覆盖率"),
        format!("{}%", (share * 1000.0).round() / 10.0),
        "{seen}"
    );
    let distance_m = day["summary"]["distance_m"].as_f64().expect("distance");
    let distance = if distance_m >= 1000.0 {
        format!("{:.2} 公里", distance_m / 1000.0)
    } else {
        format!("{} 米", distance_m.round())
    };
    assert_eq!(figure("里程"), distance, "{seen}");
    assert!(seen["mapCanvases"].as_u64().unwrap_or(0) > 0, "{seen}");
    for name in ["replay-start", "replay-midway"] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    Ok(())
}
