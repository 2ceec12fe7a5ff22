//! Malformed, truncated, oversized and random requests, and invalid reports: each gets a clear
//! 4xx (or a per-document refusal) and the server keeps serving.

mod common;

use anyhow::Context;
use cgt_shared::doc::new_report_doc;
use cgt_shared::wire::{self, DocOutcome, DocPush, PushFrame};
use cgt_shared::{DocId, Report, Timestamp};
use cgt_tests::fixtures::{DEMO_PASSWORD, report_by, rng};
use cgt_tests::raw;
use cgt_tests::server_process::ServerProcess;
use common::*;
use rand::Rng;

fn valid_body(user: &raw::Login) -> Vec<u8> {
    let report = report_by(user.user_id, user.device_id.expect("device"), 5);
    let frame = PushFrame {
        docs: vec![DocPush {
            id: report.id,
            base: vec![],
            heads: vec![],
            changes: new_report_doc(&report).expect("doc").save(),
        }],
    };
    wire::encode_frames([wire::encode(&frame, 3).as_slice()])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_4xx_and_the_server_keeps_serving() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let (_, login, _) = raw::login(&url, "inspector10", DEMO_PASSWORD, Some("phone")).await?;
    let user = login.expect("login");
    let good = valid_body(&user);

    let mut wrong_version = good.clone();
    wrong_version[4 + 3] = 99;
    let oversized = vec![0u8; 20 << 20];
    let cases: Vec<(&str, &str, Vec<u8>, u16)> = vec![
        ("garbage", wire::PUSH_PATH, b"hello, server".to_vec(), 400),
        (
            "bad magic",
            wire::PUSH_PATH,
            wire::encode_frames([b"XYZ-not-ours".as_slice()]),
            400,
        ),
        (
            "truncated",
            wire::PUSH_PATH,
            good[..good.len() * 2 / 3].to_vec(),
            400,
        ),
        ("wrong version", wire::PUSH_PATH, wrong_version, 400),
        ("oversized", wire::PUSH_PATH, oversized, 413),
        (
            "pull garbage",
            wire::PULL_PATH,
            b"\x00\x01\x02".to_vec(),
            400,
        ),
        ("status garbage", wire::STATUS_PATH, b"CGT".to_vec(), 400),
    ];
    for (what, path, body, expected) in cases {
        let (status, bytes) = raw::post(&url, path, &user.token, body)
            .await
            .with_context(|| format!("case {what}"))?;
        assert_eq!(
            status,
            expected,
            "{what}: {}",
            String::from_utf8_lossy(&bytes)
        );
        let error: serde_json::Value = serde_json::from_slice(&bytes)?;
        assert!(
            error["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{what}: {error}"
        );
    }

    let mut noise = rng(6);
    for _ in 0..150 {
        let len = noise.random_range(0..2_000);
        let body: Vec<u8> = (0..len).map(|_| noise.random()).collect();
        for path in [wire::PUSH_PATH, wire::PULL_PATH, wire::STATUS_PATH] {
            let (status, _) = raw::post(&url, path, &user.token, body.clone())
                .await
                .with_context(|| format!("random body of {} bytes to {path}", body.len()))?;
            assert!(status < 500, "random body to {path} gave {status}");
        }
    }

    let (status, _) = raw::post(&url, wire::PUSH_PATH, "not-a-token", good.clone())
        .await
        .context("push without a valid token")?;
    assert_eq!(status, 401);
    let response = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 400);

    let (status, _) = raw::post(&url, wire::PUSH_PATH, &user.token, good)
        .await
        .context("the good push at the end")?;
    assert_eq!(status, 200, "a good request still works after all that");
    assert_eq!(
        reqwest::get(format!("{url}/healthz"))
            .await?
            .status()
            .as_u16(),
        200
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_reports_and_corrupt_changes_are_refused_per_document() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let (_, login, _) = raw::login(&url, "inspector11", DEMO_PASSWORD, Some("phone")).await?;
    let user = login.expect("login");

    let mut bad = Report {
        id: DocId::new(),
        kind: cgt_shared::Kind::Event,
        class: 1,
        subclass: 99,
        description: "不存在的小类".into(),
        position: cgt_shared::Position::new(31.3, 120.6, 5.0),
        unit_grid: "320508001001001".parse()?,
        component_id: None,
        photos: vec![],
        reporter: user.user_id,
        device: user.device_id.expect("device"),
        device_time: Timestamp(1_790_000_000_000),
        self_handled: false,
    };
    let invalid_category = new_report_doc(&bad)?.save();
    bad.id = DocId::new();
    bad.subclass = 2;
    bad.position.lat = 95.0;
    let invalid_position = new_report_doc(&bad)?.save();
    bad.id = DocId::new();
    bad.position.lat = 31.3;
    let fine = new_report_doc(&bad)?.save();

    let response = raw::push_docs(
        &url,
        &user.token,
        vec![
            (DocId::new(), invalid_category),
            (DocId::new(), b"definitely not automerge".to_vec()),
            (DocId::new(), invalid_position),
            (bad.id, fine),
        ],
    )
    .await?;
    let statuses: Vec<_> = response
        .outcomes
        .iter()
        .map(|o| match o {
            DocOutcome::Refused { status, reason } => {
                assert!(!reason.is_empty());
                *status
            }
            DocOutcome::Stored => 200,
            DocOutcome::MissingDeps => 0,
        })
        .collect();
    assert_eq!(
        statuses,
        vec![422, 422, 422, 200],
        "{:?}",
        response.outcomes
    );
    if let DocOutcome::Refused { reason, .. } = &response.outcomes[0] {
        assert!(reason.contains("小类"), "{reason}");
    }
    if let DocOutcome::Refused { reason, .. } = &response.outcomes[2] {
        assert!(reason.contains("纬度"), "{reason}");
    }
    Ok(())
}
