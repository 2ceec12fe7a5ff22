//! `sync-ingest`: 50 devices, each with its own user, sync new reports against one server at
//! the same time, in waves. The server runs in this process on its own 2-thread runtime; the
//! devices share another, so both compete for the machine's two cores as they would on a
//! small server that also runs the load generator.

use super::{median, percentile};
use crate::fixtures::{new_report, rng};
use crate::inprocess::InProcessServer;
use serde_json::{Value, json};
use std::time::Instant;

const DEVICES: usize = 50;
const REPORTS_PER_WAVE: usize = 25;

pub fn run(waves: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let server = InProcessServer::start(&dir.path().join("server"), false, 2)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let clients = super::devices(&server, &runtime, dir.path(), "bench", DEVICES)?;
    eprintln!("{DEVICES} devices logged in");
    let mut latencies_ms = Vec::new();
    let mut busy_seconds = 0.0;
    let mut reports = 0;
    for wave in 0..waves {
        for (d, client) in clients.iter().enumerate() {
            let mut rng = rng((wave * DEVICES + d) as u64);
            for _ in 0..REPORTS_PER_WAVE {
                client.create_report(new_report(&mut rng))?;
            }
        }
        let start = Instant::now();
        let results = runtime.block_on(async {
            let tasks: Vec<_> = clients
                .iter()
                .cloned()
                .map(|client| {
                    tokio::spawn(async move {
                        let t = Instant::now();
                        let report = client.sync().await;
                        (t.elapsed().as_secs_f64() * 1000.0, report)
                    })
                })
                .collect();
            futures_collect(tasks).await
        })?;
        busy_seconds += start.elapsed().as_secs_f64();
        for (ms, report) in results {
            let report = report?;
            anyhow::ensure!(
                report.stored == REPORTS_PER_WAVE,
                "stored {}",
                report.stored
            );
            reports += report.stored;
            latencies_ms.push(ms);
        }
        eprintln!("wave {wave}: {reports} reports so far");
    }
    Ok(json!({
        "scenario": "sync-ingest",
        "devices": DEVICES,
        "waves": waves,
        "reports": reports,
        "seconds": (busy_seconds * 1000.0).round() / 1000.0,
        "reports_per_second": (reports as f64 / busy_seconds).round(),
        "p50_ms": median(&mut latencies_ms.clone()).round(),
        "p99_ms": percentile(&mut latencies_ms, 0.99).round(),
    }))
}

async fn futures_collect<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> anyhow::Result<Vec<T>> {
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await?);
    }
    Ok(out)
}
