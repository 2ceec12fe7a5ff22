//! `evaluation`: a year of 1,000,000 cases in the server's store — the embedded file, or
//! PostgreSQL with `CGT_TEST_POSTGRES` set (the `cases` summary table written directly, as the
//! workflow would have left it) — then the monthly 综合评价 of all
//! departments through the real HTTP endpoint, as a leader's console asks for it.

use super::median;
use crate::database::database_url;
use crate::inprocess::InProcessServer;
use crate::staff::Staff;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
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
    seed(dir.path())?;
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

/// One seeded case: the columns of `cases` the evaluation reads.
struct SeedCase {
    id: [u8; 16],
    source: &'static str,
    status: &'static str,
    unit_grid: String,
    area: &'static str,
    reporter: Option<[u8; 16]>,
    reported: i64,
    registered: bool,
    department: Option<i64>,
    dispatched: Option<i64>,
    handled: Option<i64>,
    deadline: Option<i64>,
    closed: Option<i64>,
    reworks: i64,
    supervised: bool,
    satisfaction: Option<&'static str>,
}

/// The year of cases, the same on every run.
fn cases() -> impl Iterator<Item = SeedCase> {
    let mut rng = StdRng::seed_from_u64(2026);
    let inspectors: Vec<[u8; 16]> = (0..12).map(|_| rng.random()).collect();
    (0..CASES).map(move |_| {
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
        let unit_grid = format!("{area}{:06}", rng.random_range(1..=30));
        let reporter = (source == "patrol").then(|| inspectors[rng.random_range(0..12)]);
        let department = registered.then(|| rng.random_range(1..=10_i64));
        SeedCase {
            id,
            source,
            status,
            unit_grid,
            area,
            reporter,
            reported,
            registered,
            department,
            dispatched,
            handled,
            deadline,
            closed,
            reworks: i64::from(rng.random_bool(0.05)),
            supervised: rng.random_bool(0.02),
            satisfaction,
        }
    })
}

/// The columns written, in this order; the rest keep their defaults.
const COLUMNS: &str = "doc_id, source, status, kind, class, subclass, description, unit_grid,
    area, lon, lat, reporter, reported_at, registered, department, dispatched_at, handled_at,
    handle_deadline, closed_at, close_deadline, reworks, supervised, satisfaction, updated_at";

/// Writes the cases into the store of the server on `data_dir`, as one transaction without
/// the documents themselves (the evaluation does not read them).
fn seed(data_dir: &Path) -> anyhow::Result<()> {
    match database_url(data_dir)? {
        Some(url) => seed_postgres(&url),
        None => seed_sqlite(&data_dir.join(cgt_server::DB_FILE)),
    }
}

fn seed_sqlite(db: &Path) -> anyhow::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(&format!(
            "INSERT INTO cases ({COLUMNS})
             VALUES (?1, ?2, ?3, 'event', 1, 2, '暴露垃圾', ?4, ?5, 120.6, 31.3, ?6, ?7, ?8, ?9,
               ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?7)"
        ))?;
        for case in cases() {
            insert.execute(rusqlite::params![
                case.id.as_slice(),
                case.source,
                case.status,
                case.unit_grid,
                case.area,
                case.reporter.map(|r| r.to_vec()),
                case.reported,
                case.registered,
                case.department,
                case.dispatched,
                case.handled,
                case.deadline,
                case.closed,
                case.deadline.map(|d| d + 6 * HOUR),
                case.reworks,
                case.supervised,
                case.satisfaction,
            ])?;
        }
    }
    tx.commit()?;
    conn.execute_batch("ANALYZE")?;
    Ok(())
}

/// PostgreSQL takes the year by COPY (text format), far faster than a million inserts.
fn seed_postgres(url: &str) -> anyhow::Result<()> {
    let url = url.to_owned();
    // The blocking driver runs its own runtime: keep it off any caller's.
    std::thread::spawn(move || -> anyhow::Result<()> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        let mut tx = client.transaction()?;
        // The cases stand without their documents, as in the SQLite seed.
        tx.batch_execute("SET LOCAL session_replication_role = replica")?;
        let mut copy = tx.copy_in(&format!("COPY cases ({COLUMNS}) FROM STDIN"))?;
        let mut line = String::new();
        for case in cases() {
            line.clear();
            copy_line(&mut line, &case);
            copy.write_all(line.as_bytes())?;
        }
        copy.finish()?;
        tx.commit()?;
        client.batch_execute("ANALYZE cases")?;
        Ok(())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("seeding PostgreSQL panicked"))?
}

/// One row in COPY's text format: tab-separated, `\N` for NULL, bytea as `\\x` and hex.
fn copy_line(line: &mut String, case: &SeedCase) {
    let bytes = |b: &[u8]| format!("\\\\x{}", hex::encode(b));
    let number = |n: Option<i64>| n.map_or("\\N".to_string(), |n| n.to_string());
    let fields = [
        bytes(&case.id),
        case.source.to_string(),
        case.status.to_string(),
        "event".into(),
        "1".into(),
        "2".into(),
        "暴露垃圾".into(),
        case.unit_grid.clone(),
        case.area.to_string(),
        "120.6".into(),
        "31.3".into(),
        case.reporter.map_or("\\N".to_string(), |r| bytes(&r)),
        case.reported.to_string(),
        i64::from(case.registered).to_string(),
        number(case.department),
        number(case.dispatched),
        number(case.handled),
        number(case.deadline),
        number(case.closed),
        number(case.deadline.map(|d| d + 6 * HOUR)),
        case.reworks.to_string(),
        i64::from(case.supervised).to_string(),
        case.satisfaction.unwrap_or("\\N").to_string(),
        case.reported.to_string(),
    ];
    line.push_str(&fields.join("\t"));
    line.push('\n');
}
