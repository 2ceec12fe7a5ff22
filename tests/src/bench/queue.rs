//! `queue`: a dispatcher's queue of 100,000 open cases in the embedded store; the first and the
//! last page of 50 through the real HTTP endpoint, as the console asks for them.

use super::median;
use crate::inprocess::InProcessServer;
use crate::staff::Staff;
use serde_json::{Value, json};
use std::time::Instant;

const CASES: usize = 100_000;
const PER_PAGE: usize = 50;

pub fn run(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let server = InProcessServer::start(dir.path(), true, 2)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    crate::open_cases::seed(dir.path(), CASES, now)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let last = CASES.div_ceil(PER_PAGE);
    let (mut first_ms, mut last_ms) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        let dispatcher = Staff::login(&server.url(), "dispatcher1").await?;
        for _ in 0..runs.max(5) {
            for (page, samples) in [(1, &mut first_ms), (last, &mut last_ms)] {
                let path =
                    format!("/api/v1/cases?status=dispatched&per_page={PER_PAGE}&page={page}");
                let at = Instant::now();
                let (status, body) = dispatcher.get(&path).await?;
                samples.push(at.elapsed().as_secs_f64() * 1000.0);
                anyhow::ensure!(status == 200, "queue: {status} {body}");
                anyhow::ensure!(body["total"] == CASES, "total {}", body["total"]);
            }
        }
        anyhow::Ok(())
    })?;
    let mut both: Vec<f64> = first_ms.iter().chain(&last_ms).copied().collect();
    let round = |ms: f64| (ms * 10.0).round() / 10.0;
    Ok(json!({
        "scenario": "queue",
        "cases": CASES,
        "first_page_ms": round(median(&mut first_ms)),
        "last_page_ms": round(median(&mut last_ms)),
        "median_ms": round(median(&mut both)),
    }))
}
