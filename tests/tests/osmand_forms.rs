//! OsmAnd positions in the forms Traccar's decoder accepts, against the real server: a
//! form-encoded POST body, the JSON body of Traccar Client (key and id in the URL), `deviceid`,
//! `location=lat,lon`, `heading`, ISO timestamps with an offset and `yyyy-MM-dd HH:mm:ss` (China
//! time); altitude, battery and heading are kept. Unknown forms get a clear 400.

mod common;

use cgt_shared::Timestamp;
use cgt_tests::server_process::ServerProcess;
use common::*;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

const UNIT: &str = "id=ZT-SU-E1234&key=demo-muck-truck-key-2026";

/// Now, to the second (OsmAnd timestamps carry seconds).
fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `at` as ISO 8601 in China time with its offset, and as Traccar's local form.
fn china_forms(at_s: i64) -> (String, String) {
    let iso = cgt_shared::china_time::rfc3339(Timestamp(at_s * 1000)).expect("in range");
    let plain = iso[..19].replace('T', " ");
    (iso, plain)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_traccar_form_is_read_and_its_extras_kept() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let http = reqwest::Client::new();
    let t0 = now_s() - 300;
    let (iso, _) = china_forms(t0);
    let (_, plain) = china_forms(t0 + 120);

    let form = http
        .post(format!("{url}/api/v1/osmand"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "{UNIT}&lat=31.3&lon=120.6&timestamp={}&heading=45&altitude=12.5&batt=80",
            iso.replace('+', "%2B")
        ))
        .send()
        .await?;
    assert_eq!(form.status().as_u16(), 200, "{}", form.text().await?);

    let traccar_json = json!({
        "location": {
            "timestamp": jiff::Timestamp::from_second(t0 + 60)?.to_string(),
            "coords": { "latitude": 31.301, "longitude": 120.601, "speed": 5.0,
                        "heading": 90.0, "altitude": 20.0, "accuracy": 6.0 },
            "battery": { "level": 0.42, "is_charging": false },
            "is_moving": true
        },
        "device_id": "ignored-when-the-url-names-the-unit"
    });
    let posted = http
        .post(format!("{url}/api/v1/osmand?{UNIT}"))
        .json(&traccar_json)
        .send()
        .await?;
    assert_eq!(posted.status().as_u16(), 200, "{}", posted.text().await?);

    let get = http
        .get(format!(
            "{url}/api/v1/osmand?deviceid=ZT-SU-E1234&key=demo-muck-truck-key-2026\
             &location=31.302,120.602&timestamp={}",
            plain.replace(' ', "%20")
        ))
        .send()
        .await?;
    assert_eq!(get.status().as_u16(), 200, "{}", get.text().await?);

    for (content_type, body) in [
        ("application/xml", "<position/>".to_string()),
        (
            "application/json",
            r#"{"coords": {"latitude": 1}}"#.to_string(),
        ),
        ("application/json", "[1, 2, 3]".to_string()),
    ] {
        let refused = http
            .post(format!("{url}/api/v1/osmand?{UNIT}"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?;
        assert_eq!(refused.status().as_u16(), 400);
        let answer: Value = refused.json().await?;
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|e| e.contains("OsmAnd")),
            "{answer}"
        );
    }
    drop(server);

    let stored = stored_positions(&dir.path().join("server"))?;
    assert_eq!(
        stored,
        vec![
            (
                t0 * 1000,
                31.3,
                Some(45.0),
                Some(12.5),
                Some(80.0),
                None,
                10.0
            ),
            (
                (t0 + 60) * 1000,
                31.301,
                Some(90.0),
                Some(20.0),
                Some(42.0),
                Some(5.0),
                6.0
            ),
            ((t0 + 120) * 1000, 31.302, None, None, None, None, 10.0),
        ]
    );
    Ok(())
}

/// `(at, lat, bearing, altitude, battery, speed, accuracy)` of each stored position.
type StoredPosition = (
    i64,
    f64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    f64,
);

/// The unit's stored positions, read from whichever store the server on `data_dir` used.
fn stored_positions(data_dir: &std::path::Path) -> anyhow::Result<Vec<StoredPosition>> {
    const COLUMNS: &str = "at, lat, bearing, altitude_m, battery_pct, speed_mps, accuracy_m";
    const WHERE: &str = "FROM vehicle_positions WHERE vehicle_id = 'ZT-SU-E1234' ORDER BY at";
    let round = |x: Option<f64>| x.map(|v| (v * 1000.0).round() / 1000.0);
    let rows: Vec<StoredPosition> = match cgt_tests::database::database_url(data_dir)? {
        Some(url) => std::thread::spawn(move || -> anyhow::Result<Vec<StoredPosition>> {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
            let rows = client.query(&format!("SELECT {COLUMNS} {WHERE}"), &[])?;
            Ok(rows
                .iter()
                .map(|r| {
                    (
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get(5),
                        r.get(6),
                    )
                })
                .collect())
        })
        .join()
        .map_err(|_| anyhow::anyhow!("reading PostgreSQL panicked"))??,
        None => {
            let db = rusqlite::Connection::open(data_dir.join(cgt_server::DB_FILE))?;
            let mut statement = db.prepare(&format!("SELECT {COLUMNS} {WHERE}"))?;
            statement
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })?
                .collect::<Result<_, _>>()?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(at, lat, bearing, altitude, battery, speed, accuracy)| {
            (
                at,
                lat,
                bearing,
                altitude,
                round(battery),
                round(speed),
                accuracy,
            )
        })
        .collect())
}
