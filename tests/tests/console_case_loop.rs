//! The case loop in the console, in chromium: an inspector's report with a photo, synced from a
//! client-library device, is accepted by the operator, registered by the shift leader,
//! dispatched by the dispatcher as 匹配派遣 suggests and handled with an after-photo by the
//! department's handler, all through the console's buttons; the 核查 task reaches the
//! inspector's device by sync and the pass goes back by sync; the shift leader closes the case
//! in the console, and the leader's evaluation page shows the department's score and grade as
//! the evaluation API computes them.

mod common;

use cgt_client::NewReport;
use cgt_shared::caseflow::event::CaseStatus;
use cgt_shared::{GridCode, Kind, Position, Timestamp};
use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::{logged_in, server_binary};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use serde_json::Value;
use std::path::Path;

const DESCRIPTION: &str = "观前街东段暴露垃圾，请尽快清运";

/// A small JPEG whose colours depend on `tint`, so two photos differ.
fn jpeg(tint: u8) -> Vec<u8> {
    let image = RgbImage::from_fn(640, 480, |x, y| Rgb([(x / 3) as u8, (y / 2) as u8, tint]));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("encodes");
    out
}

fn report() -> NewReport {
    NewReport {
        kind: Kind::Event,
        class: 1,
        subclass: 2,
        description: DESCRIPTION.into(),
        position: Position::new(31.3105, 120.6210, 5.0),
        unit_grid: "320508001001001".parse::<GridCode>().expect("grid"),
        component_id: None,
        photos: Vec::new(),
        self_handled: false,
    }
}

/// Runs a scenario of `tests/console/` off the async runtime.
async fn scenario(
    name: &str,
    url: &str,
    shots: &Path,
    env: Vec<(&'static str, String)>,
) -> anyhow::Result<Value> {
    let (name, url, shots) = (name.to_string(), url.to_string(), shots.to_path_buf());
    tokio::task::spawn_blocking(move || {
        let mut all: Vec<(&str, &str)> = vec![("CGT_DEMO_PASSWORD", DEMO_PASSWORD)];
        all.extend(env.iter().map(|(k, v)| (*k, v.as_str())));
        run_scenario(&name, &url, &shots, &all)
    })
    .await?
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_takes_a_synced_report_round_the_loop_to_its_score() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let inspector = logged_in(dir.path(), "inspector01", &url, "inspector01").await?;
    let case = inspector.create_report(report())?;
    let before = inspector.add_photo(
        case.id,
        jpeg(40),
        Timestamp(1_790_000_000_000),
        report().position,
    )?;
    inspector.sync().await?;
    let after_photo = dir.path().join("after.jpg");
    std::fs::write(&after_photo, jpeg(200))?;

    let shots = screenshots_dir("console-case-loop")?;
    println!("screenshots: {}", shots.display());

    // 受理 → 立案 → 派遣 → 处置反馈 → 派发核查, each by its role in the console.
    let handled = scenario(
        "case_loop_handle",
        &url,
        &shots,
        vec![
            ("CGT_CASE_ID", case.id.to_string()),
            ("CGT_AFTER_PHOTO", after_photo.display().to_string()),
        ],
    )
    .await?;
    println!("handled: {handled}");
    let queue = &handled["operatorQueue"];
    assert_eq!(queue["description"], DESCRIPTION, "{handled}");
    assert_eq!(queue["status"], "已上报", "{handled}");
    assert_eq!(queue["warning"], "绿灯", "{handled}");
    assert_eq!(
        strings(&handled["operatorButtons"]),
        ["accept", "link_duplicate"],
        "{handled}"
    );
    assert_eq!(
        handled["beforePhotos"], 1,
        "the inspector's photo shows: {handled}"
    );
    assert_eq!(handled["suggested"], "匹配派遣建议：环卫处", "{handled}");
    assert_eq!(handled["dispatchedTo"], "环卫处", "{handled}");
    assert_eq!(handled["handlerQueue"], 1, "{handled}");
    assert_eq!(
        handled["afterPhotos"], 1,
        "the handler's photo shows: {handled}"
    );
    assert_eq!(handled["statusAfterHandling"], "已处置", "{handled}");
    assert_eq!(handled["statusAfterCheckTask"], "待核查", "{handled}");

    // The 核查 task reaches the device by sync; the pass goes back by sync.
    inspector.sync().await?;
    let on_device = inspector.report(case.id)?.expect("case on the device");
    assert_eq!(on_device.status, CaseStatus::Checking);
    inspector.submit_check(case.id, true, Vec::new(), "现场已清理干净")?;
    inspector.sync().await?;

    let closed = scenario(
        "case_loop_close",
        &url,
        &shots,
        vec![("CGT_CASE_ID", case.id.to_string())],
    )
    .await?;
    println!("closed: {closed}");
    assert_eq!(closed["statusBeforeClosing"], "待结案", "{closed}");
    assert_eq!(strings(&closed["closeButtons"]), ["close"], "{closed}");
    assert_eq!(closed["statusAfterClosing"], "已结案", "{closed}");
    assert_eq!(
        strings(&closed["history"]),
        [
            "受理",
            "立案",
            "派遣",
            "处置反馈",
            "派发核查",
            "核查",
            "结案"
        ],
        "{closed}"
    );
    let photo_names = strings(&closed["historyPhotos"]).len();
    assert_eq!(
        photo_names, 1,
        "the 处置反馈 step carries its photo: {closed}"
    );
    inspector.sync().await?;
    assert_eq!(
        inspector.report(case.id)?.expect("case").status,
        CaseStatus::Closed
    );
    assert!(
        inspector
            .report(case.id)?
            .expect("case")
            .report
            .photos
            .contains(&before),
        "the report keeps its before-photo"
    );

    // What the page shows is what the evaluation API computes for the department.
    let leader = Staff::login(&url, "leader1").await?;
    let month = closed["month"].as_str().expect("month shown").to_string();
    let (status, evaluation) = leader
        .get(&format!("/api/v1/evaluation/departments?month={month}"))
        .await?;
    assert_eq!(status, 200, "{evaluation}");
    let sanitation = evaluation["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .find(|d| d["department_name"] == "环卫处")
        .expect("环卫处 scored")
        .clone();
    let shown = &closed["evaluation"]["环卫处"];
    let score = sanitation["score"].as_f64().expect("score");
    assert_eq!(shown["score"], format!("{score:.2}"), "{closed}");
    assert_eq!(shown["grade"], sanitation["grade_label"], "{closed}");
    assert_eq!(
        (shown["received"].as_str(), shown["closed"].as_str()),
        (Some("1"), Some("1"))
    );
    assert_eq!(
        (score, sanitation["grade_label"].as_str()),
        (100.0, Some("优秀"))
    );
    assert!(closed["chartDrawn"].as_bool().unwrap_or(false), "{closed}");
    assert!(
        closed["csv"]
            .as_str()
            .is_some_and(|c| c.contains("环卫处,1,")),
        "{closed}"
    );
    assert_eq!(
        closed["mapCases"].as_str().map(|s| s.contains("在办案件")),
        Some(true),
        "{closed}"
    );
    assert_eq!(closed["conflicts"], "暂无冲突案件", "{closed}");

    for name in [
        "queue",
        "detail",
        "detail-handled",
        "detail-closed",
        "map",
        "evaluation",
        "conflicts",
    ] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    Ok(())
}
