//! The category table as reference data: the table a server starts with is recorded under the
//! reference version at which it first appeared, so devices download it again only after it
//! changed (a city loading its own table, or a new edition of it).

use super::version;
use crate::clock;
use crate::storage::CategoryStore;
use crate::storage::{Storage, StorageError};
use cgt_shared::CategoryTable;
use rusqlite::{Connection, OptionalExtension};

impl CategoryStore for Storage {
    fn record_categories(&self, table: &CategoryTable) -> Result<u64, StorageError> {
        let table = table.clone();
        let body = serde_json::to_string(&table)
            .map_err(|e| StorageError::Corrupt(format!("category table: {e}")))?;
        self.write(move |c| {
            let changed = match latest(c)? {
                Some((at, recorded)) if recorded == table => return Ok(at),
                Some(_) => version::bump(c)?,
                // The first table recorded: no device can hold an older one.
                None => version::current(c)?,
            };
            c.execute(
                "INSERT INTO category_tables (version, body, recorded_at) VALUES (?1, ?2, ?3)",
                (version::to_sql(changed), &body, clock::now().millis()),
            )?;
            Ok(changed)
        })
    }
}

/// The latest recorded table and the version it appeared at.
pub(crate) fn latest(c: &Connection) -> Result<Option<(u64, CategoryTable)>, StorageError> {
    let row: Option<(i64, String)> = c
        .prepare_cached("SELECT version, body FROM category_tables ORDER BY version DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(at, body)| {
        let table = serde_json::from_str(&body)
            .map_err(|e| StorageError::Corrupt(format!("category table {at}: {e}")))?;
        Ok((u64::try_from(at).unwrap_or(0), table))
    })
    .transpose()
}
