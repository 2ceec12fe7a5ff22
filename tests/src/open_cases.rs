//! Many open cases written straight into the `cases` summary table, as the workflow would have
//! left them (the documents themselves are not needed by queues): for queue tests and the
//! `queue` benchmark.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;

const HOUR: i64 = 3_600_000;

/// Writes `count` dispatched cases reported before `now_ms`, one a minute back from it; every
/// second one is past its 处置 deadline (red), the others have an hour of an 8-hour limit
/// used (green).
pub fn seed(db: &Path, count: usize, now_ms: i64) -> anyhow::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO cases (doc_id, source, status, kind, class, subclass, description,
               unit_grid, area, lon, lat, reported_at, registered, department, dispatched_at,
               step, step_started_at, step_deadline, step_limit_ms, updated_at)
             VALUES (?1, 'patrol', 'dispatched', 'event', 1, 2, '暴露垃圾', '320508001001001',
               '320508001', 120.6, 31.3, ?2, 1, 1, ?2, 'handle', ?2, ?3, ?4, ?2)",
        )?;
        let mut rng = StdRng::seed_from_u64(2026);
        for i in 0..count {
            let id: [u8; 16] = rng.random();
            let reported = now_ms - (i as i64 + 1) * 60_000;
            let deadline = if i % 2 == 0 {
                now_ms - HOUR
            } else {
                now_ms + 7 * 24 * HOUR
            };
            insert.execute(rusqlite::params![
                id.as_slice(),
                reported,
                deadline,
                8 * HOUR
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}
