//! Every documented operation that is not a GET is called once against the demo city, through
//! the harness that checks each answer's status and body against the OpenAPI document (see
//! `openapi_conformance.rs` for the GET routes). Some calls are refused on purpose; a refusal
//! must then be one the document names for that operation.

mod common;

use cgt_tests::conformance::send_checked;
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Every documented (method, path) other than GET.
fn writes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["post", "put", "patch", "delete"] {
            if item[method].is_object() {
                found.insert((method.to_string(), path.clone()));
            }
        }
    }
    found
}

struct Calls {
    base: String,
    visited: BTreeSet<(String, String)>,
}

impl Calls {
    /// A JSON call by `who`; asserts the status.
    async fn json(
        &mut self,
        who: &Staff,
        (method, template, path): (Method, &str, &str),
        body: Value,
        status: u16,
    ) -> anyhow::Result<Value> {
        let (got, answer) = who.send(method.clone(), path, body).await?;
        assert_eq!(got, status, "{method} {path}: {answer}");
        self.visited
            .insert((method.as_str().to_ascii_lowercase(), template.to_string()));
        Ok(answer)
    }

    /// Any other call; asserts the status.
    async fn raw(
        &mut self,
        request: reqwest::RequestBuilder,
        (method, template, path): (Method, &str, &str),
        status: u16,
    ) -> anyhow::Result<Value> {
        let (got, answer) = send_checked(request, method.as_str(), path).await?;
        assert_eq!(got, status, "{method} {path}: {answer}");
        self.visited
            .insert((method.as_str().to_ascii_lowercase(), template.to_string()));
        Ok(answer)
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new().request(method, format!("{}{path}", self.base))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_write_answers_as_documented() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&common::server_binary(), dir.path())?;
    let base = server.url();
    let doc: Value = reqwest::get(format!("{base}/api/v1/openapi.json"))
        .await?
        .json()
        .await?;
    let admin = Staff::login(&base, "admin").await?;
    let operator = Staff::login(&base, "operator1").await?;
    let (_, login, text) =
        cgt_tests::raw::login(&base, "inspector01", DEMO_PASSWORD, Some("契约测试")).await?;
    let device = Staff::with_token(
        &base,
        &login.ok_or_else(|| anyhow::anyhow!("{text}"))?.token,
    );
    let mut calls = Calls {
        base: base.clone(),
        visited: BTreeSet::from([("post".to_string(), "/api/v1/auth/login".to_string())]),
    };
    let post = |template, path| (Method::POST, template, path);

    // Cases: entered, accepted, a photo attached.
    let case = calls
        .json(
            &operator,
            post("/api/v1/cases", "/api/v1/cases"),
            json!({ "source": "hotline", "kind": "event", "class": 1, "subclass": 2,
                    "description": "人民路 暴露垃圾", "lat": 31.3251, "lon": 120.6155 }),
            201,
        )
        .await?;
    let id = case["id"].as_str().unwrap_or_default().to_string();
    let accept = format!("/api/v1/cases/{id}/accept");
    calls
        .json(
            &operator,
            post("/api/v1/cases/{id}/{action}", &accept),
            json!({}),
            200,
        )
        .await?;
    let photos = format!("/api/v1/cases/{id}/photos");
    let jpeg = cgt_photo::sample::street_scene_jpeg(320, 240, 85, 5);
    let attach = calls
        .request(Method::POST, &photos)
        .bearer_auth(operator.token())
        .header("content-type", "image/jpeg")
        .body(jpeg);
    calls
        .raw(attach, post("/api/v1/cases/{id}/photos", &photos), 200)
        .await?;

    // A layer of the city's base data, checked (a dry run writes nothing).
    let import = "/api/v1/admin/import/departments";
    let departments = calls
        .request(Method::POST, import)
        .bearer_auth(admin.token())
        .header("content-type", "application/octet-stream")
        .body("code,name\nszglc,市政管理处\n");
    let report = calls
        .raw(
            departments,
            post("/api/v1/admin/import/{layer}", import),
            200,
        )
        .await?;
    assert_eq!(report["changes"]["unchanged"], 1, "{report}");

    // Map points for GCJ-02 tiles: our WGS84 point as AMap's tiles show it, a few hundred
    // metres away, and back.
    let points = "/api/v1/map-points?direction=to_gcj02";
    let shown = calls
        .json(
            &operator,
            post("/api/v1/map-points", points),
            json!({ "points": [[120.619, 31.3158]] }),
            200,
        )
        .await?;
    let [lon, lat] = [0, 1].map(|i| shown["points"][0][i].as_f64().unwrap_or(f64::NAN));
    let moved = cgt_shared::geometry::distance_m([lon, lat], [120.619, 31.3158]);
    assert!((300.0..700.0).contains(&moved), "{shown}");
    let back = calls
        .json(
            &operator,
            post(
                "/api/v1/map-points",
                "/api/v1/map-points?direction=to_wgs84",
            ),
            json!({ "points": [[lon, lat]] }),
            200,
        )
        .await?;
    let returned = [0, 1].map(|i| back["points"][0][i].as_f64().unwrap_or(f64::NAN));
    assert!(
        cgt_shared::geometry::distance_m(returned, [120.619, 31.3158]) < 0.01,
        "{back}"
    );

    // Keys, sensors, Open311.
    let keys = "/api/v1/admin/api-keys";
    let sensor = calls
        .json(
            &admin,
            post(keys, keys),
            json!({ "name": "井盖传感器", "channel": "sensor" }),
            201,
        )
        .await?;
    let (_, components) = admin.get("/api/v1/admin/components?limit=2").await?;
    let component = components["items"][0].clone();
    let component_id = component["id"].as_str().unwrap_or_default().to_string();
    let alarm = calls
        .request(Method::POST, "/api/v1/sensors/alarms")
        .header("x-api-key", sensor["key"].as_str().unwrap_or_default())
        .json(&json!({ "component_id": component_id, "description": "井盖被掀开" }));
    let alarms = "/api/v1/sensors/alarms";
    calls.raw(alarm, post(alarms, alarms), 201).await?;
    let open311 = admin.api_key("open311").await?;
    let form = [
        ("api_key", open311.as_str()),
        ("service_code", "event-01-02"),
        ("lat", "31.3252"),
        ("long", "120.6157"),
    ];
    for path in ["/open311/v2/requests.json", "/open311/v2/requests.xml"] {
        let request = calls.request(Method::POST, path).form(&form);
        calls.raw(request, post(path, path), 200).await?;
    }
    let public = format!("/open311/v2/requests/{id}/satisfaction");
    let rating = calls
        .request(Method::POST, &public)
        .form(&[("api_key", open311.as_str()), ("satisfaction", "satisfied")]);
    calls
        .raw(
            rating,
            post("/open311/v2/requests/{id}/satisfaction", &public),
            404,
        )
        .await?;

    // The device: sync bodies that are not sync data, a photo it never named, a shift and a
    // segment that is not one.
    for path in [
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/sync/status",
    ] {
        let request = calls
            .request(Method::POST, path)
            .bearer_auth(device.token())
            .header("content-type", "application/json")
            .body("{}");
        calls.raw(request, post(path, path), 415).await?;
    }
    let unnamed = "ab".repeat(32);
    let upload = format!("/api/v1/photos/{unnamed}/upload");
    calls
        .json(
            &device,
            post("/api/v1/photos/{sha256}/upload", &upload),
            json!({ "size": 10 }),
            403,
        )
        .await?;
    let chunk = format!("/api/v1/photos/{unnamed}");
    let append = calls
        .request(Method::PATCH, &chunk)
        .bearer_auth(device.token())
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", "0")
        .body(vec![0xFF_u8, 0xD8]);
    calls
        .raw(
            append,
            (Method::PATCH, "/api/v1/photos/{sha256}", &chunk),
            403,
        )
        .await?;
    let shift = uuid::Uuid::now_v7();
    let shift_path = format!("/api/v1/tracks/shifts/{shift}");
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    calls
        .json(
            &device,
            (Method::PUT, "/api/v1/tracks/shifts/{shift}", &shift_path),
            json!({ "started_at": started, "ended_at": null }),
            204,
        )
        .await?;
    let segment = format!("{shift_path}/segments/1");
    let garbage = calls
        .request(Method::POST, &segment)
        .bearer_auth(device.token())
        .header("content-type", "application/vnd.cgt.track-segment")
        .body(vec![1_u8, 2, 3]);
    let template = "/api/v1/tracks/shifts/{shift}/segments/{segment}";
    calls.raw(garbage, post(template, &segment), 400).await?;

    // Vehicles and the OsmAnd protocol.
    let vehicles = "/api/v1/vehicles";
    calls
        .json(
            &admin,
            post(vehicles, vehicles),
            json!({ "id": "SU-E-contract1", "name": "契约测试车", "kind": "muck_truck",
                    "speed_limit_kmh": 40.0, "corridor": null, "sites": [] }),
            201,
        )
        .await?;
    let osmand = calls.request(Method::POST, "/api/v1/osmand").form(&[
        ("id", "nobody"),
        ("key", "0"),
        ("lat", "31.3"),
        ("lon", "120.6"),
    ]);
    calls
        .raw(osmand, post("/api/v1/osmand", "/api/v1/osmand"), 401)
        .await?;

    // Reference data: a work grid keeps its inspector, a component is rewritten as it is and
    // then retired, an incomplete component is refused.
    let (_, grids) = admin.get("/api/v1/admin/work-grids").await?;
    let grid = &grids[0];
    let assign = format!(
        "/api/v1/admin/work-grids/{}/inspector",
        grid["code"].as_str().unwrap_or_default()
    );
    calls
        .json(
            &admin,
            (
                Method::PUT,
                "/api/v1/admin/work-grids/{code}/inspector",
                &assign,
            ),
            json!({ "inspector": grid["inspector"]["id"] }),
            200,
        )
        .await?;
    let change = format!("/api/v1/admin/components/{component_id}");
    let same = json!({ "lon": component["lon"], "lat": component["lat"],
                       "unit_grid": component["unit_grid"], "owner": component["owner"],
                       "maintainer": component["maintainer"] });
    calls
        .json(
            &admin,
            (Method::PUT, "/api/v1/admin/components/{id}", &change),
            same,
            200,
        )
        .await?;
    let retire = format!("{change}/retire");
    calls
        .json(
            &admin,
            post("/api/v1/admin/components/{id}/retire", &retire),
            json!({}),
            200,
        )
        .await?;
    let components_path = "/api/v1/admin/components";
    calls
        .json(
            &admin,
            post(components_path, components_path),
            json!({ "lon": 120.6, "lat": 31.3, "unit_grid": "320508" }),
            422,
        )
        .await?;

    // Users and devices.
    let users = "/api/v1/admin/users";
    let user = calls
        .json(
            &admin,
            post(users, users),
            json!({ "username": "contract01", "display_name": "契约", "password": "contract-pass",
                    "roles": ["operator"], "department_id": null }),
            201,
        )
        .await?;
    let user_path = format!(
        "/api/v1/admin/users/{}",
        user["id"].as_str().unwrap_or_default()
    );
    calls
        .json(
            &admin,
            (Method::PATCH, "/api/v1/admin/users/{id}", &user_path),
            json!({ "display_name": "契约测试" }),
            200,
        )
        .await?;
    let password = format!("{user_path}/password");
    calls
        .json(
            &admin,
            post("/api/v1/admin/users/{id}/password", &password),
            json!({ "password": "contract-pass-2" }),
            200,
        )
        .await?;
    let (_, second, _) =
        cgt_tests::raw::login(&base, "inspector02", DEMO_PASSWORD, Some("待停用")).await?;
    let second = second.ok_or_else(|| anyhow::anyhow!("second device login"))?;
    let revoke = format!(
        "/api/v1/devices/{}/revoke",
        second.device_id.map(|d| d.to_string()).unwrap_or_default()
    );
    calls
        .json(
            &admin,
            post("/api/v1/devices/{id}/revoke", &revoke),
            json!({}),
            200,
        )
        .await?;
    let leaving = Staff::login(&base, "leader1").await?;
    let logout = "/api/v1/auth/logout";
    calls
        .json(&leaving, post(logout, logout), json!({}), 200)
        .await?;

    let missing: Vec<_> = writes(&doc).difference(&calls.visited).cloned().collect();
    assert!(
        missing.is_empty(),
        "operations this test does not call: {missing:?}"
    );
    Ok(())
}
