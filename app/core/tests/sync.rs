//! Sync stories against an in-memory server: offline reports going out, edits, refusals, lost
//! answers, lost data, server changes coming back, revoked devices, retries.

mod support;

use cgt_client::{ClientError, SyncState};
use cgt_shared::caseflow::event::CaseStatus;
use cgt_shared::wire::{PULL_PATH, PUSH_PATH, STATUS_PATH};
use std::time::Duration;
use support::{FakeServer, PASSWORD, Phone, REFUSE_MARKER, SERVER_TIME, USERNAME, garbage};

#[tokio::test]
async fn login_registers_the_phone_once_and_keeps_its_device_id() {
    let server = FakeServer::start().await;
    let phone = Phone::new();
    let refused = phone
        .client
        .login(&server.url, USERNAME, "wrong", "测试手机")
        .await
        .unwrap_err();
    assert_eq!(refused.to_string(), "登录失败: 用户名或密码错误");
    assert!(phone.client.session().unwrap().is_none());

    let first = phone
        .client
        .login(&format!("{}/", server.url), USERNAME, PASSWORD, "测试手机")
        .await
        .unwrap();
    assert_eq!(first.server_url, server.url);
    assert_eq!(first.user_id, server.user_id);
    assert_eq!(first.display_name, "张三");
    assert_eq!(first.roles, vec![cgt_shared::Role::Inspector]);
    let again = phone
        .client
        .login(&server.url, USERNAME, PASSWORD, "测试手机")
        .await
        .unwrap();
    assert_eq!(again.device_id, first.device_id);
    assert_eq!(
        server.login_device_ids(),
        vec![None, None, Some(first.device_id)]
    );
    assert_eq!(phone.reopen().session().unwrap(), Some(again));
}

#[tokio::test]
async fn reports_made_offline_go_out_in_one_round_trip() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    server.requests();
    let reports: Vec<_> = (0..3)
        .map(|i| {
            phone
                .client
                .create_report(garbage(&format!("第{i}处暴露垃圾")))
                .unwrap()
        })
        .collect();

    let sync = phone.client.sync().await.unwrap();
    assert_eq!((sync.round_trips, sync.pushed, sync.stored), (1, 3, 3));
    assert_eq!((sync.pulled, sync.refused.len()), (0, 0));
    assert!(sync.bytes_sent > 0 && sync.bytes_received > 0);
    assert_eq!(server.requests(), vec![PUSH_PATH]);
    for report in &reports {
        assert_eq!(server.report(report.id).as_ref(), Some(report));
        let view = phone.client.report(report.id).unwrap().unwrap();
        assert_eq!(view.sync, SyncState::Synced);
        assert_eq!(view.received_at, Some(SERVER_TIME));
    }
    assert!(phone.client.pending().unwrap().is_empty());
    assert!(server.pushed().iter().all(|p| p.base.is_empty()));

    let idle = phone.client.sync().await.unwrap();
    assert_eq!((idle.round_trips, idle.pushed, idle.pulled), (1, 0, 0));
}

#[tokio::test]
async fn an_edit_sends_only_what_the_server_lacks() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    let report = phone.client.create_report(garbage("路口暴露垃圾")).unwrap();
    let first = phone.client.sync().await.unwrap();
    server.pushed();

    phone
        .client
        .edit_report(report.id, |r| r.self_handled = true)
        .unwrap();
    assert_eq!(phone.client.pending().unwrap().len(), 1);
    let second = phone.client.sync().await.unwrap();
    assert_eq!(second.stored, 1);
    assert!(second.bytes_sent < first.bytes_sent);
    let pushed = server.pushed();
    assert_eq!(pushed.len(), 1);
    assert!(!pushed[0].base.is_empty() && !pushed[0].heads.is_empty());
    assert!(server.report(report.id).unwrap().self_handled);
    assert!(phone.client.pending().unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_report_is_shown_and_waits_for_an_edit() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    let report = phone
        .client
        .create_report(garbage(&format!("{REFUSE_MARKER}的垃圾")))
        .unwrap();

    let sync = phone.client.sync().await.unwrap();
    let reason = "服务器拒收 (422): 上报内容无效: 测试拒收";
    assert_eq!(sync.refused, vec![(report.id, reason.to_string())]);
    let pending = phone.client.pending().unwrap();
    assert_eq!(pending[0].state, SyncState::Refused);
    assert_eq!(pending[0].reason.as_deref(), Some(reason));
    assert_eq!(server.doc_count(), 0);

    let again = phone.client.sync().await.unwrap();
    assert_eq!(again.pushed, 0, "a refusal is not retried by itself");

    phone
        .client
        .edit_report(report.id, |r| r.description = "路口暴露垃圾".into())
        .unwrap();
    assert_eq!(phone.client.pending().unwrap()[0].state, SyncState::Pending);
    let fixed = phone.client.sync().await.unwrap();
    assert_eq!(fixed.stored, 1);
    let view = phone.client.report(report.id).unwrap().unwrap();
    assert_eq!((view.sync, view.error), (SyncState::Synced, None));
}

#[tokio::test]
async fn a_server_that_lost_the_base_gets_the_whole_document_in_the_same_sync() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    let report = phone.client.create_report(garbage("路口暴露垃圾")).unwrap();
    phone.client.sync().await.unwrap();
    phone
        .client
        .edit_report(report.id, |r| r.description = "垃圾更多了".into())
        .unwrap();
    server.forget(report.id);
    server.pushed();

    let sync = phone.client.sync().await.unwrap();
    assert_eq!((sync.round_trips, sync.pushed, sync.stored), (2, 2, 1));
    let pushed = server.pushed();
    assert!(!pushed[0].base.is_empty() && pushed[1].base.is_empty());
    assert_eq!(server.report(report.id).unwrap().description, "垃圾更多了");
    assert!(phone.client.pending().unwrap().is_empty());
}

#[tokio::test]
async fn a_push_whose_answer_was_lost_is_resumed_without_sending_again() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    let report = phone.client.create_report(garbage("路口暴露垃圾")).unwrap();
    server.lose_next_push_answer();

    let lost = phone.client.sync().await.unwrap_err();
    assert!(matches!(lost, ClientError::Server { status: 502, .. }));
    let pending = phone.client.pending().unwrap();
    assert_eq!(pending[0].reason, Some(lost.to_string()));
    assert_eq!(server.report(report.id).as_ref(), Some(&report));
    server.requests();
    server.pushed();

    let resumed = phone.reopen().sync().await.unwrap();
    assert_eq!(server.requests(), vec![STATUS_PATH, PUSH_PATH]);
    assert_eq!((resumed.round_trips, resumed.pushed), (2, 0));
    assert!(server.pushed().is_empty());
    assert!(phone.client.pending().unwrap().is_empty());
}

#[tokio::test]
async fn the_answer_to_a_withdrawal_comes_back_with_the_next_sync() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    let report = phone.client.create_report(garbage("路口暴露垃圾")).unwrap();
    phone.client.withdraw_report(report.id, "重复上报").unwrap();
    phone.client.sync().await.unwrap();
    server.answer_commands(report.id);
    server.requests();

    let sync = phone.client.sync().await.unwrap();
    assert_eq!(server.requests(), vec![PUSH_PATH, PULL_PATH]);
    assert_eq!((sync.round_trips, sync.pulled), (2, 1));
    let view = phone.client.report(report.id).unwrap().unwrap();
    assert_eq!(view.status, CaseStatus::Withdrawn);
    assert_eq!(view.events.len(), 1);
    assert_eq!(view.sync, SyncState::Synced);
    assert!(matches!(
        phone
            .client
            .edit_report(report.id, |r| r.self_handled = true),
        Err(ClientError::Withdrawn)
    ));

    let idle = phone.client.sync().await.unwrap();
    assert_eq!((idle.round_trips, idle.pulled), (1, 0), "the cursor moved");
    assert_eq!(idle.cursor, sync.cursor);
}

#[tokio::test]
async fn another_phone_of_the_same_inspector_receives_the_reports() {
    let server = FakeServer::start().await;
    let first = Phone::logged_in(&server).await;
    let report = first.client.create_report(garbage("路口暴露垃圾")).unwrap();
    first.client.sync().await.unwrap();

    let second = Phone::logged_in(&server).await;
    let sync = second.client.sync().await.unwrap();
    assert_eq!(sync.pulled, 1);
    let view = second.client.report(report.id).unwrap().unwrap();
    assert_eq!(view.report, report);
    assert_eq!(view.sync, SyncState::Synced);
    assert_eq!(view.received_at, Some(SERVER_TIME));
    assert_eq!(
        second.client.doc_bytes(report.id).unwrap().is_some(),
        first.client.doc_bytes(report.id).unwrap().is_some()
    );
    assert!(matches!(
        second
            .client
            .edit_report(report.id, |r| r.self_handled = true),
        Err(ClientError::NotOwnReport)
    ));
}

#[tokio::test]
async fn a_pull_cut_short_by_the_server_is_continued() {
    let server = FakeServer::start().await;
    let first = Phone::logged_in(&server).await;
    for i in 0..5 {
        first
            .client
            .create_report(garbage(&format!("第{i}处暴露垃圾")))
            .unwrap();
    }
    first.client.sync().await.unwrap();
    server.limit_pull_answers(2);

    let second = Phone::logged_in(&server).await;
    server.requests();
    let sync = second.client.sync().await.unwrap();
    assert_eq!(sync.pulled, 5);
    assert_eq!(
        server.requests(),
        vec![PUSH_PATH, PULL_PATH, PULL_PATH, PULL_PATH]
    );
    assert_eq!(second.client.reports().unwrap().len(), 5);
}

#[tokio::test]
async fn a_revoked_phone_is_told_to_log_in_again() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    phone.client.create_report(garbage("路口暴露垃圾")).unwrap();
    server.revoke_all_devices();

    let error = phone.client.sync().await.unwrap_err();
    assert!(matches!(error, ClientError::Unauthorized));
    assert_eq!(
        phone.client.pending().unwrap()[0].reason.as_deref(),
        Some("登录已失效或设备已被停用,请重新登录")
    );
}

#[tokio::test]
async fn retries_wait_out_server_trouble_but_not_refusals() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    phone.client.create_report(garbage("路口暴露垃圾")).unwrap();
    server.requests();

    server.fail_next(&[503, 500]);
    let sync = phone
        .client
        .sync_with_retry(3, Duration::from_millis(5))
        .await
        .unwrap();
    assert_eq!(sync.stored, 1);
    assert_eq!(
        server.requests(),
        vec![PUSH_PATH, STATUS_PATH, STATUS_PATH, PUSH_PATH],
        "a failed push is in doubt: the server may have stored part of it"
    );

    server.fail_next(&[400]);
    let refused = phone
        .client
        .sync_with_retry(3, Duration::from_millis(5))
        .await
        .unwrap_err();
    assert!(matches!(refused, ClientError::Server { status: 400, .. }));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn reports_wait_out_a_dead_network_and_leave_when_it_returns() {
    let server = FakeServer::start().await;
    let phone = Phone::logged_in(&server).await;
    phone.client.set_server_url("http://127.0.0.1:1").unwrap();
    let report = phone.client.create_report(garbage("路口暴露垃圾")).unwrap();

    let error = phone.client.sync().await.unwrap_err();
    assert!(matches!(error, ClientError::Network(_)));
    let pending = phone.client.pending().unwrap();
    assert_eq!(
        pending[0].reason.as_deref(),
        Some("网络不可用,已保存在本机,有信号后自动上传")
    );

    phone.client.set_server_url(&server.url).unwrap();
    server.requests();
    let sync = phone.client.sync().await.unwrap();
    assert_eq!(
        server.requests(),
        vec![PUSH_PATH],
        "a push that found no connection is not in doubt"
    );
    assert_eq!((sync.round_trips, sync.stored), (1, 1));
    assert_eq!(server.report(report.id), Some(report));
    assert!(phone.client.pending().unwrap().is_empty());
    let last = phone.client.last_sync().unwrap().unwrap();
    assert_eq!(last.error, None);
    assert_eq!(last.succeeded_at, Some(last.at), "a success is remembered");
}
