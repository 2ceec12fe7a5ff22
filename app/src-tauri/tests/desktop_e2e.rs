//! The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver: an
//! inspector logs in, the server goes down, a report with a photo is made offline, the server
//! comes back, 立即同步 sends everything, and the server holds the report and the photo. A
//! second story records a patrol shift from a GPX walk (上班, points appear, 下班, 立即同步)
//! and the server's replay API returns the day's track with the points the app shows.
//! Screenshots of the main screens (and logs) go to the folder the test prints.

mod desktop;

use cgt_client::Clock;
use cgt_tests::admin::Admin;
use cgt_tests::inprocess::InProcessServer;
use cgt_tests::staff::Staff;
use desktop::{Driver, Guarded, Screen, open_app, require_tools, start_display, start_driver};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::task::block_in_place;

/// Inside inspector01's work grid (人民路) of the demo city.
const POSITION: &str = "fixed:31.32,120.619,8";
/// For what the screen shows soon after a tap.
const WAIT_SHORT: Duration = Duration::from_secs(20);

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

/// The app running under its own display and driver, closed (with a screenshot and the page
/// source on failure) by [`Running::finish`].
struct Running {
    screen: Screen,
    _driver: Driver,
    _display: Guarded,
}

/// Starts the app with its data in `app_dir`, talking to `server`, with the extra settings.
async fn launch(
    app_dir: &Path,
    server: &Server,
    settings: &[(&str, String)],
) -> anyhow::Result<Running> {
    let tauri_driver = require_tools()?;
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots)?;
    println!("screenshots and logs: {}", shots.display());
    let (display_guard, display) = start_display(&shots.join("xvfb.log"))?;
    let mut env = vec![
        ("DISPLAY", display),
        ("CGT_DATA_DIR", app_dir.to_string_lossy().into_owned()),
        ("CGT_SERVER_URL", server.url()),
        ("RUST_LOG", "info".to_string()),
    ];
    env.extend(settings.iter().cloned());
    // The driver's two ports are picked free but bound later, so a busy machine running other
    // tests can take one in between: start again on new ports rather than fail.
    let mut attempts = 0;
    let (driver, client) = loop {
        attempts += 1;
        let (driver, port) = start_driver(&tauri_driver, &env, &shots.join("driver.log"))?;
        match open_app(port, Path::new(env!("CARGO_BIN_EXE_cgt-app"))).await {
            Ok(client) => break (driver, client),
            Err(e) if attempts < 3 => println!("starting the app again after: {e:#}"),
            Err(e) => return Err(e),
        }
    };
    Ok(Running {
        screen: Screen { client, shots },
        _driver: driver,
        _display: display_guard,
    })
}

impl Running {
    /// Closes the app; when the story failed, keeps a screenshot and the page first.
    async fn finish<T>(self, outcome: anyhow::Result<T>) -> anyhow::Result<T> {
        if outcome.is_err() {
            let _ = self.screen.shot("failure").await;
            if let Ok(html) = self.screen.client.source().await {
                let _ = std::fs::write(self.screen.shots.join("failure.html"), html);
            }
        }
        let _ = self.screen.client.clone().close().await;
        outcome
    }
}

/// First run: server address (proposed from the configuration), login, device registration.
async fn log_in(screen: &Screen, server: &Server, shot: Option<&str>) -> anyhow::Result<()> {
    let proposed = screen.find("#server-url").await?.prop("value").await?;
    assert_eq!(proposed, Some(server.url()));
    screen.type_into("#username", "inspector01").await?;
    screen
        .type_into("#password", cgt_tests::fixtures::DEMO_PASSWORD)
        .await?;
    if let Some(name) = shot {
        screen.shot(name).await?;
    }
    screen.click("#login-button").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_made_offline_in_the_app_reaches_the_server_with_its_photo() -> anyhow::Result<()>
{
    let work = tempfile::tempdir()?;
    let app_dir = work.path().join("app");
    let photo = work.path().join("street.jpg");
    std::fs::write(
        &photo,
        cgt_photo::sample::street_scene_jpeg(2400, 1800, 90, 11),
    )?;
    let mut server = Server::start(work.path().join("server"))?;
    let app = launch(&app_dir, &server, &[("CGT_POSITION", POSITION.to_string())]).await?;
    let outcome = story(&app.screen, &mut server, &photo).await;
    let grid = app.finish(outcome).await?;

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
    log_in(screen, server, Some("01-login")).await?;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patrol_shift_recorded_in_the_app_is_replayed_by_the_server() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let app_dir = work.path().join("app");
    // A walk starting now, longer than the test: the app replays it as time passes.
    let started = cgt_client::SystemClock.now();
    let gpx = work.path().join("walk.gpx");
    std::fs::write(&gpx, cgt_tests::fixtures::walk_gpx(started.millis(), 900))?;
    let server = Server::start(work.path().join("server"))?;
    let settings = [
        ("CGT_POSITION", format!("gpx:{}", gpx.display())),
        ("CGT_RECORD_INTERVAL_S", "2".to_string()),
    ];
    let app = launch(&app_dir, &server, &settings).await?;
    let outcome = patrol_story(&app.screen, &server).await;
    let shown = app.finish(outcome).await?;

    // The phone's store holds the points the screen showed, all sent.
    let phone = cgt_client::Client::open(app_dir.join("cgt.sqlite3"))?;
    let patrol = phone
        .today_patrol()?
        .ok_or_else(|| anyhow::anyhow!("no shift on the phone"))?;
    assert_eq!(patrol.points, shown);
    assert!(patrol.shift.ended_at.is_some(), "下班 ended the shift");
    assert_eq!(patrol.unsent_segments, 0);

    // The supervisor replays inspector01's day: the same points, the same distance.
    let supervisor = Staff::login(&server.url(), "supervisor1").await?;
    let date = cgt_shared::china_time::date_text(started);
    let (status, day) = supervisor
        .get(&format!("/api/v1/tracks/people/inspector01/days/{date}"))
        .await?;
    assert_eq!(status, 200, "{day}");
    assert_eq!(day["summary"]["points"], serde_json::json!(shown), "{day}");
    let distance = day["summary"]["distance_m"].as_f64().unwrap_or(-1.0);
    assert!(
        (distance - patrol.distance_m).abs() < 1.0,
        "server {distance} m, phone {} m",
        patrol.distance_m
    );
    assert_eq!(day["shifts"][0]["id"], serde_json::json!(patrol.shift.id));
    let range = format!(
        "from={}&to={}&zoom=22",
        started.millis() - 60_000,
        cgt_client::SystemClock.now().millis() + 60_000
    );
    let (status, track) = supervisor
        .get(&format!("/api/v1/tracks/people/inspector01?{range}"))
        .await?;
    assert_eq!(status, 200, "{track}");
    assert_eq!(track["total_points"], serde_json::json!(shown), "{track}");
    Ok(())
}

/// 上班, wait for points, 下班, 立即同步; returns the number of points the patrol screen shows.
async fn patrol_story(screen: &Screen, server: &Server) -> anyhow::Result<usize> {
    log_in(screen, server, None).await?;
    screen.click("#tab-patrol").await?;
    screen.click("#start-shift").await?;
    screen
        .wait_text(
            ".patrol-points",
            "the recorder to store some points",
            Duration::from_secs(60),
            |t| t.parse::<usize>().is_ok_and(|n| n >= 4),
        )
        .await?;
    screen
        .wait_text(".patrol-health", "healthy recording", WAIT_SHORT, |t| {
            t == "正在记录"
        })
        .await?;
    screen.shot("10-patrol-recording").await?;

    screen.click("#end-shift").await?;
    screen.click(".van-dialog__confirm").await?;
    screen
        .wait_text(".shift-state", "the shift to end", WAIT_SHORT, |t| {
            t == "已下班"
        })
        .await?;
    let shown: usize = screen.find(".patrol-points").await?.text().await?.parse()?;

    screen.click("#tab-sync").await?;
    screen.click("#sync-now").await?;
    screen
        .wait_text(
            "#sync-outcome",
            "the sync to finish",
            Duration::from_secs(90),
            |t| !t.is_empty(),
        )
        .await?;
    screen.click("#tab-patrol").await?;
    screen
        .wait_text(
            ".patrol-unsent",
            "every segment sent",
            Duration::from_secs(60),
            |t| t.starts_with("0 /"),
        )
        .await?;
    let after: usize = screen.find(".patrol-points").await?.text().await?.parse()?;
    assert_eq!(after, shown, "no point recorded after 下班");
    // The sync's toast (2 s) would cover the figures.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    screen.shot("11-patrol-synced").await?;
    Ok(shown)
}
