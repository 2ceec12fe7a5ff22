//! Changing reference data: every edit moves the reference version on and stamps the rows it
//! touches with it, so devices get the change with their next delta. Nothing is deleted: a
//! component taken out of service is retired.

use super::version;
use crate::reference::{ChangeTargets, ComponentChange, EditError, Intent, refusal};
use crate::storage::ReferenceEditor;
use crate::storage::{Storage, StorageError, in_service, is_active_inspector};
use cgt_shared::{ComponentId, GridCode, Position, UserId};
use rusqlite::{Connection, OptionalExtension};

impl ReferenceEditor for Storage {
    fn put_component(&self, change: ComponentChange) -> Result<u64, EditError> {
        self.edit_component(change, Intent::AddOrChange)
    }

    fn edit_component(&self, change: ComponentChange, intent: Intent) -> Result<u64, EditError> {
        Position::new(change.lat, change.lon, 0.0).validate()?;
        self.write(move |c| {
            if let Some(refused) = refusal(&change, intent, &targets(c, &change)?) {
                return Ok(Err(refused));
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

    fn retire_component(&self, id: ComponentId) -> Result<Option<u64>, StorageError> {
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

    fn assign_work_grid(
        &self,
        code: GridCode,
        inspector: Option<UserId>,
    ) -> Result<u64, EditError> {
        self.write(move |c| {
            let current: Option<Option<Vec<u8>>> = c
                .prepare_cached(
                    "SELECT inspector_user FROM work_grids WHERE code = ?1 AND retired = 0",
                )?
                .query_row([code.as_str()], |r| r.get(0))
                .optional()?;
            let Some(current) = current else {
                return Ok(Err(EditError::UnknownWorkGrid(code)));
            };
            if let Some(user) = inspector
                && !is_active_inspector(c, user)?
            {
                return Ok(Err(EditError::NotAnInspector(user)));
            }
            let wanted = inspector.map(|u| u.as_bytes().to_vec());
            if current == wanted {
                return Ok(Ok(version::current(c)?));
            }
            let at = version::bump(c)?;
            c.prepare_cached(
                "UPDATE work_grids SET inspector_user = ?2, version = ?3 WHERE code = ?1",
            )?
            .execute((code.as_str(), wanted, version::to_sql(at)))?;
            Ok(Ok(at))
        })?
    }
}

/// What the database holds of the rows `change` names; nothing is written here.
fn targets(c: &Connection, change: &ComponentChange) -> Result<ChangeTargets, StorageError> {
    let known = c
        .prepare_cached("SELECT 1 FROM components WHERE id = ?1")?
        .query_row([change.id.as_str()], |_| Ok(()))
        .optional()?
        .is_some();
    let outline = c
        .prepare_cached("SELECT polygon FROM unit_grids WHERE code = ?1 AND retired = 0")?
        .query_row([change.unit_grid.as_str()], |r| r.get::<_, String>(0))
        .optional()?
        .map(|text| {
            serde_json::from_str(&text).map_err(|e| {
                StorageError::Corrupt(format!("outline of unit grid {}: {e}", change.unit_grid))
            })
        })
        .transpose()?;
    let mut departments_in_service = Vec::new();
    for department in [change.owner_department, change.maintainer_department]
        .into_iter()
        .flatten()
    {
        if in_service(c, "departments", "id", department)? {
            departments_in_service.push(department);
        }
    }
    Ok(ChangeTargets {
        known,
        outline,
        departments_in_service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{CitySeed, CityStore, DepartmentRow, UnitGridRow, UserStore, WorkGridRow};

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
            change(GRID, 31.3301, 1),
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

    #[test]
    fn adding_and_changing_are_told_apart() {
        let (_dir, storage) = storage_with_one_grid();
        let edit = |lat, intent| storage.edit_component(change(GRID, lat, 1), intent);
        assert!(matches!(
            edit(31.329, Intent::Change),
            Err(EditError::UnknownComponent(_))
        ));
        assert_eq!(edit(31.329, Intent::Add).unwrap(), 2);
        assert!(matches!(
            edit(31.329, Intent::Add),
            Err(EditError::ComponentExists(_))
        ));
        // On the grid's northern edge counts as in it.
        assert_eq!(edit(31.33, Intent::Change).unwrap(), 3);
        assert!(matches!(
            edit(31.3301, Intent::Change),
            Err(EditError::OutsideUnitGrid(_))
        ));
        let id: ComponentId = "3205080101000001".parse().unwrap();
        storage.retire_component(id).unwrap();
        assert!(matches!(
            edit(31.329, Intent::Add),
            Err(EditError::ComponentExists(_))
        ));
        assert_eq!(edit(31.329, Intent::Change).unwrap(), 5);
    }

    #[test]
    fn a_work_grid_goes_to_active_inspectors_only() {
        let (_dir, storage) = storage_with_one_grid();
        let person = |username: &str, role| {
            let id = UserId::new();
            storage
                .create_user(crate::storage::NewUser {
                    id,
                    username: username.into(),
                    display_name: username.into(),
                    password_hash: "!".into(),
                    roles: vec![role],
                    department_id: None,
                    created_at: cgt_shared::Timestamp(0),
                })
                .unwrap();
            id
        };
        let inspector = person("inspector01", cgt_shared::Role::Inspector);
        let operator = person("operator1", cgt_shared::Role::Operator);
        let grid: GridCode = "320508001001901".parse().unwrap();
        let assign = |user| storage.assign_work_grid(grid.clone(), user);
        assert_eq!(assign(Some(inspector)).unwrap(), 2);
        assert_eq!(
            assign(Some(inspector)).unwrap(),
            2,
            "no change, no new version"
        );
        assert!(matches!(
            assign(Some(operator)),
            Err(EditError::NotAnInspector(_))
        ));
        assert!(matches!(
            assign(Some(UserId::new())),
            Err(EditError::NotAnInspector(_))
        ));
        assert!(matches!(
            storage.assign_work_grid("320508001001902".parse().unwrap(), None),
            Err(EditError::UnknownWorkGrid(_))
        ));
        assert_eq!(assign(None).unwrap(), 3);
    }
}
