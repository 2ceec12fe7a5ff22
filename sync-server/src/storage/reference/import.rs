//! Importing a city's base data into SQLite: everything held, read for the import's checks,
//! and the import's plan written in one transaction at one new reference version — rows added
//! or changed upserted by their code, rows the file no longer has retired, never deleted.

use super::version;
use crate::storage::ReferenceImport;
use crate::storage::import_rows::{self, Applied, Held, ImportBase, ImportPlan, Retirements};
use crate::storage::{ComponentRow, DepartmentRow, UnitGridRow, WorkGridRow};
use crate::storage::{Storage, StorageError};
use rusqlite::{Connection, Row};

impl ReferenceImport for Storage {
    fn import_base(&self) -> Result<ImportBase, StorageError> {
        self.read(|c| {
            // The version first: a write landing while the rows are read makes the plan stale,
            // never wrong.
            Ok(ImportBase {
                version: version::current(c)?,
                departments: all(c, import_rows::DEPARTMENTS, |r| import_rows::department(r))?,
                work_grids: all(c, import_rows::WORK_GRIDS, |r| import_rows::work_grid(r))?,
                unit_grids: all(c, import_rows::UNIT_GRIDS, |r| import_rows::unit_grid(r))?,
                components: all(c, import_rows::COMPONENTS, |r| import_rows::component(r))?,
            })
        })
    }
    fn apply_import(&self, plan: ImportPlan) -> Result<Applied, StorageError> {
        self.write(move |c| {
            let current = version::current(c)?;
            if current != plan.base_version {
                return Ok(Applied::Stale);
            }
            if plan.is_empty() {
                return Ok(Applied::At(current));
            }
            let at = version::to_sql(version::bump(c)?);
            write_plan(c, &plan, at)?;
            Ok(Applied::At(version::current(c)?))
        })
    }
}

fn all<T>(
    c: &Connection,
    sql: &str,
    row: impl Fn(&Row<'_>) -> Result<Held<T>, StorageError>,
) -> Result<Vec<Held<T>>, StorageError> {
    let mut statement = c.prepare(sql)?;
    let mut rows = statement.query([])?;
    let mut held = Vec::new();
    while let Some(r) = rows.next()? {
        held.push(row(r)?);
    }
    Ok(held)
}

fn write_plan(c: &Connection, plan: &ImportPlan, at: i64) -> Result<(), StorageError> {
    upsert_departments(c, &plan.departments, at)?;
    upsert_work_grids(c, &plan.work_grids, at)?;
    upsert_unit_grids(c, &plan.unit_grids, at)?;
    upsert_components(c, &plan.components, at)?;
    retire(c, &plan.retire, at)
}

/// Adds or changes departments, stamped with version `at` and in service.
pub(in crate::storage) fn upsert_departments(
    c: &Connection,
    rows: &[DepartmentRow],
    at: i64,
) -> Result<(), StorageError> {
    for d in rows {
        c.prepare_cached(
            "INSERT INTO departments (id, code, name, version, retired) VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name,
               version = excluded.version, retired = 0",
        )?
        .execute((d.id, &d.code, &d.name, at))?;
    }
    Ok(())
}

/// Adds or changes work grids, stamped with version `at` and in service.
pub(in crate::storage) fn upsert_work_grids(
    c: &Connection,
    rows: &[WorkGridRow],
    at: i64,
) -> Result<(), StorageError> {
    for w in rows {
        c.prepare_cached(
            "INSERT INTO work_grids (code, name, inspector_user, version, retired)
             VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name,
               inspector_user = excluded.inspector_user, version = excluded.version, retired = 0",
        )?
        .execute((
            w.code.as_str(),
            &w.name,
            w.inspector.as_ref().map(|u| u.as_bytes().as_slice()),
            at,
        ))?;
    }
    Ok(())
}

/// Adds or changes unit grids, stamped with version `at` and in service.
pub(in crate::storage) fn upsert_unit_grids(
    c: &Connection,
    rows: &[UnitGridRow],
    at: i64,
) -> Result<(), StorageError> {
    for g in rows {
        c.prepare_cached(
            "INSERT INTO unit_grids (code, street_code, street_name, community_code,
               community_name, work_grid, min_lon, min_lat, max_lon, max_lat, polygon,
               version, retired)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0)
             ON CONFLICT (code) DO UPDATE SET street_name = excluded.street_name,
               community_name = excluded.community_name, work_grid = excluded.work_grid,
               min_lon = excluded.min_lon, min_lat = excluded.min_lat,
               max_lon = excluded.max_lon, max_lat = excluded.max_lat,
               polygon = excluded.polygon, version = excluded.version, retired = 0",
        )?
        .execute(rusqlite::params![
            g.code.as_str(),
            g.code.street(),
            &g.street_name,
            g.code.community(),
            &g.community_name,
            g.work_grid.as_str(),
            g.min_lon,
            g.min_lat,
            g.max_lon,
            g.max_lat,
            serde_json::to_string(&g.polygon).expect("coordinates always serialize"),
            at,
        ])?;
    }
    Ok(())
}

/// Adds or changes components, stamped with version `at` and in service.
pub(in crate::storage) fn upsert_components(
    c: &Connection,
    rows: &[ComponentRow],
    at: i64,
) -> Result<(), StorageError> {
    for p in rows {
        c.prepare_cached(
            "INSERT INTO components (id, class, subclass, lon, lat, unit_grid,
               owner_department, maintainer_department, version, retired)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)
             ON CONFLICT (id) DO UPDATE SET lon = excluded.lon, lat = excluded.lat,
               unit_grid = excluded.unit_grid, owner_department = excluded.owner_department,
               maintainer_department = excluded.maintainer_department,
               version = excluded.version, retired = 0",
        )?
        .execute((
            p.id.as_str(),
            p.id.class(),
            p.id.subclass(),
            p.lon,
            p.lat,
            p.unit_grid.as_str(),
            p.owner_department,
            p.maintainer_department,
            at,
        ))?;
    }
    Ok(())
}

fn retire(c: &Connection, r: &Retirements, at: i64) -> Result<(), StorageError> {
    let retire = |table: &str, key: &str, values: Vec<String>| -> Result<(), StorageError> {
        let sql = format!("UPDATE {table} SET retired = 1, version = ?2 WHERE {key} = ?1");
        for value in values {
            c.prepare_cached(&sql)?.execute((value, at))?;
        }
        Ok(())
    };
    for id in &r.departments {
        c.prepare_cached("UPDATE departments SET retired = 1, version = ?2 WHERE id = ?1")?
            .execute((id, at))?;
    }
    retire(
        "work_grids",
        "code",
        r.work_grids.iter().map(|g| g.to_string()).collect(),
    )?;
    retire(
        "unit_grids",
        "code",
        r.unit_grids.iter().map(|g| g.to_string()).collect(),
    )?;
    retire(
        "components",
        "id",
        r.components.iter().map(|g| g.to_string()).collect(),
    )?;
    Ok(())
}
