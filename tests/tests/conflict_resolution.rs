//! 冲突处理 end to end: an inspector's device records a 核查 result offline while the centre
//! reassigns the task to another inspector; the result arrives by sync and marks the case in
//! conflict. The admin sees both sides (who, role, device, device time, note, photo; the
//! centre's reassignment) and either adopts the device's result — the reassignment is set
//! aside, kept in the history — or keeps the centre's step. Only admins may do either.

mod common;

use cgt_client::Client;
use cgt_shared::DocId;
use cgt_shared::caseflow::event::CaseStatus;
use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::centre::Centre;
use cgt_tests::fixtures::{DEMO_PASSWORD, garbage_report};
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::{Value, json};

const AFTER_PHOTO: &str = "5f0c3a1e9b7d2c4a6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809";

struct Conflicted {
    case: String,
    id: DocId,
    checker: Client,
    photo: String,
    admin: Staff,
    operator: Staff,
}

/// A handled case whose 核查 task went to inspector01; their device submits a passing result
/// with a photo offline while the operator reassigns the task to inspector02; then it syncs.
async fn conflicted(dir: &std::path::Path, url: &str, seed: u64) -> anyhow::Result<Conflicted> {
    let reporter = logged_in(dir, "reporter", url, "inspector03").await?;
    let checker = logged_in(dir, "checker", url, "inspector01").await?;
    let other = logged_in(dir, "other", url, "inspector02").await?;
    let checker_id = checker.session()?.expect("logged in").user_id;
    let other_id = other.session()?.expect("logged in").user_id;
    let report = reporter.create_report(garbage_report())?;
    reporter.sync().await?;
    let case = format!("/api/v1/cases/{}", report.id);

    let centre = Centre::login(url).await?;
    centre.take_to_handled(&case, AFTER_PHOTO).await?;
    let operator = centre.operator;
    operator
        .expect(
            &format!("{case}/assign_check"),
            json!({ "inspector": checker_id }),
            200,
        )
        .await?;
    checker.sync().await?;
    assert_eq!(checker.tasks()?.len(), 1);

    // Offline on the street: the result and its photo wait on the device.
    let camera = cgt_photo::sample::street_scene_jpeg(1600, 1200, 85, seed);
    let photo = checker.capture_task_photo(report.id, &camera)?;
    checker.submit_check(
        report.id,
        true,
        vec![photo.clone()],
        "井盖已更换,现场复核通过",
    )?;
    // Meanwhile the centre, not hearing back, gives the task to someone else.
    operator
        .expect(
            &format!("{case}/assign_check"),
            json!({ "inspector": other_id, "note": "改派核查" }),
            200,
        )
        .await?;
    let sync = checker.sync().await?;
    assert_eq!(
        sync.photos_uploaded, 1,
        "the photo of the result still arrives: {sync:?}"
    );
    Ok(Conflicted {
        case,
        id: report.id,
        checker,
        photo,
        admin: Staff::login(url, "admin").await?,
        operator,
    })
}

fn kinds(detail: &Value) -> Vec<(String, bool)> {
    detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or_default().to_string(),
                e["superseded"].as_bool().expect("superseded flag"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_adopts_an_offline_check_result_that_was_overtaken() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let c = conflicted(dir.path(), &url, 21).await?;
    let conflict_path = format!("{}/conflict", c.case);

    let (_, listed) = c.admin.get("/api/v1/conflicts").await?;
    assert_eq!(listed["total"], 1, "{listed}");
    let listed: Vec<&str> = listed["items"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert_eq!(listed, vec![c.id.to_string()]);

    let (status, view) = c.admin.get(&conflict_path).await?;
    assert_eq!(status, 200, "{view}");
    let device = &view["device"];
    assert_eq!(device["label"], "核查结果", "{view}");
    assert_eq!(device["passed"], true);
    assert_eq!(device["note"], "井盖已更换,现场复核通过");
    assert_eq!(device["role_label"], "监督员");
    assert!(
        device["user_name"].as_str().is_some_and(|n| !n.is_empty()),
        "{device}"
    );
    assert!(device["device_name"].as_str().is_some(), "{device}");
    assert_eq!(device["photos"][0]["sha256"], c.photo.as_str());
    assert_eq!(device["photos"][0]["arrived"], true);
    let overtaking = view["overtaking"].as_array().expect("overtaking");
    assert_eq!(overtaking.len(), 1, "{view}");
    assert_eq!(overtaking[0]["kind"], "CheckAssigned");
    assert_eq!(overtaking[0]["note"], "改派核查");
    assert_eq!(view["adoptable"], true, "{view}");
    assert!(
        view["marker"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("冲突")),
        "{view}"
    );

    // Only admins; a bad choice is refused before anything is written.
    let (status, _) = c.operator.get(&conflict_path).await?;
    assert_eq!(status, 403);
    let (status, _) = c
        .operator
        .post(
            &format!("{}/resolve_conflict", c.case),
            json!({ "outcome": "adopt" }),
        )
        .await?;
    assert_eq!(status, 403);
    let (status, answer) = c
        .admin
        .post(
            &format!("{}/resolve_conflict", c.case),
            json!({ "outcome": "both" }),
        )
        .await?;
    assert_eq!(status, 422, "{answer}");

    let resolved = c
        .admin
        .expect(
            &format!("{}/resolve_conflict", c.case),
            json!({ "outcome": "adopt", "note": "核查在改派前已完成,采纳" }),
            200,
        )
        .await?;
    assert_eq!(resolved["status"], "check_passed", "{resolved}");
    assert_eq!(resolved["in_conflict"], false);

    let (_, detail) = c.admin.get(&c.case).await?;
    let history = kinds(&detail);
    let tail: Vec<(&str, bool)> = history[history.len() - 4..]
        .iter()
        .map(|(k, s)| (k.as_str(), *s))
        .collect();
    assert_eq!(
        tail,
        vec![
            ("CheckAssigned", true),
            ("ConflictMarked", false),
            ("ConflictResolved", false),
            ("Checked", false),
        ],
        "{detail}"
    );
    let last = detail["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("last");
    assert_eq!(last["data"]["photos"][0], c.photo.as_str());
    assert!(
        last["command"].is_string(),
        "the adopted step names the device's command"
    );
    let resolution = &detail["history"][history.len() - 2];
    assert_eq!(resolution["outcome_label"], "采纳设备操作");
    assert_eq!(resolution["note"], "核查在改派前已完成,采纳");

    let (status, _) = c.admin.get(&conflict_path).await?;
    assert_eq!(status, 409, "no conflict any more");
    c.checker.sync().await?;
    let on_device = c.checker.report(c.id)?.expect("case on the device");
    assert_eq!(on_device.status, CaseStatus::CheckPassed);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_keeps_the_centres_reassignment() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let c = conflicted(dir.path(), &url, 22).await?;

    let resolved = c
        .admin
        .expect(
            &format!("{}/resolve_conflict", c.case),
            json!({ "outcome": "keep", "note": "以改派后的核查为准" }),
            200,
        )
        .await?;
    assert_eq!(resolved["status"], "checking", "{resolved}");
    assert_eq!(resolved["in_conflict"], false);
    let (_, detail) = c.admin.get(&c.case).await?;
    assert!(
        kinds(&detail).iter().all(|(_, superseded)| !superseded),
        "{detail}"
    );
    let last = detail["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("last");
    assert_eq!(last["kind"], "ConflictResolved");
    assert_eq!(last["outcome_label"], "维持中心处理");

    let other = logged_in(dir.path(), "other", &url, "inspector02").await?;
    other.sync().await?;
    assert_eq!(
        other.tasks()?.len(),
        1,
        "the reassigned inspector still has the task"
    );
    let (_, list) = c.admin.get("/api/v1/conflicts").await?;
    assert_eq!((&list["items"], &list["total"]), (&json!([]), &json!(0)));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_settles_a_conflict_in_the_console() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let c = conflicted(dir.path(), &url, 23).await?;

    let shots = screenshots_dir("console-conflicts")?;
    println!("screenshots: {}", shots.display());
    let seen = tokio::task::spawn_blocking({
        let (url, shots) = (url.clone(), shots.clone());
        move || {
            run_scenario(
                "conflicts",
                &url,
                &shots,
                &[("CGT_DEMO_PASSWORD", DEMO_PASSWORD)],
            )
        }
    })
    .await??;

    assert_eq!(seen["deviceAction"], "核查结果", "{seen}");
    let device_side = seen["deviceSide"].as_str().unwrap_or_default();
    assert!(device_side.contains("井盖已更换"), "{seen}");
    assert!(device_side.contains("监督员"), "{seen}");
    let centre = seen["centreSteps"].to_string();
    assert!(
        centre.contains("派发核查") && centre.contains("改派核查"),
        "{seen}"
    );
    assert_eq!(seen["statusBefore"], "待核查");
    assert_eq!(seen["statusAfter"], "待结案");
    assert_eq!(seen["setAside"], json!(["派发核查"]), "{seen}");
    assert_eq!(seen["outcomes"], json!(["采纳设备操作"]), "{seen}");
    assert_eq!(seen["panelGone"], true);
    let (_, detail) = c.admin.get(&c.case).await?;
    assert_eq!(detail["case"]["status"], "check_passed");
    for name in ["conflict", "conflict-adopted"] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    Ok(())
}
