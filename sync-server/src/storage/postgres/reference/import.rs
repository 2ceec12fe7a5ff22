//! Importing a city's base data into PostgreSQL: everything held, read in one snapshot, and the
//! import's plan written in one transaction at one new reference version, a statement per
//! table and batch (arrays unnested into rows) — the same rows as the embedded store writes.

use super::super::PgStorage;
use super::version;
use crate::storage::import_rows::{self, Applied, Held, ImportBase, ImportPlan, Retirements};
use crate::storage::reference::version::to_sql;
use crate::storage::{ComponentRow, DepartmentRow, UnitGridRow, WorkGridRow};
use crate::storage::{ReferenceImport, StorageError};
use postgres::{Row, Transaction};

/// Rows written by one statement: a city of any size in few round trips, each message bounded.
const BATCH: usize = 1000;

impl ReferenceImport for PgStorage {
    fn import_base(&self) -> Result<ImportBase, StorageError> {
        self.read(|tx| {
            Ok(ImportBase {
                version: version::current(tx)?,
                departments: all(tx, import_rows::DEPARTMENTS, import_rows::department)?,
                work_grids: all(tx, import_rows::WORK_GRIDS, import_rows::work_grid)?,
                unit_grids: all(tx, import_rows::UNIT_GRIDS, import_rows::unit_grid)?,
                components: all(tx, import_rows::COMPONENTS, import_rows::component)?,
            })
        })
    }

    fn apply_import(&self, plan: ImportPlan) -> Result<Applied, StorageError> {
        self.write(move |tx| {
            version::lock(tx)?;
            let current = version::current(tx)?;
            if current != plan.base_version {
                return Ok(Applied::Stale);
            }
            if plan.is_empty() {
                return Ok(Applied::At(current));
            }
            let at = version::bump(tx)?;
            write_plan(tx, &plan, to_sql(at))?;
            Ok(Applied::At(at))
        })
    }
}

fn all<T>(
    tx: &mut Transaction<'_>,
    sql: &str,
    row: impl Fn(&Row) -> Result<Held<T>, StorageError>,
) -> Result<Vec<Held<T>>, StorageError> {
    tx.query(sql, &[])?.iter().map(row).collect()
}

fn write_plan(tx: &mut Transaction<'_>, plan: &ImportPlan, at: i64) -> Result<(), StorageError> {
    upsert_departments(tx, &plan.departments, at)?;
    upsert_work_grids(tx, &plan.work_grids, at)?;
    upsert_unit_grids(tx, &plan.unit_grids, at)?;
    upsert_components(tx, &plan.components, at)?;
    retire(tx, &plan.retire, at)
}

/// Adds or changes departments, stamped with version `at` and in service.
pub(in crate::storage::postgres) fn upsert_departments(
    tx: &mut Transaction<'_>,
    rows: &[DepartmentRow],
    at: i64,
) -> Result<(), StorageError> {
    let departments = tx.prepare(
        "INSERT INTO departments (id, code, name, version, retired)
         SELECT id, code, name, $4, 0 FROM unnest($1::bigint[], $2::text[], $3::text[])
           AS t(id, code, name)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name,
           version = excluded.version, retired = 0",
    )?;
    for batch in rows.chunks(BATCH) {
        let ids: Vec<i64> = batch.iter().map(|d| d.id).collect();
        let codes: Vec<&str> = batch.iter().map(|d| d.code.as_str()).collect();
        let names: Vec<&str> = batch.iter().map(|d| d.name.as_str()).collect();
        tx.execute(&departments, &[&ids, &codes, &names, &at])?;
    }
    Ok(())
}

/// Adds or changes work grids, stamped with version `at` and in service.
pub(in crate::storage::postgres) fn upsert_work_grids(
    tx: &mut Transaction<'_>,
    rows: &[WorkGridRow],
    at: i64,
) -> Result<(), StorageError> {
    let work_grids = tx.prepare(
        "INSERT INTO work_grids (code, name, inspector_user, version, retired)
         SELECT code, name, inspector, $4, 0
           FROM unnest($1::text[], $2::text[], $3::bytea[]) AS t(code, name, inspector)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name,
           inspector_user = excluded.inspector_user, version = excluded.version, retired = 0",
    )?;
    for batch in rows.chunks(BATCH) {
        let codes: Vec<&str> = batch.iter().map(|w| w.code.as_str()).collect();
        let names: Vec<&str> = batch.iter().map(|w| w.name.as_str()).collect();
        let inspectors: Vec<Option<&[u8]>> = batch
            .iter()
            .map(|w| w.inspector.as_ref().map(|u| u.as_bytes().as_slice()))
            .collect();
        tx.execute(&work_grids, &[&codes, &names, &inspectors, &at])?;
    }
    Ok(())
}

/// Adds or changes unit grids, stamped with version `at` and in service.
pub(in crate::storage::postgres) fn upsert_unit_grids(
    tx: &mut Transaction<'_>,
    rows: &[UnitGridRow],
    at: i64,
) -> Result<(), StorageError> {
    let unit_grids = tx.prepare(
        "INSERT INTO unit_grids (code, street_code, street_name, community_code,
           community_name, work_grid, min_lon, min_lat, max_lon, max_lat, polygon, version,
           retired)
         SELECT *, $12, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
           $5::text[], $6::text[], $7::float8[], $8::float8[], $9::float8[], $10::float8[],
           $11::text[])
         ON CONFLICT (code) DO UPDATE SET street_name = excluded.street_name,
           community_name = excluded.community_name, work_grid = excluded.work_grid,
           min_lon = excluded.min_lon, min_lat = excluded.min_lat,
           max_lon = excluded.max_lon, max_lat = excluded.max_lat,
           polygon = excluded.polygon, version = excluded.version, retired = 0",
    )?;
    for batch in rows.chunks(BATCH) {
        let codes: Vec<&str> = batch.iter().map(|g| g.code.as_str()).collect();
        let street_codes: Vec<&str> = batch.iter().map(|g| g.code.street()).collect();
        let streets: Vec<&str> = batch.iter().map(|g| g.street_name.as_str()).collect();
        let community_codes: Vec<&str> = batch.iter().map(|g| g.code.community()).collect();
        let communities: Vec<&str> = batch.iter().map(|g| g.community_name.as_str()).collect();
        let parents: Vec<&str> = batch.iter().map(|g| g.work_grid.as_str()).collect();
        let min_lons: Vec<f64> = batch.iter().map(|g| g.min_lon).collect();
        let min_lats: Vec<f64> = batch.iter().map(|g| g.min_lat).collect();
        let max_lons: Vec<f64> = batch.iter().map(|g| g.max_lon).collect();
        let max_lats: Vec<f64> = batch.iter().map(|g| g.max_lat).collect();
        let polygons: Vec<String> = batch
            .iter()
            .map(|g| serde_json::to_string(&g.polygon).expect("coordinates always serialize"))
            .collect();
        tx.execute(
            &unit_grids,
            &[
                &codes,
                &street_codes,
                &streets,
                &community_codes,
                &communities,
                &parents,
                &min_lons,
                &min_lats,
                &max_lons,
                &max_lats,
                &polygons,
                &at,
            ],
        )?;
    }
    Ok(())
}

/// Adds or changes components, stamped with version `at` and in service.
pub(in crate::storage::postgres) fn upsert_components(
    tx: &mut Transaction<'_>,
    rows: &[ComponentRow],
    at: i64,
) -> Result<(), StorageError> {
    let components = tx.prepare(
        "INSERT INTO components (id, class, subclass, lon, lat, unit_grid, owner_department,
           maintainer_department, version, retired)
         SELECT *, $9, 0 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::float8[],
           $5::float8[], $6::text[], $7::bigint[], $8::bigint[])
         ON CONFLICT (id) DO UPDATE SET lon = excluded.lon, lat = excluded.lat,
           unit_grid = excluded.unit_grid, owner_department = excluded.owner_department,
           maintainer_department = excluded.maintainer_department,
           version = excluded.version, retired = 0",
    )?;
    for batch in rows.chunks(BATCH) {
        let ids: Vec<&str> = batch.iter().map(|p| p.id.as_str()).collect();
        let classes: Vec<i64> = batch.iter().map(|p| i64::from(p.id.class())).collect();
        let subclasses: Vec<i64> = batch.iter().map(|p| i64::from(p.id.subclass())).collect();
        let lons: Vec<f64> = batch.iter().map(|p| p.lon).collect();
        let lats: Vec<f64> = batch.iter().map(|p| p.lat).collect();
        let grids: Vec<&str> = batch.iter().map(|p| p.unit_grid.as_str()).collect();
        let owners: Vec<i64> = batch.iter().map(|p| p.owner_department).collect();
        let maintainers: Vec<i64> = batch.iter().map(|p| p.maintainer_department).collect();
        tx.execute(
            &components,
            &[
                &ids,
                &classes,
                &subclasses,
                &lons,
                &lats,
                &grids,
                &owners,
                &maintainers,
                &at,
            ],
        )?;
    }
    Ok(())
}

fn retire(tx: &mut Transaction<'_>, r: &Retirements, at: i64) -> Result<(), StorageError> {
    tx.execute(
        "UPDATE departments SET retired = 1, version = $2 WHERE id = ANY($1)",
        &[&r.departments, &at],
    )?;
    for (table, key, values) in [
        ("work_grids", "code", strings(&r.work_grids)),
        ("unit_grids", "code", strings(&r.unit_grids)),
        ("components", "id", strings(&r.components)),
    ] {
        let sql = format!("UPDATE {table} SET retired = 1, version = $2 WHERE {key} = ANY($1)");
        for batch in values.chunks(BATCH) {
            tx.execute(&sql, &[&batch, &at])?;
        }
    }
    Ok(())
}

fn strings<T: ToString>(values: &[T]) -> Vec<String> {
    values.iter().map(T::to_string).collect()
}
