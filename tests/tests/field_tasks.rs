//! 核实 and 核查 tasks on the inspector's device: the centre assigns a task, the case reaches the
//! device by sync and `tasks()` lists it; with the server down the inspector takes an on-site
//! photo and submits the result; at the next sync the result reaches the server first, then the
//! photo, which the server accepts (the command references it) and stores whole. The report
//! part, another inspector's, is left untouched.

mod common;

use cgt_client::{Client, TaskKind};
use cgt_shared::DocId;
use cgt_shared::caseflow::event::CaseStatus;
use cgt_tests::centre::Centre;
use cgt_tests::fixtures::{DEMO_PASSWORD, garbage_report};
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::json;
use sha2::{Digest, Sha256};

/// A 处置 after-photo the handler names (the server does not need its bytes for this test).
const AFTER_PHOTO: &str = "5f0c3a1e9b7d2c4a6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809";
/// The unit grid of [`garbage_report`].
const GRID: &str = "320508001001001";

/// Takes an on-site photo for the task on `case` and checks it is queued and held back until a
/// result references it.
fn take_task_photo(device: &Client, case: DocId, seed: u64) -> anyhow::Result<String> {
    let camera = cgt_photo::sample::street_scene_jpeg(2000, 1500, 90, seed);
    let sha = device.capture_task_photo(case, &camera)?;
    let queued = device
        .pending_photos()?
        .into_iter()
        .find(|p| p.sha256 == sha)
        .expect("the task photo is queued");
    assert_eq!(queued.report_id, case);
    assert_eq!(queued.reason.as_deref(), Some("等待提交任务结果后上传"));
    Ok(sha)
}

/// The photo as the server serves it to a centre user: present, whole, hash verified.
async fn assert_stored(url: &str, sha: &str, device: &Client) -> anyhow::Result<()> {
    let (_, login, text) = cgt_tests::raw::login(url, "shiftlead1", DEMO_PASSWORD, None).await?;
    let token = login.ok_or_else(|| anyhow::anyhow!("login: {text}"))?.token;
    let response = reqwest::Client::new()
        .get(format!("{url}/api/v1/photos/{sha}"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(response.status(), 200, "photo {sha}");
    let bytes = response.bytes().await?;
    assert_eq!(hex::encode(Sha256::digest(&bytes)), sha);
    assert_eq!(device.photo(sha)?.as_deref(), Some(bytes.as_ref()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_task_is_done_offline_with_a_photo() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let reporter = logged_in(dir.path(), "reporter", &url, "inspector02").await?;
    let checker = logged_in(dir.path(), "checker", &url, "inspector01").await?;
    let checker_id = checker.session()?.expect("logged in").user_id;
    let report = reporter.create_report(garbage_report())?;
    reporter.sync().await?;
    let case = format!("/api/v1/cases/{}", report.id);

    let centre = Centre::login(&url).await?;
    let (operator, shift) = (&centre.operator, &centre.shift_leader);
    centre.take_to_handled(&case, AFTER_PHOTO).await?;

    checker.sync().await?;
    assert!(checker.tasks()?.is_empty(), "no task before it is assigned");
    operator
        .expect(
            &format!("{case}/assign_check"),
            json!({ "inspector": checker_id, "note": "请今日核查" }),
            200,
        )
        .await?;

    checker.sync().await?;
    let tasks = checker.tasks()?;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let task = &tasks[0];
    assert_eq!(
        (
            task.id,
            task.kind,
            task.label.as_str(),
            task.category.as_str()
        ),
        (report.id, TaskKind::Check, "核查", "暴露垃圾")
    );
    assert_eq!(task.report.unit_grid.to_string(), GRID);
    assert_eq!(task.note, "请今日核查");
    assert!(
        reporter.tasks()?.is_empty(),
        "the task is not the reporter's"
    );

    // No signal: photo and result stay on the device.
    server.kill();
    let sha = take_task_photo(&checker, report.id, 11)?;
    checker.submit_check(report.id, true, vec![sha.clone()], "现场已清理干净")?;
    assert!(checker.tasks()?.is_empty(), "a result is on its way");
    assert!(checker.sync().await.is_err(), "the server is down");
    assert_eq!(checker.pending_photos()?.len(), 1);

    server.restart()?;
    let sync = checker.sync().await?;
    assert_eq!(sync.photos_uploaded, 1, "{sync:?}");
    assert!(checker.pending_photos()?.is_empty());
    let on_device = checker.report(report.id)?.expect("case on the device");
    assert_eq!(on_device.status, CaseStatus::CheckPassed);
    assert!(
        on_device.report.photos.is_empty(),
        "the report part is untouched"
    );
    let checked = on_device.events.last().expect("history");
    assert_eq!(checked.data.photos, vec![sha.clone()]);
    assert!(checker.tasks()?.is_empty());

    let (_, detail) = shift.get(&case).await?;
    assert_eq!(detail["case"]["status"], "check_passed", "{detail}");
    shift
        .expect(&format!("{case}/close"), json!({}), 200)
        .await?;
    assert_stored(&url, &sha, &checker).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_task_of_a_hotline_case_is_answered_with_a_photo() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let verifier = logged_in(dir.path(), "verifier", &url, "inspector01").await?;
    let verifier_id = verifier.session()?.expect("logged in").user_id;
    let operator = Staff::login(&url, "operator1").await?;
    let created = operator
        .expect(
            "/api/v1/cases",
            json!({
                "source": "hotline",
                "kind": "event",
                "class": 1,
                "subclass": 2,
                "description": "市民来电:小区门口垃圾堆了三天",
                "lat": 31.3105,
                "lon": 120.6210,
                "unit_grid": GRID,
                "contact_name": "王女士",
            }),
            201,
        )
        .await?;
    let id: DocId = created["id"].as_str().expect("case id").parse()?;
    let case = format!("/api/v1/cases/{id}");
    operator
        .expect(
            &format!("{case}/accept"),
            json!({ "verifier": verifier_id }),
            200,
        )
        .await?;

    verifier.sync().await?;
    let tasks = verifier.tasks()?;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!((tasks[0].id, tasks[0].kind), (id, TaskKind::Verify));
    assert!(
        tasks[0].summary.contains("暴露垃圾"),
        "{}",
        tasks[0].summary
    );

    let sha = take_task_photo(&verifier, id, 12)?;
    verifier.submit_verification(id, true, vec![sha.clone()], "现场确有垃圾")?;
    let sync = verifier.sync().await?;
    assert_eq!(sync.photos_uploaded, 1, "{sync:?}");
    assert!(verifier.tasks()?.is_empty());
    let (_, detail) = operator.get(&case).await?;
    assert_eq!(detail["case"]["status"], "accepted", "{detail}");
    assert_stored(&url, &sha, &verifier).await?;
    Ok(())
}
