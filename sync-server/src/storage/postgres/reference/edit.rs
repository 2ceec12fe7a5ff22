//! Changing reference data: every edit moves the reference version on and stamps the rows it
//! touches with it, so devices get the change with their next delta. Nothing is deleted: a
//! component taken out of service is retired. Each edit takes the reference lock before it
//! reads what it checks, so no other process changes that in between.

use super::super::PgStorage;
use super::super::users::is_active_inspector;
use super::seed::in_service;
use super::version;
use crate::reference::{ChangeTargets, ComponentChange, EditError, Intent, refusal};
use crate::storage::reference::version::to_sql;
use crate::storage::{ReferenceEditor, StorageError};
use cgt_shared::{ComponentId, GridCode, Position, UserId};
use postgres::Transaction;

impl ReferenceEditor for PgStorage {
    fn put_component(&self, change: ComponentChange) -> Result<u64, EditError> {
        self.edit_component(change, Intent::AddOrChange)
    }

    fn edit_component(&self, change: ComponentChange, intent: Intent) -> Result<u64, EditError> {
        Position::new(change.lat, change.lon, 0.0).validate()?;
        self.write(move |tx| {
            version::lock(tx)?;
            if let Some(refused) = refusal(&change, intent, &targets(tx, &change)?) {
                return Ok(Err(refused));
            }
            let at = version::bump(tx)?;
            tx.execute(
                "INSERT INTO components (id, class, subclass, lon, lat, unit_grid,
                   owner_department, maintainer_department, version, retired)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)
                 ON CONFLICT (id) DO UPDATE SET lon = excluded.lon, lat = excluded.lat,
                   unit_grid = excluded.unit_grid,
                   owner_department = excluded.owner_department,
                   maintainer_department = excluded.maintainer_department,
                   version = excluded.version, retired = 0",
                &[
                    &change.id.as_str(),
                    &i64::from(change.id.class()),
                    &i64::from(change.id.subclass()),
                    &change.lon,
                    &change.lat,
                    &change.unit_grid.as_str(),
                    &change.owner_department,
                    &change.maintainer_department,
                    &to_sql(at),
                ],
            )?;
            Ok(Ok(at))
        })?
    }

    fn retire_component(&self, id: ComponentId) -> Result<Option<u64>, StorageError> {
        self.write(move |tx| {
            version::lock(tx)?;
            if !in_service(tx, "components", "id", &id.as_str())? {
                return Ok(None);
            }
            let at = version::bump(tx)?;
            tx.execute(
                "UPDATE components SET retired = 1, version = $2 WHERE id = $1",
                &[&id.as_str(), &to_sql(at)],
            )?;
            Ok(Some(at))
        })
    }

    fn assign_work_grid(
        &self,
        code: GridCode,
        inspector: Option<UserId>,
    ) -> Result<u64, EditError> {
        self.write(move |tx| {
            version::lock(tx)?;
            let current: Option<Option<Vec<u8>>> = tx
                .query_opt(
                    "SELECT inspector_user FROM work_grids WHERE code = $1 AND retired = 0",
                    &[&code.as_str()],
                )?
                .map(|r| r.try_get(0))
                .transpose()?;
            let Some(current) = current else {
                return Ok(Err(EditError::UnknownWorkGrid(code)));
            };
            if let Some(user) = inspector
                && !is_active_inspector(tx, user)?
            {
                return Ok(Err(EditError::NotAnInspector(user)));
            }
            let wanted = inspector.map(|u| u.as_bytes().to_vec());
            if current == wanted {
                return Ok(Ok(version::current(tx)?));
            }
            let at = version::bump(tx)?;
            tx.execute(
                "UPDATE work_grids SET inspector_user = $2, version = $3 WHERE code = $1",
                &[&code.as_str(), &wanted, &to_sql(at)],
            )?;
            Ok(Ok(at))
        })?
    }
}

/// What the database holds of the rows `change` names; nothing is written here.
fn targets(
    tx: &mut Transaction<'_>,
    change: &ComponentChange,
) -> Result<ChangeTargets, StorageError> {
    let known = tx
        .query_opt(
            "SELECT 1 FROM components WHERE id = $1",
            &[&change.id.as_str()],
        )?
        .is_some();
    let outline = match tx.query_opt(
        "SELECT polygon FROM unit_grids WHERE code = $1 AND retired = 0",
        &[&change.unit_grid.as_str()],
    )? {
        Some(r) => Some(serde_json::from_str(r.try_get(0)?).map_err(|e| {
            StorageError::Corrupt(format!("outline of unit grid {}: {e}", change.unit_grid))
        })?),
        None => None,
    };
    let named: Vec<i64> = [change.owner_department, change.maintainer_department]
        .into_iter()
        .flatten()
        .collect();
    let departments_in_service: Vec<i64> = tx
        .query(
            "SELECT id FROM departments WHERE id = ANY($1) AND retired = 0",
            &[&named],
        )?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(ChangeTargets {
        known,
        outline,
        departments_in_service,
    })
}
