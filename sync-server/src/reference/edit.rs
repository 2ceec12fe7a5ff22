//! Changing reference data: every edit moves the reference version on and stamps the rows it
//! touches with it, so devices get the change with their next delta. Nothing is deleted: a
//! component taken out of service is retired.

use super::version;
use crate::storage::{Storage, StorageError};
use cgt_shared::geo::PositionError;
use cgt_shared::{ComponentId, GridCode, Position};
use rusqlite::{Connection, OptionalExtension};
use thiserror::Error;

/// A component (部件) as an administrator or a re-survey (部件普查) sets it.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentChange {
    pub id: ComponentId,
    pub lon: f64,
    pub lat: f64,
    pub unit_grid: GridCode,
    pub owner_department: Option<i64>,
    pub maintainer_department: Option<i64>,
}

#[derive(Debug, Error)]
pub enum EditError {
    #[error("部件位置无效: {0}")]
    Position(#[from] PositionError),
    #[error("单元网格 {0} 不存在或已停用")]
    UnknownUnitGrid(GridCode),
    #[error("部门 {0} 不存在或已停用")]
    UnknownDepartment(i64),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl Storage {
    /// Adds or changes a component, bringing a retired one back into service. Returns the new
    /// reference version.
    pub fn put_component(&self, change: ComponentChange) -> Result<u64, EditError> {
        Position::new(change.lat, change.lon, 0.0).validate()?;
        self.write(move |c| {
            if !in_service(c, "unit_grids", "code", change.unit_grid.as_str())? {
                return Ok(Err(EditError::UnknownUnitGrid(change.unit_grid)));
            }
            for department in [change.owner_department, change.maintainer_department]
                .into_iter()
                .flatten()
            {
                if !in_service(c, "departments", "id", department)? {
                    return Ok(Err(EditError::UnknownDepartment(department)));
                }
            }
            let at = version::bump(c)?;
            c.prepare_cached(
                "INSERT INTO components (id, class, subclass, lon, lat, unit_grid,
                   owner_department, maintainer_department, version, retired)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)
                 ON CONFLICT (id) DO UPDATE SET lon = excluded.lon, lat = excluded.lat,
                   unit_grid = excluded.unit_grid,
                   owner_department = excluded.owner_department,
                   maintainer_department = excluded.maintainer_department,
                   version = excluded.version, retired = 0",
            )?
            .execute((
                change.id.as_str(),
                change.id.class(),
                change.id.subclass(),
                change.lon,
                change.lat,
                change.unit_grid.as_str(),
                change.owner_department,
                change.maintainer_department,
                version::to_sql(at),
            ))?;
            Ok(Ok(at))
        })?
    }

    /// Takes a component out of service. Returns the new reference version, or `None` when no
    /// component in service has this id.
    pub fn retire_component(&self, id: ComponentId) -> Result<Option<u64>, StorageError> {
        self.write(move |c| {
            if !in_service(c, "components", "id", id.as_str())? {
                return Ok(None);
            }
            let at = version::bump(c)?;
            c.prepare_cached("UPDATE components SET retired = 1, version = ?2 WHERE id = ?1")?
                .execute((id.as_str(), version::to_sql(at)))?;
            Ok(Some(at))
        })
    }
}

/// Whether `table` has a row in service whose `key` column is `value`.
fn in_service(
    c: &Connection,
    table: &str,
    key: &str,
    value: impl rusqlite::ToSql,
) -> Result<bool, StorageError> {
    let sql = format!("SELECT 1 FROM {table} WHERE {key} = ?1 AND retired = 0");
    Ok(c.prepare_cached(&sql)?
        .query_row([value], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{CitySeed, DepartmentRow, UnitGridRow, WorkGridRow};

    const GRID: &str = "320508001001001";

    fn storage_with_one_grid() -> (tempfile::TempDir, Storage) {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        let (w, s, e, n) = (120.585, 31.3277778, 120.5875, 31.33);
        storage
            .seed_city(CitySeed {
                departments: vec![DepartmentRow {
                    id: 1,
                    code: "szglc".into(),
                    name: "市政管理处".into(),
                }],
                work_grids: vec![WorkGridRow {
                    code: "320508001001901".parse().unwrap(),
                    name: "拙政园社区工作网格".into(),
                    inspector: None,
                }],
                unit_grids: vec![UnitGridRow {
                    code: GRID.parse().unwrap(),
                    street_name: "平江街道".into(),
                    community_name: "拙政园社区".into(),
                    work_grid: "320508001001901".parse().unwrap(),
                    polygon: vec![[w, n], [e, n], [e, s], [w, s], [w, n]],
                    min_lon: w,
                    min_lat: s,
                    max_lon: e,
                    max_lat: n,
                }],
                ..CitySeed::default()
            })
            .unwrap();
        (dir, storage)
    }

    fn change(unit_grid: &str, lat: f64, department: i64) -> ComponentChange {
        ComponentChange {
            id: "3205080101000001".parse().unwrap(),
            lon: 120.586,
            lat,
            unit_grid: unit_grid.parse().unwrap(),
            owner_department: Some(department),
            maintainer_department: None,
        }
    }

    #[test]
    fn every_edit_moves_the_version_on_and_bad_ones_change_nothing() {
        let (_dir, storage) = storage_with_one_grid();
        let version = || storage.read(version::current).unwrap();
        assert_eq!(version(), 1);
        assert_eq!(storage.put_component(change(GRID, 31.329, 1)).unwrap(), 2);
        assert_eq!(storage.put_component(change(GRID, 31.3291, 1)).unwrap(), 3);
        let refusals = [
            change("320508001001002", 31.329, 1),
            change(GRID, 91.0, 1),
            change(GRID, 31.329, 99),
        ];
        for bad in refusals {
            assert!(storage.put_component(bad).is_err());
        }
        let id: ComponentId = "3205080101000001".parse().unwrap();
        assert_eq!(storage.retire_component(id.clone()).unwrap(), Some(4));
        assert_eq!(storage.retire_component(id).unwrap(), None);
        assert_eq!(storage.put_component(change(GRID, 31.329, 1)).unwrap(), 5);
        assert_eq!(version(), 5);
    }

    #[test]
    fn reference_rows_cannot_be_deleted() {
        let (_dir, storage) = storage_with_one_grid();
        storage.put_component(change(GRID, 31.329, 1)).unwrap();
        for table in ["components", "unit_grids", "work_grids", "departments"] {
            let deleted =
                storage.write(move |c| Ok(c.execute(&format!("DELETE FROM {table}"), [])?));
            assert!(deleted.is_err(), "{table}");
        }
    }
}
