//! `evaluation`: a year of 1,000,000 cases in the embedded store (the `cases` summary table
//! written directly, as the workflow would have left it), then the monthly 综合评价 of all
//! departments through the real HTTP endpoint, as a leader's console asks for it.

use super::median;
use crate::inprocess::InProcessServer;
use crate::staff::Staff;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::time::Instant;

const CASES: usize = 1_000_000;
/// 2026-01-01T00:00+08:00 and one year of milliseconds.
const YEAR_START: i64 = 1_767_196_800_000;
const YEAR_MS: i64 = 365 * 86_400_000;
const HOUR: i64 = 3_600_000;
const AREAS: [&str; 4] = ["320508001", "320508002", "320508003", "320508004"];
const SOURCES: [&str; 4] = ["patrol", "patrol", "hotline", "public"];

pub fn run(runs: usize) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let server = InProcessServer::start(dir.path(), true, 2)?;
    let started = Instant::now();
    seed(&dir.path().join(cgt_server::DB_FILE))?;
    eprintln!(
        "seeded {CASES} cases in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut samples = Vec::new();
    let mut departments = 0;
    runtime.block_on(async {
        let leader = Staff::login(&server.url(), "leader1").await?;
        for _ in 0..runs.max(5) {
            let at = Instant::now();
            let (status, body) = leader
                .get("/api/v1/evaluation/departments?month=2026-11")
                .await?;
            samples.push(at.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(status == 200, "evaluation: {status} {body}");
            departments = body["departments"].as_array().map_or(0, Vec::len);
        }
        anyhow::Ok(())
    })?;
    Ok(json!({
        "scenario": "evaluation",
        "cases": CASES,
        "departments": departments,
        "median_ms": (median(&mut samples) * 10.0).round() / 10.0,
    }))
}

/// Writes the cases as one transaction (foreign keys off: the documents themselves are not
/// needed by the evaluation).
fn seed(db: &std::path::Path) -> anyhow::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO cases (doc_id, source, status, kind, class, subclass, description,
               unit_grid, area, lon, lat, reporter, reported_at, registered, department,
               dispatched_at, handled_at, handle_deadline, closed_at, close_deadline, reworks,
               supervised, satisfaction, updated_at)
             VALUES (?1, ?2, ?3, 'event', 1, 2, '暴露垃圾', ?4, ?5, 120.6, 31.3, ?6, ?7, ?8, ?9,
               ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?7)",
        )?;
        let mut rng = StdRng::seed_from_u64(2026);
        let inspectors: Vec<[u8; 16]> = (0..12).map(|_| rng.random()).collect();
        for _ in 0..CASES {
            let id: [u8; 16] = rng.random();
            let reported = YEAR_START + rng.random_range(0..YEAR_MS);
            let area = AREAS[rng.random_range(0..AREAS.len())];
            let source = SOURCES[rng.random_range(0..SOURCES.len())];
            let registered = rng.random_bool(0.9);
            let dispatched = registered.then(|| reported + rng.random_range(HOUR / 4..2 * HOUR));
            let deadline = dispatched.map(|d| d + 8 * HOUR);
            let handled = dispatched
                .filter(|_| rng.random_bool(0.9))
                .map(|d| d + rng.random_range(HOUR..12 * HOUR));
            let closed = handled
                .filter(|_| rng.random_bool(0.9))
                .map(|h| h + rng.random_range(HOUR..6 * HOUR));
            let status = match (registered, handled, closed) {
                (false, _, _) => "rejected",
                (true, _, Some(_)) => "closed",
                (true, Some(_), None) => "handled",
                (true, None, _) => "dispatched",
            };
            let satisfaction = (closed.is_some() && source != "patrol").then(|| {
                if rng.random_bool(0.85) {
                    "satisfied"
                } else {
                    "unsatisfied"
                }
            });
            let grid = format!("{area}{:06}", rng.random_range(1..=30));
            insert.execute(rusqlite::params![
                id.as_slice(),
                source,
                status,
                grid,
                area,
                (source == "patrol").then(|| inspectors[rng.random_range(0..12)].to_vec()),
                reported,
                registered,
                registered.then(|| rng.random_range(1..=10_i64)),
                dispatched,
                handled,
                deadline,
                closed,
                deadline.map(|d| d + 6 * HOUR),
                u32::from(rng.random_bool(0.05)),
                rng.random_bool(0.02),
                satisfaction,
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch("ANALYZE")?;
    Ok(())
}
