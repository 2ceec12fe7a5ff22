//! A queue far longer than a page: 20,000 open cases. Paging reaches the last one, `total` is
//! the true count, and a warning filter counts every case of its colour.

mod common;

use cgt_tests::server_process::ServerProcess;
use cgt_tests::staff::Staff;

const CASES: usize = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_reaches_the_last_of_twenty_thousand_cases() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&common::server_binary(), dir.path())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    // The first answer means the store is open and migrated.
    let dispatcher = Staff::login(&server.url(), "dispatcher1").await?;
    cgt_tests::open_cases::seed(&dir.path().join(cgt_server::DB_FILE), CASES, now)?;
    let queue = "/api/v1/cases?status=dispatched&per_page=200";

    let (status, first) = dispatcher.get(&format!("{queue}&page=1")).await?;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["total"], CASES);
    let (_, last) = dispatcher.get(&format!("{queue}&page=100")).await?;
    let items = last["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 200);
    let oldest = items.last().map(|c| c["reported_at"].as_i64().unwrap_or(0));
    assert_eq!(
        oldest,
        Some(now - CASES as i64 * 60_000),
        "the very last case"
    );
    let (_, beyond) = dispatcher.get(&format!("{queue}&page=101")).await?;
    assert_eq!(beyond["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(beyond["total"], CASES);

    let (_, red) = dispatcher
        .get(&format!("{queue}&warning=red&page=50"))
        .await?;
    assert_eq!(red["total"], CASES / 2);
    assert_eq!(red["items"].as_array().map(Vec::len), Some(200));
    assert!(
        red["items"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|c| c["warning"] == "red"),
        "{red}"
    );
    Ok(())
}
