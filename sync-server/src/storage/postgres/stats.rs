//! Counts of what the server holds, for the admin overview, in PostgreSQL.

use super::super::StorageError;
use super::PgStorage;
use crate::storage::{Stats, StatsStore};

impl StatsStore for PgStorage {
    fn stats(&self) -> Result<Stats, StorageError> {
        self.read(|tx| {
            let row = tx.query_one(
                "SELECT (SELECT COUNT(*) FROM docs), (SELECT COUNT(*) FROM users),
                        (SELECT COUNT(*) FROM devices),
                        (SELECT COUNT(*) FROM devices WHERE revoked_at IS NULL),
                        (SELECT COUNT(*) FROM refusals)",
                &[],
            )?;
            let count = |i: usize| -> Result<u64, StorageError> {
                let n: i64 = row.try_get(i)?;
                Ok(u64::try_from(n).unwrap_or(0))
            };
            Ok(Stats {
                docs: count(0)?,
                users: count(1)?,
                devices: count(2)?,
                active_devices: count(3)?,
                refusals: count(4)?,
            })
        })
    }
}
