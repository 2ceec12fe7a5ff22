//! Open311 GeoReport v2 as a standard client speaks it: list services, POST a form-encoded
//! request with api_key, jurisdiction_id, service_code, lat, long and description, read it
//! back (in JSON and XML); the operator accepts it and the grid's inspector gets a 核实 task.

mod common;

use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::{Value, json};

/// GET in XML: status, content type and body.
async fn get_xml(http: &reqwest::Client, url: &str) -> anyhow::Result<(u16, String, String)> {
    let response = http.get(url).send().await?;
    let status = response.status().as_u16();
    let kind = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()?
        .to_string();
    Ok((status, kind, response.text().await?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_request_enters_the_loop_with_a_verification_task() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let http = reqwest::Client::new();
    let admin = Staff::login(&url, "admin").await?;
    let (status, key) = admin
        .post(
            "/api/v1/admin/api-keys",
            json!({ "name": "市民 App", "channel": "open311" }),
        )
        .await?;
    assert_eq!(status, 201, "{key}");
    let key = key["key"].as_str().expect("key").to_string();

    let services: Value = http
        .get(format!("{url}/open311/v2/services.json"))
        .send()
        .await?
        .json()
        .await?;
    let garbage = services
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service_code"] == "event-01-02")
        .expect("暴露垃圾");
    assert_eq!(garbage["service_name"], "暴露垃圾");

    let form = [
        ("api_key", key.as_str()),
        ("jurisdiction_id", "suzhou.gov.cn"),
        ("service_code", "event-01-02"),
        ("lat", "31.3105"),
        ("long", "120.6210"),
        ("description", "小区门口垃圾堆了三天"),
        ("email", "citizen@example.cn"),
    ];
    let response = http
        .post(format!("{url}/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let created: Value = response.json().await?;
    let id = created[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_string();

    let bad_key = [
        ("api_key", "0".repeat(64)),
        ("service_code", "event-01-02".into()),
        ("lat", "31.31".into()),
        ("long", "120.62".into()),
    ];
    let refused = http
        .post(format!("{url}/open311/v2/requests.json"))
        .form(&bad_key)
        .send()
        .await?;
    assert_eq!(refused.status().as_u16(), 403);
    let refused: Value = refused.json().await?;
    assert_eq!(refused[0]["code"], 403);

    let one: Value = http
        .get(format!("{url}/open311/v2/requests/{id}.json"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        (one[0]["status"].as_str(), one[0]["service_code"].as_str()),
        (Some("open"), Some("event-01-02"))
    );
    let open: Value = http
        .get(format!(
            "{url}/open311/v2/requests.json?status=open&service_code=event-01-02"
        ))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(open.as_array().map(Vec::len), Some(1));
    let closed: Value = http
        .get(format!("{url}/open311/v2/requests.json?status=closed"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(closed.as_array().map(Vec::len), Some(0));

    // The same answers in XML, as GeoReport v2 clients may ask for them.
    let (status, kind, body) =
        get_xml(&http, &format!("{url}/open311/v2/requests/{id}.xml")).await?;
    assert_eq!(
        (status, kind.as_str()),
        (200, "application/xml; charset=utf-8")
    );
    assert!(body.starts_with("<?xml"), "{body}");
    assert!(body.contains("<service_requests><request>"), "{body}");
    assert!(
        body.contains(&format!("<service_request_id>{id}</service_request_id>")),
        "{body}"
    );
    assert!(
        body.contains("<description>小区门口垃圾堆了三天</description>"),
        "{body}"
    );
    let (_, _, body) = get_xml(&http, &format!("{url}/open311/v2/services.xml")).await?;
    assert!(
        body.contains("<service_code>event-01-02</service_code>"),
        "{body}"
    );
    assert!(body.matches("<service>").count() > 10, "{body}");
    let (status, _, body) = get_xml(&http, &format!("{url}/open311/v2/requests/nope.xml")).await?;
    assert_eq!(status, 404);
    assert!(body.contains("<errors><error><code>404</code>"), "{body}");
    let (_, _, body) = get_xml(
        &http,
        &format!("{url}/open311/v2/requests.xml?status=closed"),
    )
    .await?;
    assert!(body.ends_with("<service_requests/>"), "{body}");

    // The operator accepts it; the verifier defaults to the inspector of the grid.
    let operator = Staff::login(&url, "operator1").await?;
    let (status, case) = operator
        .post(&format!("/api/v1/cases/{id}/accept"), json!({}))
        .await?;
    assert_eq!(status, 200, "{case}");
    assert_eq!(
        (case["status"].as_str(), case["source_label"].as_str()),
        (Some("verifying"), Some("公众举报"))
    );
    assert!(case["verify_assignee"].is_string(), "{case}");
    let (_, detail) = operator.get(&format!("/api/v1/cases/{id}")).await?;
    assert_eq!(detail["contact"]["email"], "citizen@example.cn");
    let (status, spec) = operator.get("/api/v1/openapi.json").await?;
    assert_eq!(status, 200);
    assert!(spec["paths"]["/open311/v2/requests.json"]["post"].is_object());
    Ok(())
}

/// A citizen app that takes positions from AMap sends GCJ-02 and says so: the case lands where
/// the same spot sent in WGS84 lands. Sent without saying so, the same numbers would put it
/// about 500 m away, in another unit grid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gcj02_position_is_converted_on_arrival() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let http = reqwest::Client::new();
    let admin = Staff::login(&url, "admin").await?;
    let (_, key) = admin
        .post(
            "/api/v1/admin/api-keys",
            json!({ "name": "高德地图小程序", "channel": "open311" }),
        )
        .await?;
    let key = key["key"].as_str().expect("key").to_string();
    let wgs84 = [120.6210, 31.3105];
    let gcj02 = cgt_shared::gcj02::from_wgs84(wgs84);
    let post = |position: [f64; 2], system: Option<&'static str>| {
        let mut form = vec![
            ("api_key", key.clone()),
            ("service_code", "event-01-02".to_string()),
            ("lat", position[1].to_string()),
            ("long", position[0].to_string()),
        ];
        if let Some(system) = system {
            form.push(("coordinate_system", system.to_string()));
        }
        let (http, url) = (http.clone(), url.clone());
        async move {
            let created: Value = http
                .post(format!("{url}/open311/v2/requests.json"))
                .form(&form)
                .send()
                .await?
                .json()
                .await?;
            let id = created[0]["service_request_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let read: Value = http
                .get(format!("{url}/open311/v2/requests/{id}.json"))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(read[0].clone())
        }
    };
    let plain = post(wgs84, None).await?;
    let declared = post(gcj02, Some("gcj02")).await?;
    let undeclared = post(gcj02, None).await?;
    let at = |r: &Value| {
        [
            r["long"].as_f64().unwrap_or(0.0),
            r["lat"].as_f64().unwrap_or(0.0),
        ]
    };
    let metres = cgt_shared::geometry::distance_m;
    assert!(
        metres(at(&declared), at(&plain)) < 0.05,
        "{declared} vs {plain}"
    );
    assert!(metres(at(&undeclared), at(&plain)) > 400.0, "{undeclared}");

    let operator = Staff::login(&url, "operator1").await?;
    let grid = |r: &Value| {
        let id = r["service_request_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let operator = &operator;
        async move {
            let (_, detail) = operator.get(&format!("/api/v1/cases/{id}")).await?;
            anyhow::Ok(detail["case"]["unit_grid"].clone())
        }
    };
    let right = grid(&plain).await?;
    assert!(right.is_string(), "{right}");
    assert_eq!(grid(&declared).await?, right);
    assert_ne!(
        grid(&undeclared).await?,
        right,
        "the undeclared offset lands elsewhere"
    );

    // The same client reads positions back in its own system, to draw them on its map.
    let id = declared["service_request_id"].as_str().unwrap_or_default();
    for path in [
        format!("/open311/v2/requests/{id}.json?coordinate_system=gcj02"),
        format!("/open311/v2/requests.json?service_request_id={id}&coordinate_system=gcj02"),
    ] {
        let read: Value = http
            .get(format!("{url}{path}"))
            .send()
            .await?
            .json()
            .await?;
        assert!(metres(at(&read[0]), gcj02) < 0.05, "{path}: {read}");
    }
    let refused = http
        .get(format!(
            "{url}/open311/v2/requests/{id}.json?coordinate_system=bd09"
        ))
        .send()
        .await?;
    assert_eq!(refused.status().as_u16(), 400);
    Ok(())
}
