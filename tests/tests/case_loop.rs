//! The case loop end to end: an inspector's report synced from a client-library device is
//! accepted, registered, dispatched (as 匹配派遣 suggests), handled with a photo; the 核查 task
//! reaches the inspector's device by sync, the device sends a pass by sync, the shift leader
//! closes the case, and the monthly evaluation shows the department's score and grade. Role and
//! state refusals answer clear 4xx naming the role and the state. 智能比对 then pairs it with a
//! second inspector's report of the same garbage 20 m away, showing that report's photo.

mod common;

use cgt_shared::caseflow::event::CaseStatus;
use cgt_shared::{DocId, Position};
use cgt_tests::fixtures::garbage_report;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::*;
use serde_json::json;

const PHOTO: &str = "5f0c3a1e9b7d2c4a6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809";

/// This month in China Standard Time, `YYYY-MM`.
fn this_month() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64;
    let day = cgt_shared::china_time::day_of(cgt_shared::Timestamp(ms));
    let date = cgt_shared::china_time::date_of_day(day).expect("a date in range");
    format!("{:04}-{:02}", date.year(), date.month())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_round_the_loop_and_scores_its_department() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let inspector = logged_in(dir.path(), "inspector01", &url, "inspector01").await?;
    let inspector_id = inspector.session()?.expect("logged in").user_id;
    let report = inspector.create_report(garbage_report())?;
    inspector.sync().await?;
    let case = format!("/api/v1/cases/{}", report.id);

    let operator = Staff::login(&url, "operator1").await?;
    let shift = Staff::login(&url, "shiftlead1").await?;
    let dispatcher = Staff::login(&url, "dispatcher1").await?;
    let handler = Staff::login(&url, "handler2").await?;
    let leader = Staff::login(&url, "leader1").await?;

    let (status, queue) = operator.get("/api/v1/cases").await?;
    assert_eq!(status, 200, "{queue}");
    let listed = &queue["items"][0];
    assert_eq!(listed["id"], report.id.to_string());
    assert_eq!(
        (listed["status_label"].as_str(), listed["warning"].as_str()),
        (Some("已上报"), Some("green"))
    );

    let (_, detail) = operator.get(&case).await?;
    let buttons: Vec<&str> = detail["allowed_actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(buttons, vec!["accept", "link_duplicate"]);

    // Refusals name the role and the state.
    let refused = operator
        .expect(&format!("{case}/register"), json!({}), 403)
        .await?;
    let message = refused["error"].as_str().expect("error message");
    assert!(
        message.contains("受理员") && message.contains("已上报") && message.contains("立案"),
        "{message}"
    );
    operator
        .expect(
            &format!("{case}/accept"),
            json!({ "note": "信息完整" }),
            200,
        )
        .await?;
    let refused = operator
        .expect(&format!("{case}/accept"), json!({}), 409)
        .await?;
    assert!(
        refused["error"].as_str().unwrap_or("").contains("已受理"),
        "{refused}"
    );
    shift
        .expect(&format!("{case}/reject"), json!({ "reason": "" }), 422)
        .await?;
    shift
        .expect(&format!("{case}/register"), json!({}), 200)
        .await?;
    shift
        .expect(&format!("{case}/dispatch"), json!({ "department": 2 }), 403)
        .await?;

    // 匹配派遣: exposed garbage goes to 环卫处.
    let (_, suggestion) = dispatcher.get(&format!("{case}/suggestions")).await?;
    assert_eq!(suggestion["department"]["name"], "环卫处", "{suggestion}");
    let department = suggestion["department"]["id"]
        .as_i64()
        .expect("department id");
    dispatcher
        .expect(
            &format!("{case}/dispatch"),
            json!({ "department": department }),
            200,
        )
        .await?;

    // The handler of 环卫处 sees it in the queue and feeds back with an after-photo.
    let (_, mine) = handler.get("/api/v1/cases").await?;
    assert_eq!(mine["total"], 1, "{mine}");
    handler
        .expect(&format!("{case}/handle"), json!({ "photos": [] }), 422)
        .await?;
    handler
        .expect(
            &format!("{case}/handle"),
            json!({ "photos": [PHOTO], "note": "已清运" }),
            200,
        )
        .await?;
    operator
        .expect(
            &format!("{case}/assign_check"),
            json!({ "inspector": inspector_id }),
            200,
        )
        .await?;

    // The 核查 task reaches the inspector's device by sync; the result goes back by sync.
    inspector.sync().await?;
    let on_device = inspector.report(report.id)?.expect("case on the device");
    assert_eq!(on_device.status, CaseStatus::Checking);
    inspector.submit_check(report.id, true, vec![PHOTO.into()], "现场已清理干净")?;
    inspector.sync().await?;
    let (_, detail) = shift.get(&case).await?;
    assert_eq!(detail["case"]["status"], "check_passed", "{detail}");
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["kind_label"].as_str())
        .collect();
    assert_eq!(
        kinds,
        vec!["受理", "立案", "派遣", "处置反馈", "派发核查", "核查"]
    );
    shift
        .expect(&format!("{case}/close"), json!({}), 200)
        .await?;
    inspector.sync().await?;
    assert_eq!(
        inspector.report(report.id)?.expect("case").status,
        CaseStatus::Closed
    );

    // 综合评价: one case, handled and closed in time, no history → full marks.
    let month = this_month();
    let (status, evaluation) = leader
        .get(&format!("/api/v1/evaluation/departments?month={month}"))
        .await?;
    assert_eq!(status, 200, "{evaluation}");
    let sanitation = evaluation["departments"]
        .as_array()
        .expect("departments")
        .iter()
        .find(|d| d["department"] == department)
        .expect("环卫处 scored")
        .clone();
    println!("环卫处 {month}: {sanitation}");
    assert_eq!(
        (
            sanitation["received"].as_u64(),
            sanitation["closed"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(sanitation["score"].as_f64(), Some(100.0));
    assert_eq!(sanitation["grade_label"], "优秀");
    let (status, csv) = leader
        .get(&format!(
            "/api/v1/evaluation/departments?month={month}&format=csv"
        ))
        .await?;
    assert_eq!(status, 200);
    assert!(
        csv.as_str().is_some_and(|c| c.contains("环卫处,1,")),
        "{csv}"
    );
    let (status, _) = handler
        .get(&format!("/api/v1/evaluation/departments?month={month}"))
        .await?;
    assert_eq!(status, 403);
    let (_, inspectors) = leader
        .get(&format!("/api/v1/evaluation/inspectors?month={month}"))
        .await?;
    let me = inspectors["inspectors"]
        .as_array()
        .expect("inspectors")
        .iter()
        .find(|i| i["inspector"] == inspector_id.to_string())
        .expect("inspector figures")
        .clone();
    assert_eq!(
        (
            me["reported"].as_u64(),
            me["valid"].as_u64(),
            me["check_tasks"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );

    // 智能比对: the same garbage reported again nearby, with a photo; each case lists the other
    // with its distance and its first photo, which the centre may fetch as a thumbnail.
    let second = logged_in(dir.path(), "inspector02", &url, "inspector02").await?;
    let mut again = garbage_report();
    again.position = Position::new(31.3105 + 20.0 / 111_195.0, 120.6210, 5.0);
    let again = second.create_report(again)?;
    let camera = cgt_photo::sample::street_scene_jpeg(800, 600, 85, 7);
    let photo = second.capture_photo(again.id, &camera)?;
    assert_eq!(second.sync().await?.photos_uploaded, 1);
    let candidate = |suggestion: &serde_json::Value, id: DocId| {
        suggestion["duplicates"]
            .as_array()
            .expect("duplicates")
            .iter()
            .find(|c| c["id"] == id.to_string())
            .cloned()
            .unwrap_or_else(|| panic!("{id} not suggested: {suggestion}"))
    };
    let (_, suggestion) = dispatcher.get(&format!("{case}/suggestions")).await?;
    let later = candidate(&suggestion, again.id);
    assert!(
        (later["distance_m"].as_f64().expect("distance") - 20.0).abs() < 1.0,
        "{later}"
    );
    assert_eq!(later["status_label"], "已上报", "{later}");
    assert_eq!(
        later["photo"],
        json!({ "sha256": photo.sha256, "arrived": true }),
        "{later}"
    );
    let (status, _) = dispatcher
        .get(&format!("/api/v1/photos/{}/thumb", photo.sha256))
        .await?;
    assert_eq!(status, 200, "the candidate's thumbnail is served");
    let (_, suggestion) = dispatcher
        .get(&format!("/api/v1/cases/{}/suggestions", again.id))
        .await?;
    let earlier = candidate(&suggestion, report.id);
    assert_eq!(
        earlier["photo"],
        serde_json::Value::Null,
        "no photo: {earlier}"
    );
    Ok(())
}
