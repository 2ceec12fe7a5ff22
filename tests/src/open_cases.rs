//! Many open cases written straight into the `cases` summary table, as the workflow would have
//! left them (the documents themselves are not needed by queues): for queue tests and the
//! `queue` benchmark.

use cgt_shared::Timestamp;
use cgt_shared::caseflow::calendar::WorkCalendar;
use cgt_shared::caseflow::limits::yellow_at;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

const HOUR: i64 = 3_600_000;

/// Writes `count` dispatched cases with an 8-hour 处置 limit, reported before `now_ms`, one a
/// minute back from it, in turn: past the deadline (red), a week before it (green), half an
/// hour before it (yellow), and past it but on hold (yellow: a held clock never turns red);
/// every tenth is under 督办.
pub fn seed(db: &Path, count: usize, now_ms: i64) -> anyhow::Result<()> {
    write(db, count, now_ms, true)
}

/// The same cases as a server before migration 0016 left them: without the instant each step
/// turns yellow.
pub fn seed_without_yellow(db: &Path, count: usize, now_ms: i64) -> anyhow::Result<()> {
    write(db, count, now_ms, false)
}

fn write(db: &Path, count: usize, now_ms: i64, with_yellow: bool) -> anyhow::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO cases (doc_id, source, status, kind, class, subclass, description,
               unit_grid, area, lon, lat, reported_at, registered, department, dispatched_at,
               step, step_started_at, step_deadline, step_limit_ms, step_yellow_at, on_hold,
               supervised, updated_at)
             VALUES (?1, 'patrol', 'dispatched', 'event', 1, 2, '暴露垃圾', '320508001001001',
               '320508001', 120.6, 31.3, ?2, 1, 1, ?2, 'handle', ?2, ?3, ?4, ?5, ?6, ?7, ?2)",
        )?;
        let calendar = WorkCalendar::builtin();
        let mut rng = StdRng::seed_from_u64(2026);
        for i in 0..count {
            let id: [u8; 16] = rng.random();
            let reported = now_ms - (i as i64 + 1) * 60_000;
            let (deadline, on_hold) = match i % 4 {
                0 => (now_ms - HOUR, false),
                1 => (now_ms + 7 * 24 * HOUR, false),
                2 => (now_ms + HOUR / 2, false),
                _ => (now_ms - HOUR, true),
            };
            let yellow = yellow_at(&calendar, Timestamp(deadline), 8 * HOUR);
            insert.execute(rusqlite::params![
                id.as_slice(),
                reported,
                deadline,
                8 * HOUR,
                with_yellow.then_some(yellow.millis()),
                on_hold,
                i % 10 == 0
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}
