//! Faults in the middle of a sync: the server killed with SIGKILL, the connection cut while the
//! push is uploading, and the answer lost on the way back. What was acknowledged is never lost,
//! nothing is stored twice, and the next sync finishes the job without resending what arrived.

mod common;

use cgt_client::{ClientError, SyncState};
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{new_report, rng};
use cgt_tests::proxy::{Cut, Proxy};
use cgt_tests::server_process::ServerProcess;
use common::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_killed_mid_sync_loses_nothing_acknowledged() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let client = logged_in(dir.path(), "phone", &server.url(), "inspector04").await?;
    let mut rng = rng(9);
    let mut created = 0;
    let mut interrupted = 0;
    for delay_ms in [1u64, 3, 8, 15, 30, 60, 120] {
        for _ in 0..150 {
            client.create_report(new_report(&mut rng))?;
            created += 1;
        }
        let syncing = {
            let client = client.clone();
            tokio::spawn(async move { client.sync().await })
        };
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        server.kill();
        if syncing.await?.is_err() {
            interrupted += 1;
        }
        let acknowledged = ids_in_state(&client, SyncState::Synced)?;
        server.restart()?;
        let admin = Admin::login(&server.url()).await?;
        for id in acknowledged {
            assert!(admin.doc(id).await?.is_some(), "acknowledged {id} lost");
        }
    }
    assert!(interrupted > 0, "no kill landed inside a sync");

    client
        .sync_with_retry(5, Duration::from_millis(100))
        .await?;
    let admin = Admin::login(&server.url()).await?;
    assert_eq!(admin.doc_count().await?, created);
    assert!(client.pending()?.is_empty());
    for id in client.doc_ids()? {
        assert_same_on_server(&admin, &client, id).await?;
    }
    Ok(())
}

/// The server may still be storing the last whole frame when the client sees the cut (a
/// frame of 600 documents takes about half a second in a debug build on PostgreSQL): the
/// count once it has not moved for a second.
async fn settled_count(admin: &Admin) -> anyhow::Result<usize> {
    let mut last = admin.doc_count().await?;
    loop {
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        let now = admin.doc_count().await?;
        if now == last {
            return Ok(now);
        }
        last = now;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_cut_part_way_resumes_without_resending_what_arrived() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let proxy = Proxy::start(server.addr)?;
    let client = logged_in(dir.path(), "phone", &proxy.url(), "inspector05").await?;
    let mut rng = rng(10);
    const BACKLOG: usize = 2_500;
    for _ in 0..BACKLOG {
        client.create_report(new_report(&mut rng))?;
    }

    // The push body is several frames; the connection dies after the first ones.
    proxy.set_cut(Cut {
        upload_after: Some(60_000),
        download_after: None,
    });
    let first = client.sync().await;
    assert!(matches!(first, Err(ClientError::Network(_))), "{first:?}");
    assert_eq!(proxy.cuts_done(), 1);
    let admin = Admin::login(&server.url()).await?;
    let stored_before_retry = settled_count(&admin).await?;
    assert!(
        stored_before_retry > 0 && stored_before_retry < BACKLOG,
        "frames that arrived whole are kept: {stored_before_retry}"
    );
    assert_eq!(client.pending()?.len(), BACKLOG, "nothing acknowledged yet");
    assert!(client.pending()?.iter().all(|p| p.reason.is_some()));

    let retry = client.sync().await?;
    assert_eq!(
        retry.pushed,
        BACKLOG - stored_before_retry,
        "only what is missing is resent"
    );
    assert_eq!(admin.doc_count().await?, BACKLOG);
    assert!(client.pending()?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_lost_on_the_way_back_is_settled_by_one_status_request() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let proxy = Proxy::start(server.addr)?;
    let client = logged_in(dir.path(), "phone", &proxy.url(), "inspector06").await?;
    let mut rng = rng(11);
    for _ in 0..200 {
        client.create_report(new_report(&mut rng))?;
    }
    proxy.set_cut(Cut {
        upload_after: None,
        download_after: Some(40),
    });
    assert!(client.sync().await.is_err());
    let admin = Admin::login(&server.url()).await?;
    assert_eq!(
        admin.doc_count().await?,
        200,
        "the server stored before it answered"
    );

    let retry = client.sync().await?;
    assert_eq!(
        retry.pushed, 0,
        "the status request showed everything had arrived"
    );
    assert!(retry.round_trips <= 3, "{retry:?}");
    assert_eq!(admin.doc_count().await?, 200);
    assert!(client.pending()?.is_empty());
    Ok(())
}
