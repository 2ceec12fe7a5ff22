//! The console in chromium, signed in as the admin: a wrong password is refused in Chinese, the
//! overview shows the server's own counts, and the devices page lists a registered phone.

mod common;

use cgt_tests::admin::Admin;
use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use common::{logged_in, server_binary};

#[tokio::test]
async fn admin_signs_in_sees_counts_and_devices() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), dir.path())?;
    let url = server.url();
    logged_in(dir.path(), "phone", &url, "inspector01").await?;
    let stats = Admin::login(&url).await?.stats().await?;

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
