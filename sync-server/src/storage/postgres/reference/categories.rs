//! The category table as reference data: the table a server starts with is recorded under the
//! reference version at which it first appeared, so devices download it again only after it
//! changed (a city loading its own table, or a new edition of it).

use super::super::PgStorage;
use super::version;
use crate::clock;
use crate::storage::reference::version::to_sql;
use crate::storage::{CategoryStore, StorageError};
use cgt_shared::CategoryTable;
use postgres::Transaction;

impl CategoryStore for PgStorage {
    fn record_categories(&self, table: &CategoryTable) -> Result<u64, StorageError> {
        let table = table.clone();
        let body = serde_json::to_string(&table)
            .map_err(|e| StorageError::Corrupt(format!("category table: {e}")))?;
        self.write(move |tx| {
            // Two processes starting with the same table record it once.
            version::lock(tx)?;
            let changed = match latest(tx)? {
                Some((at, recorded)) if recorded == table => return Ok(at),
                Some(_) => version::bump(tx)?,
                // The first table recorded: no device can hold an older one.
                None => version::current(tx)?,
            };
            tx.execute(
                "INSERT INTO category_tables (version, body, recorded_at) VALUES ($1, $2, $3)",
                &[&to_sql(changed), &body, &clock::now().millis()],
            )?;
            Ok(changed)
        })
    }
}

/// The latest recorded table and the version it appeared at.
pub(super) fn latest(
    tx: &mut Transaction<'_>,
) -> Result<Option<(u64, CategoryTable)>, StorageError> {
    let Some(row) = tx.query_opt(
        "SELECT version, body FROM category_tables ORDER BY version DESC LIMIT 1",
        &[],
    )?
    else {
        return Ok(None);
    };
    let at: i64 = row.try_get(0)?;
    let table = serde_json::from_str(row.try_get(1)?)
        .map_err(|e| StorageError::Corrupt(format!("category table {at}: {e}")))?;
    Ok(Some((u64::try_from(at).unwrap_or(0), table)))
}
