//! A queue far longer than a page: 20,000 open cases. Paging reaches the last one, `total` is
//! the true count, a warning filter counts every case of its colour — also for cases stored
//! before the colour's column existed — and the 督办 list pages the same way.

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
    cgt_tests::open_cases::seed(dir.path(), CASES, now)?;
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

    // Each colour is filtered in the query; every case on its pages shows that colour as the
    // server computes it per case, and the three totals add up.
    let mut sum = 0;
    for (colour, expected) in [
        ("red", CASES / 4),
        ("yellow", CASES / 2),
        ("green", CASES / 4),
    ] {
        for page in [1, expected / 400] {
            let (status, found) = dispatcher
                .get(&format!("{queue}&warning={colour}&page={page}"))
                .await?;
            assert_eq!(status, 200, "{found}");
            assert_eq!(found["total"], expected, "{colour}");
            let items = found["items"].as_array().cloned().unwrap_or_default();
            assert_eq!(items.len(), 200, "{colour} page {page}");
            assert!(
                items.iter().all(|c| c["warning"] == colour),
                "{colour}: {found}"
            );
        }
        sum += expected;
    }
    assert_eq!(sum, CASES);

    // The 督办 list is paged by the query as well: every tenth case, to the last page.
    let supervision = "/api/v1/supervision?per_page=200";
    let (status, last) = dispatcher.get(&format!("{supervision}&page=10")).await?;
    assert_eq!(status, 200, "{last}");
    assert_eq!(last["total"], CASES / 10);
    let items = last["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 200);
    assert!(items.iter().all(|c| c["supervised"] == true), "{last}");
    let (_, beyond) = dispatcher.get(&format!("{supervision}&page=11")).await?;
    assert_eq!(beyond["items"].as_array().map(Vec::len), Some(0));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_from_before_the_colour_column_are_coloured_after_a_restart() -> anyhow::Result<()> {
    const OLD: usize = 2_000;
    let dir = tempfile::tempdir()?;
    let mut server = ServerProcess::start(&common::server_binary(), dir.path())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    Staff::login(&server.url(), "dispatcher1").await?;
    cgt_tests::open_cases::seed_without_yellow(dir.path(), OLD, now)?;
    server.restart()?;
    let dispatcher = Staff::login(&server.url(), "dispatcher1").await?;
    for (colour, expected) in [("red", OLD / 4), ("yellow", OLD / 2), ("green", OLD / 4)] {
        let (status, found) = dispatcher
            .get(&format!("/api/v1/cases?status=dispatched&warning={colour}"))
            .await?;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["total"], expected, "{colour}");
    }
    Ok(())
}
