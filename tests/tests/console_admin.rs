//! The console in chromium, signed in as the admin: a wrong password is refused in Chinese, the
//! overview shows the server's own counts, and the devices page lists a registered phone with
//! the report, photo and bytes it said it still holds to send.
//! Then the admin's pages for people and reference data: a user created through the dialog
//! can log in, and a component added through the dialog is stored where the dialog put it.

mod common;

use cgt_tests::admin::Admin;
use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::{DEMO_PASSWORD, garbage_report};
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::{logged_in, server_binary};
use serde_json::Value;

#[tokio::test]
async fn admin_signs_in_sees_counts_and_devices() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), dir.path())?;
    let url = server.url();
    let phone = logged_in(dir.path(), "phone", &url, "inspector01").await?;
    // Offline work, then a reference update (which reports what the phone holds) but no sync.
    let report = phone.create_report(garbage_report())?;
    let camera = cgt_photo::sample::street_scene_jpeg(800, 600, 85, 3);
    phone.capture_photo(report.id, &camera)?;
    phone.update_reference().await?;
    let pending = phone.pending_counts()?;
    let admin = Admin::login(&url).await?;
    let stats = admin.stats().await?;
    let device = admin.devices().await?.remove(0);

    let shots = screenshots_dir("console-admin")?;
    println!("screenshots: {}", shots.display());
    let seen = tokio::task::spawn_blocking({
        let shots = shots.clone();
        move || {
            run_scenario(
                "admin",
                &url,
                &shots,
                &[("CGT_DEMO_PASSWORD", DEMO_PASSWORD)],
            )
        }
    })
    .await??;

    let login_error = seen["loginError"].as_str().unwrap_or_default();
    assert!(login_error.contains("用户名或密码错误"), "{seen}");
    let statistic = |title: &str| seen["statistics"][title].as_str().map(str::to_owned);
    assert_eq!(
        statistic("用户"),
        Some(stats["users"].to_string()),
        "{seen}"
    );
    assert_eq!(statistic("设备"), Some("1".to_string()), "{seen}");
    let devices: Vec<&str> = seen["deviceUsers"]
        .as_array()
        .expect("device users")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(devices, ["inspector01"], "{seen}");
    assert_eq!((pending.reports, pending.photos), (1, 1));
    let shown = |name: &str| {
        seen["pending"][name]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(shown("reports"), "1", "{seen}");
    assert_eq!(
        shown("photos"),
        format!("1 张 ({:.1} MB)", pending.photo_bytes as f64 / 1_048_576.0),
        "{seen}"
    );
    assert_eq!(
        (shown("segments"), shown("failed")),
        ("0".into(), "0".into())
    );
    assert!(
        device["pending"]["reported_at"].is_i64() && shown("reported").starts_with("20"),
        "reported at {}: {seen}",
        device["pending"]["reported_at"]
    );
    let menu = seen["menu"].to_string();
    assert!(
        menu.contains("设备管理") && menu.contains("被拒同步"),
        "{seen}"
    );
    for name in ["login-refused", "overview", "devices"] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    Ok(())
}

#[tokio::test]
async fn admin_creates_a_user_and_a_component_in_the_dialogs() -> anyhow::Result<()> {
    const NEW_USER: &str = "inspector21";
    const NEW_PASSWORD: &str = "console-pass-2026";
    const NEW_COMPONENT: &str = "3205080101900021";
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), dir.path())?;
    let url = server.url();
    let admin = Staff::login(&url, "admin").await?;
    let (_, users) = admin.get("/api/v1/admin/users").await?;
    let (_, departments) = admin.get("/api/v1/admin/departments").await?;
    let (_, all) = admin.get("/api/v1/admin/components?limit=1").await?;

    let shots = screenshots_dir("console-admin")?;
    println!("screenshots: {}", shots.display());
    let seen = tokio::task::spawn_blocking({
        let (url, shots) = (url.clone(), shots.clone());
        move || {
            run_scenario(
                "admin_pages",
                &url,
                &shots,
                &[
                    ("CGT_DEMO_PASSWORD", DEMO_PASSWORD),
                    ("CGT_NEW_USERNAME", NEW_USER),
                    ("CGT_NEW_PASSWORD", NEW_PASSWORD),
                    ("CGT_NEW_COMPONENT", NEW_COMPONENT),
                ],
            )
        }
    })
    .await??;

    // 用户管理: every user listed; the dialog's refusals; the user it created can log in.
    let listed = users.as_array().map(Vec::len);
    assert_eq!(
        seen["userRows"].as_u64(),
        listed.map(|n| n as u64),
        "{seen}"
    );
    assert_eq!(
        seen["adminRoles"],
        serde_json::json!(["系统管理员"]),
        "{seen}"
    );
    let said = |key: &str| seen[key].as_str().unwrap_or_default().to_string();
    assert!(said("shortPassword").contains("至少 8 个字符"), "{seen}");
    assert!(said("taken").contains("用户名已存在"), "{seen}");
    assert_eq!(
        seen["createdRoles"],
        serde_json::json!(["监督员", "巡查主管"]),
        "{seen}"
    );
    assert_eq!(said("createdState"), "正常");
    let newcomer = Staff::login_with(&url, NEW_USER, NEW_PASSWORD).await?;
    let (_, me) = newcomer.get("/api/v1/me").await?;
    assert_eq!(me["display_name"], "测试新人");
    assert_eq!(
        me["roles"],
        serde_json::json!(["inspector", "patrol_supervisor"])
    );

    // 基础数据: what the server holds, as the server says it.
    let names: Vec<&Value> = departments
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| &d["name"])
        .collect();
    assert_eq!(seen["departments"], serde_json::json!(names), "{seen}");
    assert!(seen["componentCategories"].as_u64() > Some(10), "{seen}");
    assert_eq!(seen["workGrids"], 12, "{seen}");
    assert!(said("firstInspector").contains("inspector01"), "{seen}");
    assert_eq!(seen["unitGridCodes"].as_array().map(Vec::len), Some(36));
    assert_eq!(said("totalText"), format!("共 {} 个部件", all["total"]));
    let grid = said("grid");
    let (_, in_grid) = admin
        .get(&format!("/api/v1/admin/components?unit_grid={grid}"))
        .await?;
    // The scenario added one component to this grid after listing it.
    let listed = seen["gridRows"].as_u64().map(|n| n + 1);
    assert_eq!(listed, in_grid["total"].as_u64(), "{seen}");

    // The component added in the dialog, in the middle of the grid the dialog was given.
    let (_, added) = admin
        .get(&format!("/api/v1/admin/components?id={NEW_COMPONENT}"))
        .await?;
    assert_eq!(added["total"], 1, "{added}");
    let added = &added["items"][0];
    assert_eq!(added["unit_grid"].as_str(), Some(grid.as_str()));
    assert_eq!(said("addedCategory"), "公用设施 / 上水井盖");
    let (_, units) = admin.get("/api/v1/admin/unit-grids").await?;
    let bbox = &units
        .as_array()
        .and_then(|all| all.iter().find(|u| u["code"] == grid))
        .expect("the grid is listed")["bbox"];
    let middle = |a: usize, b: usize| (bbox[a].as_f64().unwrap() + bbox[b].as_f64().unwrap()) / 2.0;
    assert!(
        (added["lon"].as_f64().unwrap() - middle(0, 2)).abs() < 1e-6,
        "{added}"
    );
    assert!(
        (added["lat"].as_f64().unwrap() - middle(1, 3)).abs() < 1e-6,
        "{added}"
    );
    assert!(added["version"].as_u64() > Some(1), "{added}");

    let menu = seen["menu"].to_string();
    assert!(
        menu.contains("用户管理") && menu.contains("基础数据"),
        "{seen}"
    );
    for name in [
        "users",
        "user-dialog",
        "user-created",
        "reference-departments",
        "reference-categories",
        "reference-grids",
        "reference-components",
        "component-dialog",
        "component-added",
    ] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    Ok(())
}
