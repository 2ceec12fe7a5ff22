//! Wrong-password records per account and per address (`migrations/0017_login_failures.sql`).

use super::{Storage, StorageError};
use crate::guard::backoff::Failures;
use crate::storage::LoginFailureStore;
use rusqlite::{Connection, OptionalExtension};

fn load(c: &Connection, key: &str) -> Result<Failures, StorageError> {
    let row = c
        .prepare_cached(
            "SELECT count, last_ms, locked_until_ms FROM login_failures WHERE key = ?1",
        )?
        .query_row([key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    Ok(
        row.map_or_else(Failures::default, |(count, last_ms, locked_until_ms)| {
            Failures {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                last_ms,
                locked_until_ms,
            }
        }),
    )
}

impl LoginFailureStore for Storage {
    fn login_failures(&self, keys: &[String]) -> Result<Vec<Failures>, StorageError> {
        self.read(|c| keys.iter().map(|key| load(c, key)).collect())
    }

    fn record_login_failure(
        &self,
        key: String,
        fail: Box<dyn FnOnce(&mut Failures) + Send>,
        forget_before: i64,
    ) -> Result<Failures, StorageError> {
        self.write(move |c| {
            c.prepare_cached(
                "DELETE FROM login_failures WHERE last_ms < ?1 AND locked_until_ms < ?1",
            )?
            .execute([forget_before])?;
            let mut failures = load(c, &key)?;
            fail(&mut failures);
            c.prepare_cached(
                "INSERT INTO login_failures (key, count, last_ms, locked_until_ms)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET count = excluded.count,
                   last_ms = excluded.last_ms, locked_until_ms = excluded.locked_until_ms",
            )?
            .execute((
                &key,
                i64::from(failures.count),
                failures.last_ms,
                failures.locked_until_ms,
            ))?;
            Ok(failures)
        })
    }

    fn clear_login_failures(&self, key: String) -> Result<(), StorageError> {
        self.write(move |c| {
            c.prepare_cached("DELETE FROM login_failures WHERE key = ?1")?
                .execute([key])?;
            Ok(())
        })
    }
}
