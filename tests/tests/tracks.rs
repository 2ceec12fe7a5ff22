//! Patrol tracks end to end: an inspector's shift recorded from a GPX walk by the client
//! library, synced through a connection cut part-way, replayed by a supervisor; resends change
//! nothing; roles are checked; bad segments are refused with 4xx. Vehicles: a unit registered by
//! the admin posts OsmAnd positions, some late and out of order, and the expected alarms appear.

mod common;

use cgt_client::position;
use cgt_shared::Timestamp;
use cgt_shared::gpx::parse_gpx;
use cgt_shared::track::codec;
use cgt_shared::track::{TrackPoint, wire};
use cgt_tests::fixtures::{DEMO_PASSWORD, walk_gpx};
use cgt_tests::proxy::{Cut, Proxy};
use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use common::*;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A logged-in HTTP caller; a field device when `device` is given.
struct Caller {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Caller {
    async fn login(base: &str, user: &str, device: Option<&str>) -> anyhow::Result<Caller> {
        let (status, login, text) = raw::login(base, user, DEMO_PASSWORD, device).await?;
        let login = login.ok_or_else(|| anyhow::anyhow!("login {user}: {status} {text}"))?;
        Ok(Caller {
            base: base.to_string(),
            token: login.token,
            http: reqwest::Client::new(),
        })
    }

    async fn get(&self, path: &str) -> anyhow::Result<(u16, String)> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        Ok((r.status().as_u16(), r.text().await?))
    }

    async fn json(&self, path: &str) -> anyhow::Result<Value> {
        let (status, text) = self.get(path).await?;
        anyhow::ensure!(status == 200, "GET {path}: {status} {text}");
        Ok(serde_json::from_str(&text)?)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> anyhow::Result<(u16, String)> {
        let r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?;
        Ok((r.status().as_u16(), r.text().await?))
    }

    /// Registers a vehicle as this caller: the status and the answer.
    async fn register(&self, registration: &Value) -> anyhow::Result<(u16, String)> {
        let body = serde_json::to_vec(registration)?;
        self.send(
            reqwest::Method::POST,
            "/api/v1/vehicles",
            "application/json",
            body,
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shift_recorded_from_gpx_syncs_through_a_cut_and_replays() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let proxy = Proxy::start(server.addr)?;
    let client = logged_in(dir.path(), "inspector01", &proxy.url(), "inspector01").await?;
    client.sync().await?;

    let start = cgt_tests::fixtures::start_within_one_day(now_ms(), 900_000);
    let gpx_path = dir.path().join("walk.gpx");
    std::fs::write(&gpx_path, walk_gpx(start, 900))?;
    let source = position::from_config(&format!("gpx:{}", gpx_path.display()))?;
    let shift = client.start_shift()?;
    let recorded =
        client.record_from(&source, Timestamp(start), Timestamp(start + 899_000), 1_000)?;
    assert!(recorded.kept > 400 && recorded.dropped > 0, "{recorded:?}");
    client.end_shift()?;
    let patrol = client.today_patrol()?.expect("a shift today");
    assert_eq!(patrol.shift.id, shift.id);
    assert_eq!(patrol.points, recorded.kept);
    assert!(
        (patrol.distance_m - 1_078.8).abs() < 5.0,
        "{}",
        patrol.distance_m
    );

    // The connection drops part-way through the sync; the next sync sends the rest.
    proxy.set_cut(Cut {
        upload_after: Some(700),
        download_after: None,
    });
    assert!(client.sync().await.is_err(), "the cut sync fails");
    assert!(proxy.cuts_done() >= 1);
    proxy.set_cut(Cut {
        upload_after: None,
        download_after: None,
    });
    let report = client.sync().await?;
    assert_eq!(report.track_segments_waiting, 0);
    assert_eq!(client.today_patrol()?.unwrap().unsent_segments, 0);
    assert_eq!(
        client.sync().await?.track_segments_sent,
        0,
        "nothing left to send"
    );

    let supervisor = Caller::login(&server.url(), "supervisor1", None).await?;
    let range = format!("from={}&to={}", start - 60_000, now_ms() + 60_000);
    let track = supervisor
        .json(&format!(
            "/api/v1/tracks/people/inspector01?{range}&zoom=22"
        ))
        .await?;
    assert_eq!(track["total_points"], json!(recorded.kept));
    let coarse = supervisor
        .json(&format!(
            "/api/v1/tracks/people/inspector01?{range}&zoom=12"
        ))
        .await?;
    assert_eq!(
        coarse["points"].as_array().unwrap().len(),
        2,
        "a straight walk is two points"
    );
    assert_eq!(track["shifts"][0]["id"], json!(shift.id));

    let date = cgt_shared::china_time::date_text(Timestamp(start));
    let day = supervisor
        .json(&format!("/api/v1/tracks/people/inspector01/days/{date}"))
        .await?;
    let distance = day["summary"]["distance_m"].as_f64().unwrap();
    assert!((distance - patrol.distance_m).abs() < 1.0, "{distance}");
    let visited = day["coverage"]["visited"].as_array().unwrap().len();
    let missed = day["coverage"]["missed"].as_array().unwrap().len();
    assert_eq!((visited, visited + missed), (4, 36), "{}", day["coverage"]);

    let (status, gpx) = supervisor
        .get(&format!(
            "/api/v1/tracks/people/inspector01/days/{date}/gpx"
        ))
        .await?;
    assert_eq!(status, 200);
    assert_eq!(parse_gpx(&gpx)?.len(), recorded.kept);
    let geojson = supervisor
        .json(&format!(
            "/api/v1/tracks/people/inspector01/days/{date}/geojson"
        ))
        .await?;
    assert_eq!(geojson["type"], "FeatureCollection");

    // The admin exports the day's tracks for the city's GIS, in its system.
    let admin = cgt_tests::staff::Staff::login(&server.url(), "admin").await?;
    let (status, gpkg) = admin
        .get_bytes(&format!(
            "/api/v1/admin/export/tracks.gpkg?crs=EPSG:4549&from={date}&to={date}"
        ))
        .await?;
    assert_eq!(status, 200);
    let exported = cgt_server::import::files::read(&gpkg, None)?;
    assert_eq!(exported.declared_crs.as_deref(), Some("EPSG:4549"));
    assert_eq!(exported.features.len(), 1, "one person, one day");
    let line = &exported.features[0];
    assert_eq!(line.attributes["username"], "inspector01");
    let Some(geo_types::Geometry::LineString(path)) = &line.geometry else {
        panic!("a track is a line: {:?}", line.geometry);
    };
    assert_eq!(path.0.len(), recorded.kept);
    assert!(
        path.0.iter().all(|c| (500_000.0..620_000.0).contains(&c.x)),
        "projected"
    );
    let (status, _) = admin
        .get_bytes("/api/v1/admin/export/tracks.csv?from=2026-01-01&to=2026-03-01")
        .await?;
    assert_eq!(status, 400, "at most 31 days");

    // Who may see the track.
    let check = |user: &'static str, path: String, expected: u16| {
        let base = server.url();
        async move {
            let caller = Caller::login(&base, user, None).await?;
            let (status, text) = caller.get(&path).await?;
            anyhow::ensure!(status == expected, "{user} {path}: {status} {text}");
            anyhow::Ok(())
        }
    };
    let own = format!("/api/v1/tracks/people/inspector01?{range}");
    check("inspector01", own.clone(), 200).await?;
    check("leader1", own.clone(), 200).await?;
    check("admin", own.clone(), 200).await?;
    check("inspector02", own.clone(), 403).await?;
    check("dispatcher1", own, 403).await?;
    check("inspector02", "/api/v1/tracks/online".into(), 403).await?;
    check(
        "supervisor1",
        "/api/v1/tracks/people/nobody?from=0&to=1".into(),
        404,
    )
    .await?;
    check(
        "supervisor1",
        "/api/v1/tracks/people/inspector01?from=5&to=1".into(),
        400,
    )
    .await?;
    check(
        "supervisor1",
        "/api/v1/tracks/people/inspector01/days/2026-13-01".into(),
        400,
    )
    .await?;
    let online = supervisor.json("/api/v1/tracks/online").await?;
    assert!(
        online["people"].as_array().unwrap().is_empty(),
        "inspector01 went off shift"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resent_segments_change_nothing_and_bad_ones_are_refused() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let device = Caller::login(&server.url(), "inspector02", Some("测试手机")).await?;
    let shift = uuid::Uuid::now_v7();
    let start = now_ms() - 600_000;
    let report = serde_json::to_vec(&wire::ShiftReport {
        started_at: Timestamp(start),
        ended_at: None,
    })?;
    let put = reqwest::Method::PUT;
    let post = reqwest::Method::POST;
    assert_eq!(
        device
            .send(
                put.clone(),
                &wire::shift_path(shift),
                "application/json",
                report.clone()
            )
            .await?
            .0,
        204
    );
    assert_eq!(
        device
            .send(put, &wire::shift_path(shift), "application/json", report)
            .await?
            .0,
        204
    );
    let points: Vec<TrackPoint> = (0..300)
        .map(|s| TrackPoint {
            at: Timestamp(start + s * 2_000),
            lat: 31.295 + s as f64 * 1e-5,
            lon: 120.59,
            accuracy_m: 5.0,
            speed_mps: Some(1.3),
            mock: false,
        })
        .collect();
    let path = wire::segment_path(shift, 1);
    let ct = wire::SEGMENT_CONTENT_TYPE;
    let short = codec::encode(&points[..100]);
    let full = codec::encode(&points);
    assert_eq!(
        device.send(post.clone(), &path, ct, short.clone()).await?,
        (200, r#"{"points":100}"#.into())
    );
    assert_eq!(
        device.send(post.clone(), &path, ct, full.clone()).await?,
        (200, r#"{"points":300}"#.into())
    );
    // Resending the full segment, or the older shorter one, changes nothing.
    assert_eq!(
        device.send(post.clone(), &path, ct, full).await?,
        (200, r#"{"points":300}"#.into())
    );
    assert_eq!(
        device.send(post.clone(), &path, ct, short).await?,
        (200, r#"{"points":300}"#.into())
    );
    let supervisor = Caller::login(&server.url(), "supervisor1", None).await?;
    let range = format!("from={start}&to={}", now_ms() + 60_000);
    let track = supervisor
        .json(&format!(
            "/api/v1/tracks/people/inspector02?{range}&zoom=22"
        ))
        .await?;
    assert_eq!(track["total_points"], 300);
    let online = supervisor.json("/api/v1/tracks/online").await?;
    assert_eq!(online["people"][0]["person"]["username"], "inspector02");
    let last = &online["people"][0]["last_position"];
    assert!(
        (last[1].as_f64().unwrap() - (31.295 + 299e-5)).abs() < 1e-6,
        "{last}"
    );

    // Bad input.
    let mut future = points[..2].to_vec();
    future[1].at = Timestamp(now_ms() + 3_600_000);
    let mut backwards = points[..2].to_vec();
    backwards.swap(0, 1);
    for (body, expected) in [
        (b"\x01not zstd".to_vec(), 400),
        (vec![7, 1, 2], 400),
        (codec::encode(&[]), 400),
        (codec::encode(&future), 400),
        (codec::encode(&backwards), 400),
        (vec![1; 300 << 10], 413),
    ] {
        let (status, text) = device
            .send(post.clone(), &wire::segment_path(shift, 2), ct, body)
            .await?;
        assert_eq!(status, expected, "{text}");
    }
    let (status, _) = device
        .send(
            post.clone(),
            &wire::segment_path(shift, 0),
            ct,
            codec::encode(&points),
        )
        .await?;
    assert_eq!(status, 400);
    // A console session is no device; no session is no caller.
    let console = Caller::login(&server.url(), "inspector02", None).await?;
    assert_eq!(
        console
            .send(post.clone(), &path, ct, codec::encode(&points))
            .await?
            .0,
        403
    );
    let anonymous = Caller {
        token: "x".into(),
        ..console
    };
    assert_eq!(
        anonymous
            .send(post, &path, ct, codec::encode(&points))
            .await?
            .0,
        401
    );
    let bad_shift = serde_json::to_vec(&json!({ "started_at": start, "ended_at": start - 1 }))?;
    assert_eq!(
        device
            .send(
                reqwest::Method::PUT,
                &wire::shift_path(shift),
                "application/json",
                bad_shift
            )
            .await?
            .0,
        400
    );
    Ok(())
}

/// One OsmAnd position report of the test truck, `seconds` after `t0`, `east_m` along the route
/// and `north_m` off it, at `knots`.
fn osmand_query(key: &str, t0: i64, seconds: i64, east_m: f64, north_m: f64, knots: f64) -> String {
    let [lon, lat] = cgt_shared::geometry::offset_m([120.59, 31.31], east_m, north_m);
    format!(
        "/api/v1/osmand?id=TEST-TRUCK-1&key={key}&lat={lat:.7}&lon={lon:.7}&timestamp={}&speed={knots}&bearing=90&accuracy=5",
        (t0 + seconds * 1000) / 1000
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vehicle_positions_late_and_out_of_order_raise_the_expected_alarms() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let admin = Caller::login(&server.url(), "admin", None).await?;
    let registration = json!({
        "id": "TEST-TRUCK-1",
        "name": "苏E0001 渣土车",
        "kind": "muck_truck",
        "speed_limit_kmh": 40,
        "corridor": { "line": [[120.59, 31.31], [120.65, 31.31]], "width_m": 100 },
        "sites": [{ "name": "工地", "polygon": [[120.589, 31.309], [120.591, 31.309], [120.591, 31.311], [120.589, 31.311]] }],
    });
    let (status, text) = admin.register(&registration).await?;
    assert_eq!(status, 201, "{text}");
    let key = serde_json::from_str::<Value>(&text)?["key"]
        .as_str()
        .unwrap()
        .to_string();
    let (again, _) = admin.register(&registration).await?;
    assert_eq!(again, 409);
    let bad = json!({ "id": "x y", "name": "n", "kind": "muck_truck", "speed_limit_kmh": 40, "corridor": null });
    let (status, _) = admin.register(&bad).await?;
    assert_eq!(status, 400);
    let inspector = Caller::login(&server.url(), "inspector03", None).await?;
    let (status, _) = inspector.register(&registration).await?;
    assert_eq!(status, 403);

    // 5 min driving at 10 m/s (19.4 kn), 1 min at 15 m/s (29.2 kn, over 44 km/h), 1 min on, 2 min
    // 200 m north of the route, then back. One position every 10 s, about an hour ago, within
    // one China day (alarms are computed per day).
    let t0 = cgt_tests::fixtures::start_within_one_day(now_ms() - 3_000_000, 600_000);
    let mut reports = Vec::new();
    let mut east = 0.0;
    for (seconds, speed, north) in [
        (300, 10.0, 0.0),
        (60, 15.0, 0.0),
        (60, 10.0, 0.0),
        (120, 10.0, 200.0),
        (60, 10.0, 0.0),
    ] {
        for _ in 0..seconds / 10 {
            let s = reports.len() as i64 * 10;
            reports.push((s, osmand_query(&key, t0, s, east, north, speed / 0.514_444)));
            east += speed * 10.0;
        }
    }
    // The unit lost signal during the overspeed and sends those positions last, newest first.
    let (late, on_time): (Vec<_>, Vec<_>) = reports
        .into_iter()
        .partition(|(s, _)| (310..=350).contains(s));
    let http = reqwest::Client::new();
    for (i, (_, query)) in on_time.iter().enumerate() {
        let url = format!("{}{query}", server.url());
        let response = if i % 2 == 0 {
            http.get(url).send().await?
        } else {
            http.post(url).send().await?
        };
        assert_eq!(response.status().as_u16(), 200);
    }
    let watcher = Caller::login(&server.url(), "supervisor1", None).await?;
    let path = format!(
        "/api/v1/vehicles/alarms?from={}&to={}",
        t0 - 1,
        t0 + 3_600_000
    );
    let kinds = |alarms: &Value| -> Vec<String> {
        alarms["alarms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kinds(&watcher.json(&path).await?), ["off_route"]);
    for (_, query) in late.iter().rev() {
        assert_eq!(
            http.get(format!("{}{query}", server.url()))
                .send()
                .await?
                .status()
                .as_u16(),
            200
        );
    }
    let alarms = watcher.json(&path).await?;
    assert_eq!(kinds(&alarms), ["overspeed", "off_route"]);
    let overspeed = &alarms["alarms"][0];
    assert_eq!(overspeed["from"], json!(t0 / 1000 * 1000 + 300_000));
    assert_eq!(overspeed["to"], json!(t0 / 1000 * 1000 + 350_000));
    assert_eq!(overspeed["evidence"].as_array().unwrap().len(), 6);
    assert_eq!(overspeed["vehicle_name"], "苏E0001 渣土车");

    // Wrong key, unknown unit, bad coordinates.
    let wrong = osmand_query("nope", t0, 0, 0.0, 0.0, 0.0);
    assert_eq!(
        http.get(format!("{}{wrong}", server.url()))
            .send()
            .await?
            .status()
            .as_u16(),
        401
    );
    let bad_lat = format!(
        "{}/api/v1/osmand?id=TEST-TRUCK-1&key={key}&lat=95&lon=120",
        server.url()
    );
    assert_eq!(http.get(bad_lat).send().await?.status().as_u16(), 400);
    let vehicles = watcher.json("/api/v1/vehicles").await?;
    let ids: Vec<&str> = vehicles["vehicles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["HW-SU-E5678", "TEST-TRUCK-1", "ZT-SU-E1234"],
        "the demo fleet and ours"
    );
    assert_eq!(
        inspector
            .get("/api/v1/vehicles/alarms?from=0&to=1")
            .await?
            .0,
        403
    );
    Ok(())
}
