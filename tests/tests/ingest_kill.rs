//! `kill -9` of the server while 50 devices push at once: after the restart every report a
//! device was told is stored is there, and once every device has synced again the server holds
//! each report exactly once.

mod common;

use cgt_client::{Client, SyncState};
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{new_report, rng};
use cgt_tests::server_process::ServerProcess;
use common::*;
use std::time::Duration;

const DEVICES: usize = 50;
const REPORTS_PER_DEVICE: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_fifty_device_ingest_keeps_every_acknowledged_report()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let mut clients: Vec<Client> = Vec::new();
    for d in 0..DEVICES {
        let user = format!("inspector{:02}", d % 12 + 1);
        clients.push(logged_in(dir.path(), &format!("device{d:02}"), &url, &user).await?);
    }
    let mut created = 0;
    let mut interrupted = 0;
    for (round, delay_ms) in [40u64, 120, 300].into_iter().enumerate() {
        for (d, client) in clients.iter().enumerate() {
            let mut rng = rng((round * DEVICES + d) as u64);
            for _ in 0..REPORTS_PER_DEVICE {
                client.create_report(new_report(&mut rng))?;
                created += 1;
            }
        }
        let syncs: Vec<_> = clients
            .iter()
            .cloned()
            .map(|client| tokio::spawn(async move { client.sync().await }))
            .collect();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        server.kill();
        for sync in syncs {
            if sync.await?.is_err() {
                interrupted += 1;
            }
        }
        let mut acknowledged = Vec::new();
        for client in &clients {
            acknowledged.extend(ids_in_state(client, SyncState::Synced)?);
        }
        server.restart()?;
        let admin = Admin::login(&server.url()).await?;
        for id in &acknowledged {
            assert!(admin.doc(*id).await?.is_some(), "acknowledged {id} lost");
        }
        eprintln!(
            "round {round}: killed after {delay_ms} ms, {} acknowledged of {created}",
            acknowledged.len()
        );
    }
    assert!(interrupted > 0, "no kill landed inside a sync");

    for client in &clients {
        client
            .sync_with_retry(5, Duration::from_millis(100))
            .await?;
        assert!(client.pending()?.is_empty());
    }
    let admin = Admin::login(&server.url()).await?;
    assert_eq!(admin.doc_count().await?, created, "each report once");
    let stats = admin.stats().await?;
    assert_eq!(stats["refusals"], 0, "{stats}");
    Ok(())
}
