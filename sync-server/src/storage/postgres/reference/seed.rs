//! Seeding a city: its departments, users, grids and components, written in one transaction
//! with one statement per table and batch (arrays unnested into rows), not one per row.

use super::super::PgStorage;
use super::super::accounts::insert_user;
use super::import;
use super::query::count;
use super::version;
use crate::storage::{CitySeed, CityStore, CitySummary, StorageError};
use postgres::Transaction;
use postgres::types::ToSql;

impl CityStore for PgStorage {
    fn seed_city(&self, seed: CitySeed) -> Result<Option<CitySummary>, StorageError> {
        self.write(move |tx| {
            // A second process seeding at the same time waits, then finds the users and stops.
            version::lock(tx)?;
            let users = count(&tx.query_one("SELECT count(*) FROM users", &[])?, 0)?;
            if users > 0 {
                return Ok(None);
            }
            // The city's rows at the first reference version, written as an import writes them.
            const FIRST: i64 = 1;
            import::upsert_departments(tx, &seed.departments, FIRST)?;
            for user in &seed.users {
                insert_user(tx, user)?;
            }
            import::upsert_work_grids(tx, &seed.work_grids, FIRST)?;
            import::upsert_unit_grids(tx, &seed.unit_grids, FIRST)?;
            import::upsert_components(tx, &seed.components, FIRST)?;
            summary(tx).map(Some)
        })
    }
}

fn summary(tx: &mut Transaction<'_>) -> Result<CitySummary, StorageError> {
    let row = tx.query_one(
        "SELECT (SELECT count(*) FROM departments), (SELECT count(*) FROM users),
           (SELECT count(*) FROM work_grids), (SELECT count(*) FROM unit_grids),
           (SELECT count(*) FROM components)",
        &[],
    )?;
    Ok(CitySummary {
        departments: count(&row, 0)?,
        users: count(&row, 1)?,
        work_grids: count(&row, 2)?,
        unit_grids: count(&row, 3)?,
        components: count(&row, 4)?,
    })
}

/// Whether `table` has a row in service (not retired) whose `key` column is `value`.
pub(in crate::storage::postgres) fn in_service(
    tx: &mut Transaction<'_>,
    table: &str,
    key: &str,
    value: &(dyn ToSql + Sync),
) -> Result<bool, StorageError> {
    let sql = format!("SELECT 1 FROM {table} WHERE {key} = $1 AND retired = 0");
    Ok(tx.query_opt(&sql, &[value])?.is_some())
}
