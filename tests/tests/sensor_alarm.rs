//! A manhole-cover tag raises an alarm: the sensor gateway posts the component's id with its
//! API key, and an urgent 部件 case opens at the component's place, where the operator sees it.
//! A wrong key or an unknown component is refused.

mod common;

use cgt_shared::Position;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensor_alarm_opens_an_urgent_component_case() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    // Any component of the city: the one nearest the middle of inspector01's grids.
    let inspector = logged_in(dir.path(), "inspector01", &url, "inspector01").await?;
    inspector.sync().await?;
    let component = inspector
        .components_near(Position::new(31.31, 120.62, 5.0), 5_000.0, None)?
        .into_iter()
        .next()
        .expect("a component nearby");

    let admin = Staff::login(&url, "admin").await?;
    let (status, key) = admin
        .post(
            "/api/v1/admin/api-keys",
            json!({ "name": "井盖传感网关", "channel": "sensor" }),
        )
        .await?;
    assert_eq!(status, 201, "{key}");
    let key = key["key"].as_str().expect("key").to_string();
    let http = reqwest::Client::new();
    let alarm = |key: &str, id: &str| {
        http.post(format!("{url}/api/v1/sensors/alarms"))
            .header("x-api-key", key)
            .json(&json!({ "component_id": id, "description": "井盖位移报警" }))
            .send()
    };
    let response = alarm(&key, component.id.as_str()).await?;
    assert_eq!(response.status().as_u16(), 201);
    let created: serde_json::Value = response.json().await?;
    let id = created["case_id"].as_str().expect("case id").to_string();
    assert_eq!(
        alarm(&"0".repeat(64), component.id.as_str())
            .await?
            .status()
            .as_u16(),
        401
    );
    let unknown = format!("{}999999", &component.id.as_str()[..10]);
    assert_eq!(alarm(&key, &unknown).await?.status().as_u16(), 422);

    let operator = Staff::login(&url, "operator1").await?;
    let (_, detail) = operator.get(&format!("/api/v1/cases/{id}")).await?;
    let case = &detail["case"];
    assert_eq!(
        (case["source"].as_str(), case["urgent"].as_bool()),
        (Some("sensor"), Some(true))
    );
    assert_eq!(detail["report"]["component_id"], component.id.as_str());
    assert_eq!(case["step_label"], "受理");
    Ok(())
}
