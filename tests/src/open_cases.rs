//! Many open cases written straight into the `cases` summary table, as the workflow would have
//! left them (the documents themselves are not needed by queues): for queue tests and the
//! `queue` benchmark.

use crate::database::database_url;
use cgt_shared::Timestamp;
use cgt_shared::caseflow::calendar::WorkCalendar;
use cgt_shared::caseflow::limits::yellow_at;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

const HOUR: i64 = 3_600_000;
/// The 处置 limit of every seeded case.
const LIMIT: i64 = 8 * HOUR;

/// Writes `count` dispatched cases with an 8-hour 处置 limit, reported before `now_ms`, one a
/// minute back from it, in turn: past the deadline (red), a week before it (green), half an
/// hour before it (yellow), and past it but on hold (yellow: a held clock never turns red);
/// every tenth is under 督办.
pub fn seed(data_dir: &Path, count: usize, now_ms: i64) -> anyhow::Result<()> {
    write(data_dir, &rows(count, now_ms, true))
}

/// The same cases as a server before migration 0016 left them: without the instant each step
/// turns yellow.
pub fn seed_without_yellow(data_dir: &Path, count: usize, now_ms: i64) -> anyhow::Result<()> {
    write(data_dir, &rows(count, now_ms, false))
}

/// The columns of one seeded case that vary.
struct OpenCase {
    id: [u8; 16],
    reported: i64,
    deadline: i64,
    yellow: Option<i64>,
    on_hold: bool,
    supervised: bool,
}

fn rows(count: usize, now_ms: i64, with_yellow: bool) -> Vec<OpenCase> {
    let calendar = WorkCalendar::builtin();
    let mut rng = StdRng::seed_from_u64(2026);
    (0..count)
        .map(|i| {
            let (deadline, on_hold) = match i % 4 {
                0 => (now_ms - HOUR, false),
                1 => (now_ms + 7 * 24 * HOUR, false),
                2 => (now_ms + HOUR / 2, false),
                _ => (now_ms - HOUR, true),
            };
            let yellow = yellow_at(&calendar, Timestamp(deadline), LIMIT);
            OpenCase {
                id: rng.random(),
                reported: now_ms - (i as i64 + 1) * 60_000,
                deadline,
                yellow: with_yellow.then_some(yellow.millis()),
                on_hold,
                supervised: i % 10 == 0,
            }
        })
        .collect()
}

/// The insert, with `?N` placeholders (SQLite) that PostgreSQL takes as `$N`.
const INSERT: &str = "INSERT INTO cases (doc_id, source, status, kind, class, subclass,
       description, unit_grid, area, lon, lat, reported_at, registered, department,
       dispatched_at, step, step_started_at, step_deadline, step_limit_ms, step_yellow_at,
       on_hold, supervised, updated_at)
     VALUES (?1, 'patrol', 'dispatched', 'event', 1, 2, '暴露垃圾', '320508001001001',
       '320508001', 120.6, 31.3, ?2, 1, 1, ?2, 'handle', ?2, ?3, ?4, ?5, ?6, ?7, ?2)";

/// Writes the cases into the store of the server on `data_dir` (its tables must exist:
/// start the server first).
fn write(data_dir: &Path, cases: &[OpenCase]) -> anyhow::Result<()> {
    match database_url(data_dir)? {
        Some(url) => write_postgres(&url, cases),
        None => write_sqlite(&data_dir.join(cgt_server::DB_FILE), cases),
    }
}

fn write_sqlite(db: &Path, cases: &[OpenCase]) -> anyhow::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(INSERT)?;
        for case in cases {
            insert.execute(rusqlite::params![
                case.id.as_slice(),
                case.reported,
                case.deadline,
                LIMIT,
                case.yellow,
                case.on_hold,
                case.supervised
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn write_postgres(url: &str, cases: &[OpenCase]) -> anyhow::Result<()> {
    let sql = INSERT.replace('?', "$");
    let rows: Vec<_> = cases
        .iter()
        .map(|c| {
            (
                c.id.to_vec(),
                c.reported,
                c.deadline,
                c.yellow,
                i64::from(c.on_hold),
                i64::from(c.supervised),
            )
        })
        .collect();
    let url = url.to_owned();
    // The blocking driver runs its own runtime: keep it off any caller's.
    std::thread::spawn(move || -> anyhow::Result<()> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        let mut tx = client.transaction()?;
        // The cases stand without their documents, as in the SQLite seed.
        tx.batch_execute("SET LOCAL session_replication_role = replica")?;
        let insert = tx.prepare(&sql)?;
        for (id, reported, deadline, yellow, on_hold, supervised) in &rows {
            tx.execute(
                &insert,
                &[id, reported, deadline, &LIMIT, yellow, on_hold, supervised],
            )?;
        }
        tx.commit()?;
        Ok(())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("seeding PostgreSQL panicked"))?
}
