//! `sync-backlog`: a fresh device with 1,000 offline reports (no photos) syncs to the server.
//! Bytes are counted on the TCP connection by a proxy (HTTP headers included) and compared with
//! the same reports as gzipped JSON, the floor.

use super::median;
use crate::fixtures::{DEMO_PASSWORD, new_report, rng};
use crate::inprocess::InProcessServer;
use crate::proxy::Proxy;
use cgt_client::Client;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Instant;

const REPORTS: usize = 1_000;

pub fn run(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let server = InProcessServer::start(&dir.path().join("server"), true, 2)?;
    let proxy = Proxy::start(server.addr)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut seconds = Vec::new();
    let mut last = json!({});
    for run in 0..runs {
        let client = Client::open(dir.path().join(format!("device-{run}.sqlite3")))?;
        let inspector = format!("inspector{:02}", run % 12 + 1);
        runtime.block_on(client.login(&proxy.url(), &inspector, DEMO_PASSWORD, "bench"))?;
        let mut rng = rng(run as u64);
        for _ in 0..REPORTS {
            client.create_report(new_report(&mut rng))?;
        }
        proxy.reset_counters();
        let start = Instant::now();
        let report = runtime.block_on(client.sync())?;
        let elapsed = start.elapsed().as_secs_f64();
        anyhow::ensure!(
            client.pending()?.is_empty(),
            "backlog not settled by one sync"
        );
        anyhow::ensure!(
            report.stored == REPORTS,
            "stored {} of {REPORTS}",
            report.stored
        );
        let (up, down) = proxy.bytes();
        let json_gzip = json_gzip_bytes(&client)?;
        eprintln!(
            "run {run}: {elapsed:.3}s, {} round trips, {} wire bytes",
            report.round_trips,
            up + down
        );
        seconds.push(elapsed);
        last = json!({
            "round_trips": report.round_trips,
            "wire_bytes": up + down,
            "body_bytes": report.bytes_sent + report.bytes_received,
            "json_gzip_bytes": json_gzip,
            "wire_to_json_gzip": ((up + down) as f64 / json_gzip as f64 * 1000.0).round() / 1000.0,
        });
    }
    let mut figures = json!({ "scenario": "sync-backlog", "reports": REPORTS, "runs": runs });
    for (k, v) in last.as_object().expect("object") {
        figures[k] = v.clone();
    }
    figures["seconds"] = json!((median(&mut seconds) * 1000.0).round() / 1000.0);
    Ok(figures)
}

/// The device's reports as one gzipped JSON array (best compression): the floor to compare with.
fn json_gzip_bytes(client: &Client) -> anyhow::Result<usize> {
    let reports: Vec<_> = client.reports()?.into_iter().map(|v| v.report).collect();
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&serde_json::to_vec(&reports)?)?;
    Ok(gz.finish()?.len())
}
