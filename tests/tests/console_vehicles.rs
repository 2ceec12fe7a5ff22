//! 车辆监管 in chromium: the demo muck truck's GPS unit posts OsmAnd positions that leave its
//! prescribed route for two minutes; the supervisor sees the alarm the server raised and its
//! evidence positions on the map.

mod common;

use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use common::server_binary;
use std::time::{SystemTime, UNIX_EPOCH};

/// The demo muck truck (sync-server/src/tracks/demo.rs): its id, key and a point on its route.
const TRUCK: (&str, &str) = ("ZT-SU-E1234", "demo-muck-truck-key-2026");
const ON_ROUTE: (f64, f64) = (31.312, 120.590);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisor_sees_an_off_route_alarm_with_its_evidence() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), dir.path())?;
    let url = server.url();

    // Ten minutes ago: 2 min along the route, 3 min 300 m north of it, 1 min back on it.
    let now_s = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    let t0 = now_s - 600;
    let http = reqwest::Client::new();
    let mut east_m = 0.0;
    for step in 0..36 {
        let north_m = if (12..30).contains(&step) { 300.0 } else { 0.0 };
        let [lon, lat] = cgt_shared::geometry::offset_m([ON_ROUTE.1, ON_ROUTE.0], east_m, north_m);
        let query = format!(
            "{url}/api/v1/osmand?id={}&key={}&lat={lat:.7}&lon={lon:.7}&timestamp={}&speed=10&bearing=90",
            TRUCK.0,
            TRUCK.1,
            t0 + step * 10
        );
        let status = http.get(query).send().await?.status();
        assert_eq!(status.as_u16(), 200, "position {step}");
        east_m += 50.0;
    }

    let shots = screenshots_dir("console-vehicles")?;
    println!("screenshots: {}", shots.display());
    let seen = tokio::task::spawn_blocking({
        let (url, shots) = (url.clone(), shots.clone());
        move || {
            run_scenario(
                "vehicles",
                &url,
                &shots,
                &[("CGT_DEMO_PASSWORD", DEMO_PASSWORD)],
            )
        }
    })
    .await??;

    let vehicles = seen["vehicles"].to_string();
    assert!(
        vehicles.contains("苏E1234 渣土车") && vehicles.contains("苏E5678 环卫车"),
        "{seen}"
    );
    let alarms = seen["alarms"].as_array().expect("alarm rows");
    assert_eq!(alarms.len(), 1, "{seen}");
    assert_eq!(alarms[0][0], "苏E1234 渣土车", "{seen}");
    assert_eq!(alarms[0][1], "偏离路线", "{seen}");
    let evidence = seen["evidence"].as_str().unwrap_or_default();
    assert!(evidence.contains("苏E1234 渣土车 偏离路线"), "{seen}");
    assert!(shots.join("vehicle-alarm.png").is_file());
    Ok(())
}
