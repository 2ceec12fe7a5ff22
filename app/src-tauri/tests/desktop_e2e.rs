//! The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver: an
//! inspector logs in, the server goes down, a report with a photo is made offline, the server
//! comes back, 立即同步 sends everything, and the server holds the report and the photo.
//! Screenshots of the main screens (and logs) go to the folder the test prints.

mod desktop;

use cgt_tests::admin::Admin;
use cgt_tests::inprocess::InProcessServer;
use desktop::{Screen, open_app, require_tools, start_display, start_driver};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::task::block_in_place;

/// Inside inspector01's work grid (人民路) of the demo city.
const POSITION: &str = "fixed:31.32,120.619,8";

/// Where screenshots go: `CGT_E2E_SCREENSHOTS`, else `e2e-screenshots` in the target folder.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("CGT_E2E_SCREENSHOTS").map_or_else(
        || {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .expect("the target tmp dir has a parent")
                .join("e2e-screenshots")
        },
        PathBuf::from,
    )
}

/// The server side of the story: the demo server, stopped and started on the same address.
struct Server {
    running: Option<InProcessServer>,
    data_dir: PathBuf,
    addr: SocketAddr,
}

impl Server {
    // The server harness blocks while it starts and stops: keep that off the async workers.
    fn start(data_dir: PathBuf) -> anyhow::Result<Server> {
        let running = block_in_place(|| InProcessServer::start(&data_dir, true, 2))?;
        Ok(Server {
            addr: running.addr,
            running: Some(running),
            data_dir,
        })
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn stop(&mut self) {
        block_in_place(|| drop(self.running.take()));
    }

    fn restart(&mut self) -> anyhow::Result<()> {
        let (dir, addr) = (&self.data_dir, self.addr);
        self.running = Some(block_in_place(|| {
            InProcessServer::start_at(dir, true, 2, addr)
        })?);
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_made_offline_in_the_app_reaches_the_server_with_its_photo() -> anyhow::Result<()>
{
    let tauri_driver = require_tools()?;
    let work = tempfile::tempdir()?;
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots)?;
    println!("screenshots and logs: {}", shots.display());

    let app_dir = work.path().join("app");
    let photo = work.path().join("street.jpg");
    std::fs::write(
        &photo,
        cgt_photo::sample::street_scene_jpeg(2400, 1800, 90, 11),
    )?;
    let mut server = Server::start(work.path().join("server"))?;

    let (_display, display) = start_display(&shots.join("xvfb.log"))?;
    let env = [
        ("DISPLAY", display),
        ("CGT_DATA_DIR", app_dir.to_string_lossy().into_owned()),
        ("CGT_SERVER_URL", server.url()),
        ("CGT_POSITION", POSITION.to_string()),
        ("RUST_LOG", "info".to_string()),
    ];
    let (_driver, port) = start_driver(&tauri_driver, &env, &shots.join("driver.log"))?;
    let screen = Screen {
        client: open_app(port, Path::new(env!("CARGO_BIN_EXE_cgt-app"))).await?,
        shots,
    };

    let outcome = story(&screen, &mut server, &photo).await;
    if outcome.is_err() {
        let _ = screen.shot("failure").await;
        if let Ok(html) = screen.client.source().await {
            let _ = std::fs::write(screen.shots.join("failure.html"), html);
        }
    }
    let _ = screen.client.clone().close().await;
    let grid = outcome?;

    // The server has the report and its photo, whole.
    let phone = cgt_client::Client::open(app_dir.join("cgt.sqlite3"))?;
    let reports = phone.reports()?;
    assert_eq!(reports.len(), 1, "one report on the phone");
    let report = &reports[0].report;
    assert_eq!((report.class, report.subclass), (1, 2), "暴露垃圾");
    assert_eq!(report.unit_grid.as_str(), grid);
    assert_eq!(report.photos.len(), 1, "the photo is part of the report");
    let admin = Admin::login(&server.url()).await?;
    let stored = admin
        .doc(report.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the server does not have report {}", report.id))?;
    let photos = stored["photos"].as_array().cloned().unwrap_or_default();
    assert_eq!(photos.len(), 1, "server's photos of the report: {photos:?}");
    assert_eq!(photos[0]["sha256"], report.photos[0].sha256.as_str());
    assert_eq!(photos[0]["arrived"], true, "the photo arrived whole");
    Ok(())
}

/// What the inspector does on the screen; returns the unit grid the app placed the report in.
async fn story(screen: &Screen, server: &mut Server, photo: &Path) -> anyhow::Result<String> {
    // First run: server address (proposed from the configuration), login, device registration.
    let proposed = screen.find("#server-url").await?.prop("value").await?;
    assert_eq!(proposed, Some(server.url()));
    screen.type_into("#username", "inspector01").await?;
    screen
        .type_into("#password", cgt_tests::fixtures::DEMO_PASSWORD)
        .await?;
    screen.shot("01-login").await?;
    screen.click("#login-button").await?;

    // The sync after login brings the grids: the position is placed in a unit grid offline.
    let grid = screen
        .wait_text(
            "#unit-grid",
            "the unit grid from the offline grid data",
            Duration::from_secs(60),
            |t| t.len() == 15 && t.bytes().all(|b| b.is_ascii_digit()),
        )
        .await?;
    assert!(
        grid.starts_with("320508001001"),
        "inspector01's grid, got {grid}"
    );

    // Offline: the server is gone.
    server.stop();
    screen.click("[id='quick-暴露垃圾']").await?;
    screen
        .find("#photo-input")
        .await?
        .send_keys(&photo.to_string_lossy())
        .await?;
    screen
        .wait_text(
            "#photo-count",
            "the photo to be picked",
            Duration::from_secs(20),
            |t| t == "1",
        )
        .await?;
    screen.shot("02-report").await?;
    screen.click("#submit-report").await?;

    // Saved on the phone, waiting to be sent.
    screen
        .wait_text(
            ".report-item",
            "the report in 我的上报",
            Duration::from_secs(60),
            |t| t.contains("暴露垃圾") && t.contains("待上传"),
        )
        .await?;
    screen.shot("03-my-reports").await?;
    screen.click("#tab-tasks").await?;
    screen.find("#tasks-empty").await?;
    screen.shot("04-tasks").await?;
    screen.click("#tab-sync").await?;
    screen
        .wait_text(
            ".pending-reports",
            "one report waiting",
            Duration::from_secs(20),
            |t| t == "1",
        )
        .await?;
    screen.shot("05-sync-offline").await?;

    // Back online on the same address; 立即同步.
    server.restart()?;
    screen.click("#sync-now").await?;
    screen
        .wait_text(
            ".pending-reports",
            "no report waiting",
            Duration::from_secs(90),
            |t| t == "0",
        )
        .await?;
    screen
        .wait_text(
            ".pending-photos",
            "no photo waiting",
            Duration::from_secs(90),
            |t| t.starts_with("0 张"),
        )
        .await?;
    screen.shot("06-sync-done").await?;
    screen.click("#tab-mine").await?;
    screen.click(".report-item").await?;
    screen
        .wait_text(
            ".photo figcaption",
            "the photo shown as sent",
            Duration::from_secs(20),
            |t| t == "已上传",
        )
        .await?;
    screen.shot("07-report-detail").await?;
    Ok(grid)
}
