//! Seeding a city: its departments, users, grids and components, written in one transaction
//! with one statement per table and batch (arrays unnested into rows), not one per row.

use super::super::PgStorage;
use super::super::accounts::insert_user;
use super::query::count;
use super::version;
use crate::storage::{
    CitySeed, CityStore, CitySummary, ComponentRow, DepartmentRow, StorageError, UnitGridRow,
    WorkGridRow,
};
use postgres::Transaction;
use postgres::types::ToSql;

/// Rows written by one statement: a city of any size in few round trips, each message bounded.
const BATCH: usize = 1000;

impl CityStore for PgStorage {
    fn seed_city(&self, seed: CitySeed) -> Result<Option<CitySummary>, StorageError> {
        self.write(move |tx| {
            // A second process seeding at the same time waits, then finds the users and stops.
            version::lock(tx)?;
            let users = count(&tx.query_one("SELECT count(*) FROM users", &[])?, 0)?;
            if users > 0 {
                return Ok(None);
            }
            insert_departments(tx, &seed.departments)?;
            for user in &seed.users {
                insert_user(tx, user)?;
            }
            insert_work_grids(tx, &seed.work_grids)?;
            insert_unit_grids(tx, &seed.unit_grids)?;
            insert_components(tx, &seed.components)?;
            summary(tx).map(Some)
        })
    }
}

fn insert_departments(
    tx: &mut Transaction<'_>,
    rows: &[DepartmentRow],
) -> Result<(), StorageError> {
    let insert = tx.prepare(
        "INSERT INTO departments (id, code, name)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])",
    )?;
    for batch in rows.chunks(BATCH) {
        let ids: Vec<i64> = batch.iter().map(|d| d.id).collect();
        let codes: Vec<&str> = batch.iter().map(|d| d.code.as_str()).collect();
        let names: Vec<&str> = batch.iter().map(|d| d.name.as_str()).collect();
        tx.execute(&insert, &[&ids, &codes, &names])?;
    }
    Ok(())
}

fn insert_work_grids(tx: &mut Transaction<'_>, rows: &[WorkGridRow]) -> Result<(), StorageError> {
    let insert = tx.prepare(
        "INSERT INTO work_grids (code, name, inspector_user)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])",
    )?;
    for batch in rows.chunks(BATCH) {
        let codes: Vec<&str> = batch.iter().map(|w| w.code.as_str()).collect();
        let names: Vec<&str> = batch.iter().map(|w| w.name.as_str()).collect();
        let inspectors: Vec<Option<&[u8]>> = batch
            .iter()
            .map(|w| w.inspector.as_ref().map(|u| u.as_bytes().as_slice()))
            .collect();
        tx.execute(&insert, &[&codes, &names, &inspectors])?;
    }
    Ok(())
}

fn insert_unit_grids(tx: &mut Transaction<'_>, rows: &[UnitGridRow]) -> Result<(), StorageError> {
    let insert = tx.prepare(
        "INSERT INTO unit_grids (code, street_code, street_name, community_code,
           community_name, work_grid, min_lon, min_lat, max_lon, max_lat, polygon)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
           $6::text[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::text[])",
    )?;
    for batch in rows.chunks(BATCH) {
        let codes: Vec<&str> = batch.iter().map(|g| g.code.as_str()).collect();
        let street_codes: Vec<&str> = batch.iter().map(|g| g.code.street()).collect();
        let streets: Vec<&str> = batch.iter().map(|g| g.street_name.as_str()).collect();
        let community_codes: Vec<&str> = batch.iter().map(|g| g.code.community()).collect();
        let communities: Vec<&str> = batch.iter().map(|g| g.community_name.as_str()).collect();
        let work_grids: Vec<&str> = batch.iter().map(|g| g.work_grid.as_str()).collect();
        let min_lons: Vec<f64> = batch.iter().map(|g| g.min_lon).collect();
        let min_lats: Vec<f64> = batch.iter().map(|g| g.min_lat).collect();
        let max_lons: Vec<f64> = batch.iter().map(|g| g.max_lon).collect();
        let max_lats: Vec<f64> = batch.iter().map(|g| g.max_lat).collect();
        let polygons: Vec<String> = batch
            .iter()
            .map(|g| serde_json::to_string(&g.polygon).expect("coordinates always serialize"))
            .collect();
        tx.execute(
            &insert,
            &[
                &codes,
                &street_codes,
                &streets,
                &community_codes,
                &communities,
                &work_grids,
                &min_lons,
                &min_lats,
                &max_lons,
                &max_lats,
                &polygons,
            ],
        )?;
    }
    Ok(())
}

fn insert_components(tx: &mut Transaction<'_>, rows: &[ComponentRow]) -> Result<(), StorageError> {
    let insert = tx.prepare(
        "INSERT INTO components (id, class, subclass, lon, lat, unit_grid,
           owner_department, maintainer_department)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::float8[],
           $5::float8[], $6::text[], $7::bigint[], $8::bigint[])",
    )?;
    for batch in rows.chunks(BATCH) {
        let ids: Vec<&str> = batch.iter().map(|p| p.id.as_str()).collect();
        let classes: Vec<i64> = batch.iter().map(|p| i64::from(p.id.class())).collect();
        let subclasses: Vec<i64> = batch.iter().map(|p| i64::from(p.id.subclass())).collect();
        let lons: Vec<f64> = batch.iter().map(|p| p.lon).collect();
        let lats: Vec<f64> = batch.iter().map(|p| p.lat).collect();
        let unit_grids: Vec<&str> = batch.iter().map(|p| p.unit_grid.as_str()).collect();
        let owners: Vec<i64> = batch.iter().map(|p| p.owner_department).collect();
        let maintainers: Vec<i64> = batch.iter().map(|p| p.maintainer_department).collect();
        tx.execute(
            &insert,
            &[
                &ids,
                &classes,
                &subclasses,
                &lons,
                &lats,
                &unit_grids,
                &owners,
                &maintainers,
            ],
        )?;
    }
    Ok(())
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
