//! The admin keeps the reference data: reads departments, categories, grids and components;
//! adds a manhole cover, moves it and retires it, and each edit reaches the inspector's phone
//! with its next reference delta; hands a work grid to another inspector and the phones follow.
//! Bad components are refused with a reason, and only the admin may do any of it.

mod common;

use cgt_client::Client;
use cgt_shared::Position;
use cgt_shared::geometry::bbox;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::{logged_in, server_binary};
use reqwest::Method;
use serde_json::{Value, json};

const COMPONENTS: &str = "/api/v1/admin/components";
const WORK_GRID: &str = "320508001001901";
/// A 上水井盖 (class 01, subclass 01) with a serial the demo city does not use.
const NEW_COVER: &str = "3205080101900001";

/// The middle of a ring's bounding box.
fn centre(ring: &[[f64; 2]]) -> [f64; 2] {
    let [w, s, e, n] = bbox(ring).expect("a ring with points");
    [(w + e) / 2.0, (s + n) / 2.0]
}

/// Ids of the components the phone holds within 30 m of `at`.
fn held_near(client: &Client, at: [f64; 2]) -> anyhow::Result<Vec<String>> {
    let here = Position::new(at[1], at[0], 5.0);
    Ok(client
        .components_near(here, 30.0, None)?
        .into_iter()
        .map(|c| c.id.to_string())
        .collect())
}

fn cover(id: &str, unit_grid: &str, at: [f64; 2]) -> Value {
    json!({
        "id": id, "lon": at[0], "lat": at[1], "unit_grid": unit_grid,
        "owner": 6, "maintainer": 6,
    })
}

async fn refused(admin: &Staff, method: Method, path: &str, body: Value, status: u16, says: &str) {
    let (got, answer) = admin.send(method, path, body.clone()).await.unwrap();
    assert_eq!(got, status, "{path} {body}: {answer}");
    let error = answer["error"].as_str().unwrap_or_default();
    assert!(error.contains(says), "{path} {body}: {error}");
}

async fn get_ok(admin: &Staff, path: &str) -> anyhow::Result<Value> {
    let (status, body) = admin.get(path).await?;
    assert_eq!(status, 200, "{path}: {body}");
    Ok(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_edits_reach_the_inspectors_phone_by_delta() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let admin = Staff::login(&url, "admin").await?;
    let phone = logged_in(dir.path(), "inspector01", &url, "inspector01").await?;
    let first = phone.update_reference().await?;
    assert!(first.full);

    // What the admin reads.
    let departments = get_ok(&admin, "/api/v1/admin/departments").await?;
    assert_eq!(departments.as_array().map(Vec::len), Some(10));
    assert_eq!(departments[0]["name"], "市政管理处");
    assert_eq!(departments[0]["staff"], 1, "handler1 works there");
    let categories = get_ok(&admin, "/api/v1/admin/categories").await?;
    assert!(
        categories["class"]
            .as_array()
            .is_some_and(|c| c.len() >= 12)
    );
    let grids = get_ok(&admin, "/api/v1/admin/work-grids").await?;
    assert_eq!(grids.as_array().map(Vec::len), Some(12));
    let mine = &grids[0];
    assert_eq!(
        (
            &mine["code"],
            &mine["inspector"]["username"],
            &mine["unit_grids"]
        ),
        (&json!(WORK_GRID), &json!("inspector01"), &json!(36))
    );
    let units = get_ok(
        &admin,
        &format!("/api/v1/admin/unit-grids?work_grid={WORK_GRID}"),
    )
    .await?;
    let units = units.as_array().expect("unit grids").clone();
    assert_eq!(units.len(), 36);
    let in_units: u64 = units.iter().filter_map(|u| u["components"].as_u64()).sum();
    assert_eq!(Some(in_units), mine["components"].as_u64());
    assert_eq!(
        get_ok(&admin, "/api/v1/admin/unit-grids")
            .await?
            .as_array()
            .map(Vec::len),
        Some(432)
    );

    // Components a page at a time, by unit grid or by the start of their id.
    let grid = units[13]["code"].as_str().expect("code").to_string();
    let page = get_ok(&admin, &format!("{COMPONENTS}?unit_grid={grid}&limit=3")).await?;
    assert_eq!(page["total"], units[13]["components"]);
    let items = page["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.len() <= 3, "{page}");
    assert!(items.iter().all(|c| c["unit_grid"] == json!(grid)));
    let first_id = items[0]["id"].as_str().expect("id");
    let prefix = &first_id[..15];
    let by_id = get_ok(&admin, &format!("{COMPONENTS}?id={prefix}")).await?;
    let found = by_id["items"].as_array().expect("items");
    assert!(
        found.iter().any(|c| c["id"] == json!(first_id)),
        "{first_id}"
    );
    assert!(
        found
            .iter()
            .all(|c| c["id"].as_str().unwrap().starts_with(prefix))
    );
    assert!(
        by_id["items"][0]["category_label"]
            .as_str()
            .is_some_and(|l| l.contains(" / "))
    );
    for bad in [
        "limit=0",
        "limit=201",
        "id=32a",
        "unit_grid=3205080010010011",
    ] {
        assert_eq!(
            admin.get(&format!("{COMPONENTS}?{bad}")).await?.0,
            400,
            "{bad}"
        );
    }

    // Bad components are refused, each with its reason, and change nothing.
    let polygon = phone.my_work_grids()?[0]
        .unit_grids
        .iter()
        .find(|u| u.code.as_str() == grid)
        .expect("the phone holds the grid")
        .polygon
        .clone();
    let here = centre(&polygon);
    let with = |field: &str, value: Value| {
        let mut body = cover(NEW_COVER, &grid, here);
        body[field] = value;
        body
    };
    let bad = [
        (with("id", json!("123")), 422, "部件标识码必须是16位数字"),
        (with("id", json!("3205089901900001")), 422, "类别无效"),
        (with("id", json!("3205090101900001")), 422, "不在同一区县"),
        (with("id", json!(first_id)), 409, "已存在"),
        (with("lat", json!(91.0)), 422, "纬度超出范围"),
        (with("lon", json!(200.0)), 422, "经度超出范围"),
        (with("lat", json!(here[1] + 0.01)), 422, "不在单元网格"),
        (
            with("unit_grid", json!("320508009009009")),
            422,
            "不存在或已停用",
        ),
        (with("unit_grid", json!("32050800100100")), 422, "网格编码"),
        (with("owner", json!(99)), 422, "部门 99 不存在"),
        (with("colour", json!("red")), 422, "请求数据字段无效"),
    ];
    for (body, status, says) in bad {
        refused(&admin, Method::POST, COMPONENTS, body, status, says).await;
    }
    let unknown = format!("{COMPONENTS}/3205080101900002");
    let body = cover("3205080101900002", &grid, here);
    refused(&admin, Method::PUT, &unknown, body, 404, "不存在").await;
    let path = format!("{COMPONENTS}/{NEW_COVER}");
    let other_id = cover("3205080101900002", &grid, here);
    refused(&admin, Method::PUT, &path, other_id, 422, "不能修改").await;
    let quiet = phone.update_reference().await?;
    assert_eq!((quiet.version, quiet.changed_rows), (first.version, 0));

    // Only the admin edits reference data.
    let operator = Staff::login(&url, "operator1").await?;
    let body = cover(NEW_COVER, &grid, here);
    refused(&operator, Method::POST, COMPONENTS, body, 403, "系统管理员").await;
    assert_eq!(operator.get("/api/v1/admin/work-grids").await?.0, 403);

    // A new manhole cover reaches the phone with the next delta.
    let added = admin
        .expect(COMPONENTS, cover(NEW_COVER, &grid, here), 201)
        .await?;
    assert_eq!(added["version"], json!(first.version + 1));
    assert_eq!(added["category_label"], "公用设施 / 上水井盖");
    assert!(!held_near(&phone, here)?.contains(&NEW_COVER.to_string()));
    let delta = phone.update_reference().await?;
    assert_eq!((delta.full, delta.changed_rows), (false, 1));
    assert_eq!(delta.version, first.version + 1);
    assert!(held_near(&phone, here)?.contains(&NEW_COVER.to_string()));

    // Moved about 11 m east, then retired: the phone follows each time.
    let east = [here[0] + 0.000_12, here[1]];
    let (status, moved) = admin
        .send(Method::PUT, &path, cover(NEW_COVER, &grid, east))
        .await?;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(phone.update_reference().await?.changed_rows, 1);
    let held = phone
        .components_near(Position::new(east[1], east[0], 5.0), 1.0, None)?
        .into_iter()
        .any(|c| c.id.as_str() == NEW_COVER);
    assert!(held, "the phone has the cover at its new place");
    admin
        .expect(&format!("{path}/retire"), json!({}), 200)
        .await?;
    refused(
        &admin,
        Method::POST,
        &format!("{path}/retire"),
        json!({}),
        404,
        "已停用",
    )
    .await;
    assert_eq!(phone.update_reference().await?.changed_rows, 1);
    assert!(!held_near(&phone, here)?.contains(&NEW_COVER.to_string()));

    // The work grid goes to inspector02: it leaves inspector01's phone and reaches theirs.
    let users = get_ok(&admin, "/api/v1/admin/users").await?;
    let id_of = |name: &str| {
        users
            .as_array()
            .and_then(|all| all.iter().find(|u| u["username"] == name))
            .map(|u| u["id"].clone())
            .expect("demo user")
    };
    let inspector02 = id_of("inspector02");
    let assign = format!("/api/v1/admin/work-grids/{WORK_GRID}/inspector");
    let operator_id = json!({ "inspector": id_of("operator1") });
    refused(
        &admin,
        Method::PUT,
        &assign,
        operator_id,
        422,
        "不是在用的监督员",
    )
    .await;
    let nowhere = "/api/v1/admin/work-grids/320508009009909/inspector";
    refused(
        &admin,
        Method::PUT,
        nowhere,
        json!({ "inspector": null }),
        404,
        "工作网格",
    )
    .await;
    let other_phone = logged_in(dir.path(), "inspector02", &url, "inspector02").await?;
    other_phone.update_reference().await?;
    assert_eq!(other_phone.my_work_grids()?.len(), 1);
    let (status, given) = admin
        .send(Method::PUT, &assign, json!({ "inspector": inspector02 }))
        .await?;
    assert_eq!(status, 200, "{given}");
    assert_eq!(given["inspector"]["username"], "inspector02");
    phone.update_reference().await?;
    assert!(phone.my_work_grids()?.is_empty());
    assert_eq!(held_near(&phone, here)?, Vec::<String>::new());
    other_phone.update_reference().await?;
    let theirs: Vec<String> = other_phone
        .my_work_grids()?
        .into_iter()
        .map(|w| w.code.to_string())
        .collect();
    assert!(theirs.contains(&WORK_GRID.to_string()), "{theirs:?}");
    Ok(())
}
