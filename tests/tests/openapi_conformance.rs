//! The served OpenAPI document is the checked-in one, and every documented route answers the
//! demo city in the shape the document declares. Every request of this file goes through the
//! harness, which checks each answer's status and body against the document (a mismatch
//! panics there); here each GET route of the document is visited, so none is left unchecked.

mod common;

use cgt_tests::conformance::send_checked;
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn checked_in() -> anyhow::Result<String> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sync-server/data/openapi.json");
    Ok(std::fs::read_to_string(path)?)
}

/// Every GET path template of the document.
fn get_templates(doc: &Value) -> BTreeSet<String> {
    doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .filter(|(_, item)| item["get"].is_object())
                .map(|(path, _)| path.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// A case entered by the hotline operator, and a photo attached to it.
async fn a_case(operator: &Staff, base: &str) -> anyhow::Result<(String, String)> {
    let case = operator
        .expect(
            "/api/v1/cases",
            json!({ "source": "hotline", "kind": "event", "class": 1, "subclass": 2,
                    "description": "人民路 暴露垃圾", "lat": 31.3251, "lon": 120.6155 }),
            201,
        )
        .await?;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let jpeg = cgt_photo::sample::street_scene_jpeg(640, 480, 85, 11);
    let path = format!("/api/v1/cases/{id}/photos");
    let request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(operator.token())
        .header("content-type", "image/jpeg")
        .body(jpeg);
    let (status, answer) = send_checked(request, "POST", &path).await?;
    assert_eq!(status, 200, "{answer}");
    Ok((
        id,
        answer["sha256"].as_str().unwrap_or_default().to_string(),
    ))
}

/// A public request entered over Open311, as a form.
async fn a_public_request(admin: &Staff, base: &str) -> anyhow::Result<String> {
    let key = admin.api_key("open311").await?;
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "event-01-02"),
        ("lat", "31.3252"),
        ("long", "120.6157"),
        ("description", "小区门口垃圾堆积"),
    ];
    let path = "/open311/v2/requests.json";
    let request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .form(&form);
    let (status, answer) = send_checked(request, "POST", path).await?;
    assert_eq!(status, 200, "{answer}");
    Ok(answer[0]["service_request_id"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_answers_as_documented() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&common::server_binary(), dir.path())?;
    let base = server.url();
    let admin = Staff::login(&base, "admin").await?;
    let operator = Staff::login(&base, "operator1").await?;

    let served = reqwest::get(format!("{base}/api/v1/openapi.json"))
        .await?
        .text()
        .await?;
    assert!(
        served == checked_in()?,
        "the served document differs from sync-server/data/openapi.json"
    );
    let doc: Value = serde_json::from_str(&served)?;

    let (case, photo) = a_case(&operator, &base).await?;
    let public = a_public_request(&admin, &base).await?;
    let (_, device_login, text) =
        cgt_tests::raw::login(&base, "inspector01", DEMO_PASSWORD, Some("契约测试")).await?;
    let device = device_login.ok_or_else(|| anyhow::anyhow!("device login: {text}"))?;
    let now = cgt_shared::Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as i64,
    );
    let day = cgt_shared::china_time::date_text(now);
    let (from, to) = (now.millis() - 3_600_000, now.millis());

    let visits: Vec<(&str, String)> = vec![
        ("/healthz", "/healthz".into()),
        ("/api/v1/openapi.json", "/api/v1/openapi.json".into()),
        ("/api/v1/me", "/api/v1/me".into()),
        ("/api/v1/stats", "/api/v1/stats".into()),
        ("/api/v1/devices", "/api/v1/devices".into()),
        ("/api/v1/refusals", "/api/v1/refusals?limit=5".into()),
        ("/api/v1/security-events", "/api/v1/security-events".into()),
        ("/api/v1/docs/{id}", format!("/api/v1/docs/{case}")),
        (
            "/api/v1/cases",
            "/api/v1/cases?status=reported,accepted&per_page=20".into(),
        ),
        ("/api/v1/cases/{id}", format!("/api/v1/cases/{case}")),
        (
            "/api/v1/cases/{id}/suggestions",
            format!("/api/v1/cases/{case}/suggestions"),
        ),
        (
            "/api/v1/cases/{id}/conflict",
            format!("/api/v1/cases/{case}/conflict"),
        ),
        ("/api/v1/departments", "/api/v1/departments".into()),
        ("/api/v1/supervision", "/api/v1/supervision".into()),
        ("/api/v1/conflicts", "/api/v1/conflicts".into()),
        (
            "/api/v1/evaluation/departments",
            "/api/v1/evaluation/departments?month=2026-11".into(),
        ),
        (
            "/api/v1/evaluation/inspectors",
            "/api/v1/evaluation/inspectors?month=2026-11".into(),
        ),
        (
            "/api/v1/evaluation/areas",
            "/api/v1/evaluation/areas?from=2026-11-01&to=2026-11-15".into(),
        ),
        ("/api/v1/map-config", "/api/v1/map-config".into()),
        ("/api/v1/photos/{sha256}", format!("/api/v1/photos/{photo}")),
        (
            "/api/v1/photos/{sha256}/thumb",
            format!("/api/v1/photos/{photo}/thumb"),
        ),
        ("/api/v1/tracks/online", "/api/v1/tracks/online".into()),
        (
            "/api/v1/tracks/people/{person}",
            format!("/api/v1/tracks/people/inspector01?from={from}&to={to}"),
        ),
        (
            "/api/v1/tracks/people/{person}/days/{date}",
            format!("/api/v1/tracks/people/inspector01/days/{day}"),
        ),
        (
            "/api/v1/tracks/people/{person}/days/{date}/gpx",
            format!("/api/v1/tracks/people/inspector01/days/{day}/gpx"),
        ),
        (
            "/api/v1/tracks/people/{person}/days/{date}/geojson",
            format!("/api/v1/tracks/people/inspector01/days/{day}/geojson"),
        ),
        ("/api/v1/vehicles", "/api/v1/vehicles".into()),
        (
            "/api/v1/vehicles/alarms",
            format!("/api/v1/vehicles/alarms?from={from}&to={to}"),
        ),
        (
            "/api/v1/admin/departments",
            "/api/v1/admin/departments".into(),
        ),
        (
            "/api/v1/admin/categories",
            "/api/v1/admin/categories".into(),
        ),
        (
            "/api/v1/admin/work-grids",
            "/api/v1/admin/work-grids".into(),
        ),
        (
            "/api/v1/admin/unit-grids",
            "/api/v1/admin/unit-grids".into(),
        ),
        (
            "/api/v1/admin/components",
            "/api/v1/admin/components?id=3205&limit=10".into(),
        ),
        (
            "/api/v1/admin/export/{file}",
            "/api/v1/admin/export/components.csv?crs=EPSG:4549".into(),
        ),
        ("/api/v1/admin/users", "/api/v1/admin/users".into()),
        (
            "/open311/v2/services.json",
            "/open311/v2/services.json".into(),
        ),
        (
            "/open311/v2/services.xml",
            "/open311/v2/services.xml".into(),
        ),
        (
            "/open311/v2/services/{code}",
            "/open311/v2/services/event-01-02.json".into(),
        ),
        (
            "/open311/v2/requests.json",
            "/open311/v2/requests.json?status=open".into(),
        ),
        (
            "/open311/v2/requests.xml",
            "/open311/v2/requests.xml".into(),
        ),
        (
            "/open311/v2/requests/{id}",
            format!("/open311/v2/requests/{public}.json"),
        ),
    ];
    let mut visited = BTreeSet::new();
    for (template, url) in &visits {
        let (status, body) = admin.get(url).await?;
        let expected_refusal = template.ends_with("/conflict");
        assert_eq!(
            status,
            if expected_refusal { 409 } else { 200 },
            "GET {url}: {body}"
        );
        visited.insert(template.to_string());
    }
    // The device routes: reference data for the device session, OsmAnd without a unit.
    let reference = Staff::with_token(&base, &device.token);
    let (status, answer) = reference.get("/api/v1/reference?since=0").await?;
    assert_eq!(status, 200, "{answer}");
    visited.insert("/api/v1/reference".into());
    let unknown_unit = format!(
        "/api/v1/osmand?id=nobody&key=0&lat=31.3&lon=120.6&timestamp={}",
        now.millis() / 1000
    );
    let (status, _) = reference.get(&unknown_unit).await?;
    assert_eq!(status, 401);
    visited.insert("/api/v1/osmand".into());

    let missing: Vec<String> = get_templates(&doc).difference(&visited).cloned().collect();
    assert!(
        missing.is_empty(),
        "GET routes this test does not visit: {missing:?}"
    );
    Ok(())
}
