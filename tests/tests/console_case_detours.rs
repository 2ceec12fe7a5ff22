//! The loop's detours in the console, in chromium: a video capture entered with the 案件录入
//! form, 延期 requested and approved, 回退 and re-dispatch, 挂账 and 恢复, 督办 — each through
//! the buttons of the role that may take it — and the server's history agrees step by step.

mod common;

use cgt_tests::browser::{run_scenario, screenshots_dir};
use cgt_tests::fixtures::DEMO_PASSWORD;
use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;
use common::server_binary;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extension_return_hold_and_supervision_through_the_console() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let shots = screenshots_dir("console-case-detours")?;
    println!("screenshots: {}", shots.display());
    let seen = tokio::task::spawn_blocking({
        let (url, shots) = (url.clone(), shots.clone());
        move || {
            run_scenario(
                "case_detours",
                &url,
                &shots,
                &[("CGT_DEMO_PASSWORD", DEMO_PASSWORD)],
            )
        }
    })
    .await??;

    assert_eq!(seen["entered"], "已上报", "{seen}");
    let handler_buttons = seen["handlerButtons"].to_string();
    for action in ["handle", "request_extension", "return"] {
        assert!(handler_buttons.contains(action), "{seen}");
    }
    assert_eq!(seen["requested"], "申请延期", "{seen}");
    assert_eq!(seen["approved"], "批准延期", "{seen}");
    assert_eq!(seen["returned"], "待派遣", "{seen}");
    assert_eq!(seen["redispatched"], "处置中", "{seen}");
    assert_eq!(seen["held"], "挂账", "{seen}");
    assert_eq!(
        seen["onHoldButtons"],
        json!(["resume"]),
        "on hold only 恢复: {seen}"
    );
    assert_eq!(seen["onHoldFlags"], json!(["挂账中"]), "{seen}");
    assert_eq!(seen["resumed"], "恢复", "{seen}");
    assert_eq!(seen["supervised"], "督办", "{seen}");
    assert!(
        seen["supervisionRow"]
            .as_str()
            .is_some_and(|r| r.contains("处置中")),
        "{seen}"
    );

    // The server's record of the same case, step by step.
    let leader = Staff::login(&url, "leader1").await?;
    let id = seen["id"].as_str().expect("case id");
    let (status, detail) = leader.get(&format!("/api/v1/cases/{id}")).await?;
    assert_eq!(status, 200, "{detail}");
    let steps: Vec<&str> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["kind_label"].as_str())
        .collect();
    assert_eq!(
        steps,
        [
            "来源登记",
            "受理",
            "立案",
            "派遣",
            "申请延期",
            "批准延期",
            "回退",
            "派遣",
            "挂账",
            "恢复",
            "督办"
        ],
        "{detail}"
    );
    assert_eq!(
        seen["history"],
        json!(steps),
        "the console shows the server's history"
    );
    let history = detail["history"].as_array().expect("history");
    let of = |label: &str| -> &Value {
        history
            .iter()
            .find(|e| e["kind_label"] == label)
            .expect(label)
    };
    assert_eq!(of("申请延期")["data"]["hours"], 16);
    assert_eq!(of("回退")["note"], "占道经营属市场监管职责");
    assert_eq!(of("挂账")["note"], "等待联合执法排期");
    assert_eq!(detail["case"]["source"], "video");
    assert_eq!(detail["case"]["supervised"], true);
    assert_eq!(detail["case"]["on_hold"], false);
    for name in ["entry", "on-hold", "detail-detours", "supervision"] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
    Ok(())
}
