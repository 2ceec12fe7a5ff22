//! Crafted clients: a device forging workflow state, writing another user's report, claiming
//! another device's identity, a console role syncing, a revoked device. Each is refused, recorded,
//! invisible to everyone else, and none of it wedges the honest sync that follows.

mod common;

use automerge::AutoCommit;
use cgt_client::ClientError;
use cgt_shared::caseflow::event::{EventKind, WorkflowEvent};
use cgt_shared::doc::workflow::append_event;
use cgt_shared::doc::{device_actor, new_report_doc, report_part};
use cgt_shared::wire::{self, DocOutcome};
use cgt_shared::{Report, Timestamp};
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{self, DEMO_PASSWORD, new_report, rng};
use cgt_tests::raw::{self, Login};
use cgt_tests::server_process::ServerProcess;
use common::*;

async fn device(url: &str, user: &str, name: &str) -> anyhow::Result<Login> {
    let (status, login, text) = raw::login(url, user, DEMO_PASSWORD, Some(name)).await?;
    login.ok_or_else(|| anyhow::anyhow!("login {user}: {status} {text}"))
}

fn report_by(login: &Login, seed: u64) -> Report {
    fixtures::report_by(login.user_id, login.device_id.expect("field device"), seed)
}

fn refused(outcome: &DocOutcome) -> (u16, String) {
    match outcome {
        DocOutcome::Refused { status, reason } => (*status, reason.clone()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The stored document with one more change written by `actor_of`.
fn edited(base: &[u8], actor_of: &Login, edit: impl FnOnce(&mut AutoCommit)) -> Vec<u8> {
    let mut doc = AutoCommit::load(base)
        .expect("valid doc")
        .with_actor(device_actor(actor_of.device_id.expect("device")));
    edit(&mut doc);
    doc.save()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crafted_changes_are_refused_recorded_and_never_seen() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let alice = device(&url, "inspector07", "alice-phone").await?;
    let alice_tablet = device(&url, "inspector07", "alice-tablet").await?;
    let mallory = device(&url, "inspector08", "mallory-phone").await?;

    let report = report_by(&alice, 1);
    let original = new_report_doc(&report)?.save();
    let stored = raw::push_docs(&url, &alice.token, vec![(report.id, original.clone())]).await?;
    assert_eq!(stored.outcomes, vec![DocOutcome::Stored]);

    // 1. The owner device forges a workflow event on its own report.
    let forged_workflow = edited(&original, &alice, |d| {
        let event = WorkflowEvent {
            kind: EventKind::Other("closed".into()),
            at: Timestamp(1),
            user: None,
            role: None,
            note: "自己结案".into(),
            command: None,
            data: Default::default(),
        };
        append_event(d, &event).expect("append");
    });
    // 2. Another user rewrites Alice's report.
    let foreign_edit = edited(&original, &mallory, |d| {
        let mut r = report_part::read_report(d, report.id).expect("report");
        r.description = "已处理,无需派遣".into();
        report_part::write_report(d, &r).expect("write");
    });
    // 3. Alice's own second device edits the report the phone made.
    let other_device_edit = edited(&original, &alice_tablet, |d| {
        let mut r = report_part::read_report(d, report.id).expect("report");
        r.description = "平板改写".into();
        report_part::write_report(d, &r).expect("write");
    });
    // 4. Mallory files a new report in Alice's name and device.
    let impersonation = report_by(&alice, 2);
    let impersonation_doc = new_report_doc(&impersonation)?.save();

    let r1 = raw::push_docs(&url, &alice.token, vec![(report.id, forged_workflow)]).await?;
    let r2 = raw::push_docs(&url, &mallory.token, vec![(report.id, foreign_edit)]).await?;
    let r3 = raw::push_docs(
        &url,
        &alice_tablet.token,
        vec![(report.id, other_device_edit)],
    )
    .await?;
    let r4 = raw::push_docs(
        &url,
        &mallory.token,
        vec![(impersonation.id, impersonation_doc)],
    )
    .await?;
    for (response, what) in [
        (&r1, "workflow"),
        (&r2, "foreign"),
        (&r3, "other device"),
        (&r4, "impersonation"),
    ] {
        let (status, reason) = refused(&response.outcomes[0]);
        assert_eq!(status, 403, "{what}: {reason}");
        assert!(!reason.is_empty());
    }

    // Nobody sees any of it: not the server's copy, not Alice's other devices, not Mallory.
    let admin = Admin::login(&url).await?;
    let on_server = admin.doc(report.id).await?.expect("alice's report");
    assert_eq!(
        on_server["report"]["description"],
        report.description.as_str()
    );
    assert_eq!(on_server["events"], serde_json::json!([]));
    assert!(admin.doc(impersonation.id).await?.is_none());
    let alice_again = logged_in(dir.path(), "alice-new-phone", &url, "inspector07").await?;
    alice_again.sync().await?;
    assert_eq!(alice_again.doc_ids()?, vec![report.id]);
    assert_same_on_server(&admin, &alice_again, report.id).await?;
    let mallory_client = logged_in(dir.path(), "mallory-new-phone", &url, "inspector08").await?;
    mallory_client.sync().await?;
    assert!(mallory_client.doc_ids()?.is_empty());

    // Every attempt is recorded with who did it.
    let refusals = admin.refusals().await?;
    assert!(refusals.len() >= 4, "{refusals:?}");
    for who in [&alice, &mallory, &alice_tablet] {
        let device = who.device_id.expect("device").to_string();
        assert!(
            refusals.iter().any(|r| r.to_string().contains(&device)),
            "no refusal recorded for {device}"
        );
    }

    // The refusals wedged nothing: Alice's phone edits and syncs on.
    let honest_edit = edited(&original, &alice, |d| {
        let mut r = report_part::read_report(d, report.id).expect("report");
        r.description = "井盖破损,已设置警示锥".into();
        report_part::write_report(d, &r).expect("write");
    });
    let r5 = raw::push_docs(&url, &alice.token, vec![(report.id, honest_edit)]).await?;
    assert_eq!(r5.outcomes, vec![DocOutcome::Stored]);
    let on_server = admin.doc(report.id).await?.expect("alice's report");
    assert_eq!(on_server["report"]["description"], "井盖破损,已设置警示锥");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_without_sync_rights_and_revoked_devices_are_refused() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();

    let (status, _, text) = raw::login(&url, "operator1", DEMO_PASSWORD, Some("坐席电脑")).await?;
    assert_eq!(status, 403, "{text}");
    let (status, console, _) = raw::login(&url, "operator1", DEMO_PASSWORD, None).await?;
    assert_eq!(status, 200);
    let body = wire::encode_frames([]);
    let (status, _) = raw::post(
        &url,
        wire::PUSH_PATH,
        &console.expect("console").token,
        body,
    )
    .await?;
    assert_eq!(status, 403, "a console session cannot sync");
    let (status, _, _) = raw::login(&url, "inspector09", "wrong password", Some("x")).await?;
    assert_eq!(status, 401);

    let phone = logged_in(dir.path(), "phone", &url, "inspector09").await?;
    phone.create_report(new_report(&mut rng(3)))?;
    phone.sync().await?;
    phone.create_report(new_report(&mut rng(4)))?;
    let device = phone.session()?.expect("session").device_id;
    let admin = Admin::login(&url).await?;
    assert_eq!(admin.revoke_device(device).await?, 200);
    let result = phone.sync().await;
    assert!(
        matches!(result, Err(ClientError::Unauthorized)),
        "{result:?}"
    );
    let pending = phone.pending()?;
    assert_eq!(pending.len(), 1, "the unsent report stays on the phone");
    assert!(
        pending[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("登录")),
        "{pending:?}"
    );
    Ok(())
}
