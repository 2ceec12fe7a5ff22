//! Wrong-password records per account and per address, in PostgreSQL: a failure at any server
//! process locks the record's row while it applies, so two processes never lose a count.

use super::super::StorageError;
use super::PgStorage;
use crate::guard::backoff::Failures;
use crate::storage::LoginFailureStore;
use postgres::Row;

fn failures_from(row: &Row) -> Result<Failures, StorageError> {
    let count: i64 = row.try_get(0)?;
    Ok(Failures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last_ms: row.try_get(1)?,
        locked_until_ms: row.try_get(2)?,
    })
}

impl LoginFailureStore for PgStorage {
    fn login_failures(&self, keys: &[String]) -> Result<Vec<Failures>, StorageError> {
        let keys = keys.to_vec();
        self.read(move |tx| {
            let mut all = Vec::with_capacity(keys.len());
            for key in &keys {
                let row = tx.query_opt(
                    "SELECT count, last_ms, locked_until_ms FROM login_failures WHERE key = $1",
                    &[key],
                )?;
                all.push(
                    row.as_ref()
                        .map_or(Ok(Failures::default()), failures_from)?,
                );
            }
            Ok(all)
        })
    }

    fn record_login_failure(
        &self,
        key: String,
        fail: Box<dyn FnOnce(&mut Failures) + Send>,
        forget_before: i64,
    ) -> Result<Failures, StorageError> {
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM login_failures WHERE last_ms < $1 AND locked_until_ms < $1",
                &[&forget_before],
            )?;
            tx.execute(
                "INSERT INTO login_failures (key, count, last_ms, locked_until_ms)
                 VALUES ($1, 0, 0, 0) ON CONFLICT (key) DO NOTHING",
                &[&key],
            )?;
            let row = tx.query_one(
                "SELECT count, last_ms, locked_until_ms FROM login_failures
                 WHERE key = $1 FOR UPDATE",
                &[&key],
            )?;
            let mut failures = failures_from(&row)?;
            fail(&mut failures);
            tx.execute(
                "UPDATE login_failures SET count = $2, last_ms = $3, locked_until_ms = $4
                 WHERE key = $1",
                &[
                    &key,
                    &i64::from(failures.count),
                    &failures.last_ms,
                    &failures.locked_until_ms,
                ],
            )?;
            Ok(failures)
        })
    }

    fn clear_login_failures(&self, key: String) -> Result<(), StorageError> {
        self.write(move |tx| {
            tx.execute("DELETE FROM login_failures WHERE key = $1", &[&key])?;
            Ok(())
        })
    }
}
