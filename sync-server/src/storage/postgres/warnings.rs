//! Filling in when each running step turns yellow for summary rows written before the
//! `step_yellow_at` column existed, in PostgreSQL. Rows written since carry it already.

use super::super::StorageError;
use super::PgStorage;
use crate::storage::WarningStore;
use cgt_shared::Timestamp;

impl WarningStore for PgStorage {
    fn fill_step_yellow(
        &self,
        yellow: &dyn Fn(Timestamp, i64) -> Timestamp,
    ) -> Result<usize, StorageError> {
        // Read by the partial index `cases_without_yellow`, which the filter implies.
        let missing = self.read(|tx| {
            let rows = tx.query(
                "SELECT doc_id, step_deadline, step_limit_ms FROM cases
                 WHERE step_deadline IS NOT NULL AND step_limit_ms IS NOT NULL
                   AND step_yellow_at IS NULL",
                &[],
            )?;
            let mut missing = Vec::with_capacity(rows.len());
            for row in &rows {
                missing.push((
                    row.try_get::<_, Vec<u8>>(0)?,
                    row.try_get::<_, i64>(1)?,
                    row.try_get::<_, i64>(2)?,
                ));
            }
            Ok(missing)
        })?;
        let count = missing.len();
        if count == 0 {
            return Ok(0);
        }
        let (mut ids, mut deadlines, mut yellows) = (
            Vec::with_capacity(count),
            Vec::with_capacity(count),
            Vec::with_capacity(count),
        );
        for (id, deadline, limit) in missing {
            yellows.push(yellow(Timestamp(deadline), limit).millis());
            ids.push(id);
            deadlines.push(deadline);
        }
        self.write(move |tx| {
            // A row rewritten meanwhile (by any process) carries its own value and keeps it.
            tx.execute(
                "UPDATE cases SET step_yellow_at = v.yellow_at
                 FROM unnest($1::BYTEA[], $2::BIGINT[], $3::BIGINT[])
                   AS v(doc_id, deadline, yellow_at)
                 WHERE cases.doc_id = v.doc_id AND cases.step_deadline = v.deadline
                   AND cases.step_yellow_at IS NULL",
                &[&ids, &deadlines, &yellows],
            )?;
            Ok(())
        })?;
        Ok(count)
    }
}
