//! Filling in when each running step turns yellow for summary rows written before the
//! `step_yellow_at` column existed (migration 0016). Rows written since carry it already.

use super::{Storage, StorageError};
use crate::storage::WarningStore;
use cgt_shared::Timestamp;

impl WarningStore for Storage {
    fn fill_step_yellow(
        &self,
        yellow: &dyn Fn(Timestamp, i64) -> Timestamp,
    ) -> Result<usize, StorageError> {
        let missing: Vec<(Vec<u8>, i64, i64)> = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT doc_id, step_deadline, step_limit_ms
                 FROM cases INDEXED BY cases_without_yellow
                 WHERE step_deadline IS NOT NULL AND step_limit_ms IS NOT NULL
                   AND step_yellow_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        let filled: Vec<(Vec<u8>, i64, i64)> = missing
            .into_iter()
            .map(|(id, deadline, limit)| {
                (id, deadline, yellow(Timestamp(deadline), limit).millis())
            })
            .collect();
        let count = filled.len();
        self.write(move |c| {
            // A row rewritten meanwhile carries its own value and keeps it.
            let mut update = c.prepare_cached(
                "UPDATE cases SET step_yellow_at = ?3
                 WHERE doc_id = ?1 AND step_deadline = ?2 AND step_yellow_at IS NULL",
            )?;
            for (id, deadline, yellow_at) in &filled {
                update.execute((id, deadline, yellow_at))?;
            }
            Ok(())
        })?;
        Ok(count)
    }
}
