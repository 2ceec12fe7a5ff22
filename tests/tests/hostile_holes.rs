//! The small holes an attacker found, one test each: a track range that wrapped on i64, names
//! told apart by 404 before the role check, a hidden case's state, admin schemas leaked by 422,
//! a segment under another device's shift, chunks appended to another device's upload, an XML
//! feed broken by one character, OsmAnd times and speeds no position can have; and the security
//! headers every answer carries.

mod common;

use cgt_shared::doc::new_report_doc;
use cgt_shared::report::PhotoRef;
use cgt_shared::track::{TrackPoint, codec, wire as track_wire};
use cgt_shared::{Timestamp, wire};
use cgt_tests::fixtures::{DEMO_PASSWORD, report_by};
use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A raw HTTP call with a bearer token: the status and the body text.
async fn call(
    method: reqwest::Method,
    url: String,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> anyhow::Result<(u16, String)> {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await?;
    Ok((response.status().as_u16(), response.text().await?))
}

async fn device(url: &str, user: &str, name: &str) -> anyhow::Result<raw::Login> {
    let (status, login, text) = raw::login(url, user, DEMO_PASSWORD, Some(name)).await?;
    login.ok_or_else(|| anyhow::anyhow!("login {user}: {status} {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn track_reads_check_the_role_first_and_ranges_cannot_wrap() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let supervisor = Staff::login(&url, "supervisor1").await?;
    let range = format!("from={}&to={}", i64::MIN, i64::MAX);
    let (status, answer) = supervisor
        .get(&format!("/api/v1/tracks/people/inspector01?{range}"))
        .await?;
    assert_eq!(status, 400, "{answer}");
    let (status, _) = supervisor
        .get("/api/v1/tracks/people/inspector01?from=-9223372036854775807&to=1")
        .await?;
    assert_eq!(status, 400);
    let (status, _) = supervisor
        .get("/api/v1/vehicles/alarms?from=-9223372036854775808&to=9223372036854775807")
        .await?;
    assert_eq!(status, 400);

    // An inspector asking about anyone else, existing or not, gets the same 403.
    let inspector = Staff::login(&url, "inspector01").await?;
    let day = "/days/2026-11-24";
    for name in [
        "inspector02",
        "no-such-user",
        "00000000-0000-0000-0000-000000000000",
    ] {
        for path in [
            format!("/api/v1/tracks/people/{name}?from=0&to=1000"),
            format!("/api/v1/tracks/people/{name}{day}"),
            format!("/api/v1/tracks/people/{name}/days/not-a-date"),
        ] {
            let (status, answer) = inspector.get(&path).await?;
            assert_eq!(status, 403, "{path}: {answer}");
        }
    }
    let (status, _) = inspector
        .get(&format!("/api/v1/tracks/people/inspector01{day}"))
        .await?;
    assert_eq!(status, 200, "one's own day");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_one_may_not_read_is_missing_and_admin_bodies_wait_for_the_role()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let operator = Staff::login(&url, "operator1").await?;
    let case = operator
        .expect(
            "/api/v1/cases",
            json!({ "source": "hotline", "kind": "event", "class": 1, "subclass": 2,
                    "description": "热线: 垃圾满溢", "lat": 31.3105, "lon": 120.621 }),
            201,
        )
        .await?;
    let id = case["id"].as_str().expect("case id").to_string();
    // A handler of no department the case went to: 404 for every action, as for no case.
    let handler = Staff::login(&url, "handler1").await?;
    for action in ["handle", "register", "accept", "request_extension"] {
        let (status, answer) = handler
            .post(&format!("/api/v1/cases/{id}/{action}"), json!({}))
            .await?;
        assert_eq!(status, 404, "{action}: {answer}");
        let (missing, _) = handler
            .post(
                &format!("/api/v1/cases/{}/{action}", uuid::Uuid::new_v4()),
                json!({}),
            )
            .await?;
        assert_eq!(missing, 404);
    }
    let (status, _) = handler.get(&format!("/api/v1/cases/{id}")).await?;
    assert_eq!(status, 404);

    // A non-admin learns nothing about the admin bodies: 403 whatever the body.
    for (path, body) in [
        ("/api/v1/admin/users", json!({ "wrong": true })),
        ("/api/v1/admin/api-keys", json!([1, 2, 3])),
        ("/api/v1/vehicles", json!({ "id": 5 })),
        ("/api/v1/admin/components", json!("x")),
    ] {
        let (status, answer) = operator.post(path, body).await?;
        assert_eq!(status, 403, "{path}: {answer}");
    }
    let (status, _) = handler
        .post("/api/v1/cases", json!({ "nonsense": 1 }))
        .await?;
    assert_eq!(
        status, 403,
        "case entry needs operator or leader before the body"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shifts_and_uploads_belong_to_their_device() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let phone = device(&url, "inspector05", "手机 A").await?;
    let other = device(&url, "inspector06", "手机 B").await?;
    let second = device(&url, "inspector05", "手机 C").await?;

    let shift = uuid::Uuid::now_v7();
    let start = now_ms() - 600_000;
    let report = serde_json::to_vec(&track_wire::ShiftReport {
        started_at: Timestamp(start),
        ended_at: None,
    })?;
    let put = reqwest::Method::PUT;
    let shift_url = format!("{url}{}", track_wire::shift_path(shift));
    let (status, _) = call(
        put,
        shift_url,
        &phone.token,
        "application/json",
        report,
        &[],
    )
    .await?;
    assert_eq!(status, 204);
    let points: Vec<TrackPoint> = (0..10)
        .map(|s| TrackPoint {
            at: Timestamp(start + s * 2_000),
            lat: 31.3 + s as f64 * 1e-5,
            lon: 120.6,
            accuracy_m: 5.0,
            speed_mps: Some(1.0),
            mock: false,
        })
        .collect();
    let segment_url = format!("{url}{}", track_wire::segment_path(shift, 1));
    let ct = track_wire::SEGMENT_CONTENT_TYPE;
    let body = codec::encode(&points);
    let post = reqwest::Method::POST;
    let (status, answer) = call(
        post.clone(),
        segment_url.clone(),
        &other.token,
        ct,
        body.clone(),
        &[],
    )
    .await?;
    assert_eq!(status, 409, "another device's shift: {answer}");
    let (status, _) = call(post.clone(), segment_url, &phone.token, ct, body, &[]).await?;
    assert_eq!(status, 200);

    // A report of inspector05 referencing a photo; its first device starts the upload.
    let photo = cgt_photo::sample::street_scene_jpeg(640, 480, 80, 3);
    let sha = cgt_photo::sha256_hex(&photo);
    let mut report = report_by(phone.user_id, phone.device_id.expect("device"), 11);
    report.photos = vec![PhotoRef {
        sha256: sha.clone(),
    }];
    let pushed = raw::push_docs(
        &url,
        &phone.token,
        vec![(report.id, new_report_doc(&report)?.save())],
    )
    .await?;
    assert_eq!(pushed.outcomes, vec![wire::DocOutcome::Stored]);
    let start_url = format!("{url}/api/v1/photos/{sha}/upload");
    let size = serde_json::to_vec(&json!({ "size": photo.len() }))?;
    let (status, _) = call(
        post.clone(),
        start_url.clone(),
        &phone.token,
        "application/json",
        size.clone(),
        &[],
    )
    .await?;
    assert_eq!(status, 200);
    let chunk_url = format!("{url}/api/v1/photos/{sha}");
    let chunk_ct = "application/offset+octet-stream";
    let offset = |n: usize| [("upload-offset", n.to_string())];
    let patch = reqwest::Method::PATCH;
    let (status, _) = call(
        patch.clone(),
        chunk_url.clone(),
        &phone.token,
        chunk_ct,
        photo[..1000].to_vec(),
        &offset(0),
    )
    .await?;
    assert_eq!(status, 200);
    // The same user's second device may read the report, yet neither appends nor restarts.
    let (status, answer) = call(
        patch.clone(),
        chunk_url.clone(),
        &second.token,
        chunk_ct,
        photo[1000..2000].to_vec(),
        &offset(1000),
    )
    .await?;
    assert_eq!(status, 409, "{answer}");
    let (status, answer) = call(
        post,
        start_url,
        &second.token,
        "application/json",
        size,
        &[],
    )
    .await?;
    assert_eq!(status, 409, "{answer}");
    let (status, answer) = call(
        patch,
        chunk_url,
        &phone.token,
        chunk_ct,
        photo[1000..].to_vec(),
        &offset(1000),
    )
    .await?;
    assert_eq!(status, 200, "{answer}");
    let state: Value = serde_json::from_str(&answer)?;
    assert_eq!(state["complete"], true);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_stay_well_formed_and_vehicle_positions_must_be_possible() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let http = reqwest::Client::new();
    let admin = Staff::login(&url, "admin").await?;
    let key = admin.api_key("open311").await?;
    let request = |description: &'static str| {
        [
            ("api_key", key.clone()),
            ("service_code", "event-01-02".to_string()),
            ("lat", "31.3105".to_string()),
            ("long", "120.6210".to_string()),
            ("description", description.to_string()),
        ]
    };
    // A control character is not text: refused with a clear 400, whichever store is behind.
    let refused = http
        .post(format!("{url}/open311/v2/requests.json"))
        .form(&request("垃圾堆积\u{1}三天"))
        .send()
        .await?;
    assert_eq!(refused.status().as_u16(), 400);
    assert!(refused.text().await?.contains("控制字符"));
    // Characters XML 1.0 cannot carry are dropped from the feed, not written raw.
    let created = http
        .post(format!("{url}/open311/v2/requests.json"))
        .form(&request("垃圾\u{FFFE}堆\u{FFFF}积三天"))
        .send()
        .await?;
    assert_eq!(created.status().as_u16(), 200);
    let xml = http
        .get(format!("{url}/open311/v2/requests.xml"))
        .send()
        .await?
        .text()
        .await?;
    let document = roxmltree::Document::parse(&xml)
        .map_err(|e| anyhow::anyhow!("requests.xml is not well-formed: {e}"))?;
    assert!(
        document
            .descendants()
            .any(|n| n.text() == Some("垃圾堆积三天")),
        "{xml}"
    );

    let osmand = |params: &str| {
        format!(
            "{url}/api/v1/osmand?id=ZT-SU-E1234&key=demo-muck-truck-key-2026&lat=31.3&lon=120.6&{params}"
        )
    };
    let now_s = now_ms() / 1000;
    for (params, expected) in [
        (format!("timestamp={now_s}&speed=10"), 200),
        ("timestamp=915151608000000000".to_string(), 400),
        ("timestamp=0".to_string(), 400),
        ("timestamp=29000000-01-01T00:00:00Z".to_string(), 400),
        (format!("timestamp={}", i64::MIN), 400),
        (format!("timestamp={}", now_s + 86_400), 400),
        ("speed=1e308".to_string(), 400),
        ("speed=NaN".to_string(), 400),
        ("speed=inf".to_string(), 400),
        ("lat=NaN".to_string(), 400),
        ("accuracy=-inf".to_string(), 400),
        ("bearing=1e300".to_string(), 400),
    ] {
        let status = http.get(osmand(&params)).send().await?.status().as_u16();
        assert_eq!(status, expected, "{params}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    for path in ["/console/", "/healthz", "/api/v1/me", "/no-such-path"] {
        let response = reqwest::get(format!("{url}{path}")).await?;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_guessing_keys_is_refused_before_any_lookup() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let guesser = reqwest::Client::builder()
        .local_address("127.0.0.5".parse::<std::net::IpAddr>()?)
        .build()?;
    let position =
        |key: &str| format!("{url}/api/v1/osmand?id=ZT-SU-E1234&key={key}&lat=31.3&lon=120.6");
    let mut statuses = Vec::new();
    for i in 0..30 {
        let status = guesser.get(position(&format!("guess-{i}"))).send().await?;
        statuses.push(status.status().as_u16());
    }
    assert_eq!(statuses[..20], [401; 20], "{statuses:?}");
    assert!(statuses[20..].iter().all(|&s| s == 429), "{statuses:?}");
    // Even the right key waits at that address; another address is served.
    let right = position("demo-muck-truck-key-2026");
    assert_eq!(guesser.get(&right).send().await?.status().as_u16(), 429);
    assert_eq!(reqwest::get(&right).await?.status().as_u16(), 200);
    let sensor = guesser
        .post(format!("{url}/api/v1/sensors/alarms"))
        .header("x-api-key", "0".repeat(64))
        .body(b"[[[ not json".to_vec())
        .send()
        .await?;
    assert_eq!(
        sensor.status().as_u16(),
        429,
        "refused before the body is parsed"
    );
    Ok(())
}
