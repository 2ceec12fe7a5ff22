//! Three inspectors work offline all day, edit and withdraw reports, then sync in random order,
//! several times: every device ends with exactly the documents it may see, the server with all
//! of them once, and the content is identical everywhere.

mod common;

use cgt_client::{Client, SyncState};
use cgt_shared::DocId;
use cgt_shared::caseflow::event::CaseStatus;
use cgt_tests::admin::Admin;
use cgt_tests::fixtures::{new_report, rng};
use cgt_tests::server_process::ServerProcess;
use common::*;
use rand::Rng;
use rand::seq::SliceRandom;
use std::collections::BTreeSet;

const INSPECTORS: [&str; 3] = ["inspector01", "inspector02", "inspector03"];
const REPORTS_EACH: usize = 50;

fn edit_some(client: &Client, ids: &[DocId], rng: &mut impl Rng, n: usize) -> anyhow::Result<()> {
    for _ in 0..n {
        let id = ids[rng.random_range(0..ids.len())];
        if client.report(id)?.expect("own report").status == CaseStatus::Withdrawn {
            continue;
        }
        let note = rng.random_range(0..1000);
        client.edit_report(id, |r| {
            r.description = format!("{}(补充{note})", r.description)
        })?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_offline_inspectors_sync_in_random_order_and_converge() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&server_binary(), &dir.path().join("server"))?;
    let url = server.url();
    let mut clients = Vec::new();
    for (i, user) in INSPECTORS.iter().enumerate() {
        clients.push(logged_in(dir.path(), &format!("c{i}"), &url, user).await?);
    }

    // A whole day without signal.
    server.kill();
    let mut rng = rng(20261124);
    let mut own: Vec<Vec<DocId>> = Vec::new();
    for client in &clients {
        let ids: Vec<DocId> = (0..REPORTS_EACH)
            .map(|_| client.create_report(new_report(&mut rng)).map(|r| r.id))
            .collect::<Result<_, _>>()?;
        edit_some(client, &ids, &mut rng, 10)?;
        client.withdraw_report(ids[0], "重复上报")?;
        assert!(client.sync().await.is_err(), "no server, no sync");
        assert_eq!(client.pending()?.len(), REPORTS_EACH);
        own.push(ids);
    }

    // Signal returns; devices sync in random order, editing between rounds.
    server.restart()?;
    for _round in 0..4 {
        let mut order: Vec<usize> = (0..clients.len()).collect();
        order.shuffle(&mut rng);
        for i in order {
            clients[i].sync().await?;
            edit_some(&clients[i], &own[i], &mut rng, 3)?;
        }
    }
    for _settle in 0..2 {
        for client in &clients {
            client.sync().await?;
        }
    }

    let admin = Admin::login(&url).await?;
    assert_eq!(admin.doc_count().await?, INSPECTORS.len() * REPORTS_EACH);
    for (client, mine) in clients.iter().zip(&own) {
        let expected: BTreeSet<DocId> = mine.iter().copied().collect();
        assert_eq!(
            ids(client)?,
            expected,
            "a device sees exactly its own reports"
        );
        assert!(client.pending()?.is_empty(), "{:?}", client.pending()?);
        for &id in mine {
            assert_same_on_server(&admin, client, id).await?;
            assert_eq!(client.report(id)?.expect("report").sync, SyncState::Synced);
        }
        let withdrawn = client.report(mine[0])?.expect("report");
        assert_eq!(
            withdrawn.status,
            CaseStatus::Withdrawn,
            "{:?}",
            withdrawn.events
        );
    }

    // The same inspector on a second phone receives all of their reports, and only those.
    let second = logged_in(dir.path(), "c0-second-phone", &url, INSPECTORS[0]).await?;
    second.sync().await?;
    let expected: BTreeSet<DocId> = own[0].iter().copied().collect();
    assert_eq!(ids(&second)?, expected);
    for &id in &own[0] {
        assert_same_on_server(&admin, &second, id).await?;
    }
    Ok(())
}
