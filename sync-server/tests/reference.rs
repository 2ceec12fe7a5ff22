//! Reference data for field devices in the demo city: an inspector's first download holds
//! exactly their work grid, later downloads only what changed, and only field devices may ask.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cgt_server::demo::DEMO_PASSWORD;
use cgt_server::reference::{ComponentChange, put_component, retire_component};
use cgt_server::{AppState, Settings, app};
use cgt_shared::{CategoryTable, ComponentId};
use common::Server;
use http_body_util::BodyExt;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::Read;
use tower::ServiceExt;

/// inspector01 patrols 拙政园社区 (street 001, community 001): work grid 901, unit grids 001…036.
const WORK_GRID: &str = "320508001001901";
const COMMUNITY: &str = "320508001001";
const OTHER_COMMUNITY: &str = "320508001002";

fn demo_server(edit: impl FnOnce(&mut Settings)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_test(dir.path());
    settings.demo = true;
    edit(&mut settings);
    let state = AppState::open(settings.clone()).unwrap();
    Server {
        app: app(state),
        dir,
        settings,
    }
}

/// The bearer token of `username`, on a device when `device` is set.
async fn token(server: &Server, username: &str, device: bool) -> String {
    let mut body = json!({ "username": username, "password": DEMO_PASSWORD });
    if device {
        body["device_name"] = json!(format!("{username} 的手机"));
    }
    let reply = server
        .json(Method::POST, "/api/v1/auth/login", None, Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    reply.json()["token"].as_str().unwrap().to_string()
}

async fn reference(server: &Server, token: &str, since: u64) -> Value {
    let reply = server
        .get(&format!("/api/v1/reference?since={since}"), token)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    reply.json()
}

fn strings(value: &Value, key: &str) -> BTreeSet<String> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} missing"))
        .iter()
        .map(|row| {
            row.as_str()
                .or_else(|| row["code"].as_str())
                .or_else(|| row["id"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The server's database, read directly as the oracle of what a grid holds.
fn database(server: &Server) -> Connection {
    Connection::open(server.dir.path().join("cgt.sqlite3")).unwrap()
}

fn column(db: &Connection, sql: &str) -> BTreeSet<String> {
    let mut stmt = db.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn components_of(db: &Connection, community: &str) -> BTreeSet<String> {
    column(
        db,
        &format!("SELECT id FROM components WHERE unit_grid LIKE '{community}%'"),
    )
}

/// A component of `community` moved by a metre, or into `into`'s first unit grid.
fn moved(db: &Connection, id: &str, into: Option<&str>) -> ComponentChange {
    let (lon, lat, grid, owner): (f64, f64, String, Option<i64>) = db
        .query_row(
            "SELECT lon, lat, unit_grid, owner_department FROM components WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let (lon, lat, grid) = match into {
        None => (((lon + 0.00001) * 1e7).round() / 1e7, lat, grid),
        Some(community) => {
            let grid = format!("{community}001");
            let (lon, lat): (f64, f64) = db
                .query_row(
                    "SELECT (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
                     FROM unit_grids WHERE code = ?1",
                    [&grid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            (lon, lat, grid)
        }
    };
    ComponentChange {
        id: id.parse().unwrap(),
        lon,
        lat,
        unit_grid: grid.parse().unwrap(),
        owner_department: owner,
        maintainer_department: owner,
    }
}

#[tokio::test]
async fn an_inspectors_first_download_is_exactly_their_work_grid() {
    let server = demo_server(|_| {});
    let token = token(&server, "inspector01", true).await;
    let answer = reference(&server, &token, 0).await;
    let db = database(&server);

    assert_eq!(answer["full"], json!(true));
    assert_eq!(answer["version"], json!(1));
    assert_eq!(
        strings(&answer, "work_grids"),
        BTreeSet::from([WORK_GRID.to_string()])
    );
    let grids: BTreeSet<String> = (1..=36).map(|n| format!("{COMMUNITY}{n:03}")).collect();
    assert_eq!(strings(&answer, "unit_grids"), grids);
    let components = components_of(&db, COMMUNITY);
    assert!(components.len() > 300, "{}", components.len());
    assert_eq!(strings(&answer, "components"), components);
    assert_eq!(answer["departments"].as_array().unwrap().len(), 10);
    let table: CategoryTable = serde_json::from_value(answer["categories"].clone()).unwrap();
    assert_eq!(&table, CategoryTable::builtin());
    for list in ["departments", "work_grids", "unit_grids", "components"] {
        assert_eq!(answer["retired"][list], json!([]), "{list}");
    }

    // Every outline is a closed ring whose extent is the grid's bounding box.
    for grid in answer["unit_grids"].as_array().unwrap() {
        let ring: Vec<[f64; 2]> = serde_json::from_value(grid["polygon"].clone()).unwrap();
        assert_eq!(ring.len(), 5);
        assert_eq!(ring.first(), ring.last());
        let bbox: [f64; 4] = db
            .query_row(
                "SELECT min_lon, min_lat, max_lon, max_lat FROM unit_grids WHERE code = ?1",
                [grid["code"].as_str().unwrap()],
                |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
            )
            .unwrap();
        let lons = ring.iter().map(|p| p[0]);
        let lats = ring.iter().map(|p| p[1]);
        assert_eq!(lons.clone().fold(f64::MAX, f64::min), bbox[0]);
        assert_eq!(lats.clone().fold(f64::MAX, f64::min), bbox[1]);
        assert_eq!(lons.fold(f64::MIN, f64::max), bbox[2]);
        assert_eq!(lats.fold(f64::MIN, f64::max), bbox[3]);
    }
}

#[tokio::test]
async fn the_download_is_gzip_compressed_and_small() {
    let server = demo_server(|_| {});
    let token = token(&server, "inspector01", true).await;
    let plain = server.get("/api/v1/reference?since=0", &token).await;
    let request = Request::get("/api/v1/reference?since=0")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let response = server.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let compressed = response.into_body().collect().await.unwrap().to_bytes();
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut json)
        .unwrap();
    assert_eq!(json, plain.body);
    println!(
        "inspector01 full reference download: {} bytes JSON, {} bytes gzip",
        json.len(),
        compressed.len()
    );
    assert!(compressed.len() < json.len() / 3);
    assert!(compressed.len() < 48 << 10, "{} bytes", compressed.len());
}

#[tokio::test]
async fn a_delta_carries_only_what_changed() {
    let server = demo_server(|_| {});
    let inspector01 = token(&server, "inspector01", true).await;
    let inspector02 = token(&server, "inspector02", true).await;
    let db = database(&server);
    let mine: Vec<String> = components_of(&db, COMMUNITY).into_iter().collect();
    let base = reference(&server, &inspector01, 0).await["version"]
        .as_u64()
        .unwrap();

    let change = moved(&db, &mine[0], None);
    let changed = put_component(&server.settings, change.clone()).unwrap();
    let id: ComponentId = mine[1].parse().unwrap();
    let retired = retire_component(&server.settings, &id).unwrap();
    assert_eq!((changed, retired), (base + 1, Some(base + 2)));
    assert_eq!(retire_component(&server.settings, &id).unwrap(), None);

    let delta = reference(&server, &inspector01, base).await;
    assert_eq!(delta["full"], json!(false));
    assert_eq!(delta["version"], json!(base + 2));
    assert_eq!(delta["categories"], Value::Null);
    assert_eq!(
        strings(&delta, "components"),
        BTreeSet::from([mine[0].clone()])
    );
    let lon = delta["components"][0]["lon"].as_f64().unwrap();
    assert!((lon - change.lon).abs() < 1e-9, "{lon} ≠ {}", change.lon);
    for list in ["departments", "work_grids", "unit_grids"] {
        assert_eq!(delta[list], json!([]), "{list}");
        assert_eq!(delta["retired"][list], json!([]), "retired {list}");
    }
    assert_eq!(delta["retired"]["components"], json!([mine[1]]));

    // Nothing changed since: an empty delta.
    let empty = reference(&server, &inspector01, base + 2).await;
    assert_eq!(empty["full"], json!(false));
    assert_eq!(empty["components"], json!([]));
    assert_eq!(empty["retired"]["components"], json!([]));

    // A component moved into the next community leaves inspector01 and reaches inspector02.
    let before = reference(&server, &inspector02, 0).await["version"]
        .as_u64()
        .unwrap();
    let version = put_component(
        &server.settings,
        moved(&db, &mine[2], Some(OTHER_COMMUNITY)),
    )
    .unwrap();
    let left = reference(&server, &inspector01, base + 2).await;
    assert_eq!(left["components"], json!([]));
    assert_eq!(left["retired"]["components"], json!([mine[2]]));
    let arrived = reference(&server, &inspector02, before).await;
    assert_eq!(arrived["version"], json!(version));
    assert_eq!(
        strings(&arrived, "components"),
        BTreeSet::from([mine[2].clone()])
    );
    assert_eq!(arrived["retired"]["components"], json!([]));
}

#[tokio::test]
async fn a_version_ahead_of_the_server_gets_a_snapshot() {
    let server = demo_server(|_| {});
    let token = token(&server, "inspector01", true).await;
    let answer = reference(&server, &token, 1_000).await;
    assert_eq!(answer["full"], json!(true));
    assert_eq!(answer["version"], json!(1));
    assert_eq!(
        strings(&answer, "components"),
        components_of(&database(&server), COMMUNITY)
    );
}

#[tokio::test]
async fn a_new_category_table_reaches_devices_as_a_delta() {
    let server = demo_server(|_| {});
    let token = token(&server, "inspector01", true).await;
    assert_eq!(
        reference(&server, &token, 1).await["categories"],
        Value::Null
    );

    let text = format!(
        "{}\n[[class]]\nkind = \"event\"\ncode = 80\nname = \"地方扩展\"\nsubclasses = [{{ code = 1, name = \"共享单车乱停\" }}]\n",
        include_str!("../../shared/data/categories.toml")
    );
    let file = server.dir.path().join("categories.toml");
    std::fs::write(&file, text).unwrap();
    let mut settings = server.settings.clone();
    settings.categories_file = Some(file);
    let restarted = Server {
        app: app(AppState::open(settings.clone()).unwrap()),
        dir: tempfile::tempdir().unwrap(),
        settings,
    };
    let delta = reference(&restarted, &token, 1).await;
    assert_eq!(delta["version"], json!(2));
    let table: CategoryTable = serde_json::from_value(delta["categories"].clone()).unwrap();
    assert_eq!(
        table.subclass(cgt_shared::Kind::Event, 80, 1).unwrap().name,
        "共享单车乱停"
    );
    assert_eq!(delta["components"], json!([]));
    // Starting again with the same table moves nothing.
    AppState::open(restarted.settings.clone()).unwrap();
    assert_eq!(
        reference(&restarted, &token, 2).await["categories"],
        Value::Null
    );
}

#[tokio::test]
async fn only_field_devices_may_download() {
    let server = demo_server(|_| {});
    let cases = [
        ("inspector01", false, StatusCode::FORBIDDEN),
        ("admin", false, StatusCode::FORBIDDEN),
        ("operator1", false, StatusCode::FORBIDDEN),
        ("handler1", true, StatusCode::OK),
    ];
    for (username, device, expected) in cases {
        let token = token(&server, username, device).await;
        let reply = server.get("/api/v1/reference?since=0", &token).await;
        assert_eq!(reply.status, expected, "{username}: {}", reply.json());
    }
    let reply = server
        .json(Method::GET, "/api/v1/reference", None, None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    // A department handler has no work grid: categories and departments only.
    let handler = token(&server, "handler2", true).await;
    let answer = reference(&server, &handler, 0).await;
    assert_eq!(answer["departments"].as_array().unwrap().len(), 10);
    assert!(answer["categories"].is_object());
    for list in ["work_grids", "unit_grids", "components"] {
        assert_eq!(answer[list], json!([]), "{list}");
    }
    let bad = server.get("/api/v1/reference?since=-1", &handler).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
