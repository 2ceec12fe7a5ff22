//! Reading one caller's reference answer: its work grids, their unit grids and components, the
//! departments and the category table; everything, or what changed after a version. All reads
//! run in the one snapshot of `PgStorage::read`, so the version answered matches the rows.

use super::super::PgStorage;
use super::{categories, version};
use crate::reference::answer::{categories_after, delta_or_snapshot};
use crate::storage::reference::version::to_sql;
use crate::storage::{ReferenceAnswers, StorageError};
use cgt_shared::UserId;
use cgt_shared::wire::reference::{
    Component, Department, ReferenceAnswer, Retired, UnitGrid, WorkGrid,
};
use postgres::types::ToSql;
use postgres::{Row, Transaction};
use std::fmt::Display;
use std::str::FromStr;

/// The caller's area: its work grids and their unit grids, none retired. `fresh` marks a unit
/// grid the device may lack with its components: changed after `$2` itself, or through its
/// work grid (newly assigned to the caller). `$1` is the caller's id; a statement starting
/// with it takes exactly these two parameters.
const AREA: &str = "WITH mine AS (
        SELECT code, version FROM work_grids WHERE inspector_user = $1 AND retired = 0),
    area AS (
        SELECT u.code, (u.version > $2 OR m.version > $2) AS fresh
        FROM unit_grids u JOIN mine m ON u.work_grid = m.code
        WHERE u.retired = 0) ";

impl ReferenceAnswers for PgStorage {
    fn reference_answer(&self, user: UserId, since: u64) -> Result<ReferenceAnswer, StorageError> {
        self.read(move |tx| {
            let current = version::current(tx)?;
            delta_or_snapshot(
                tx,
                since,
                current,
                |tx, since| read(tx, user, since, current),
                |tx| snapshot_rows(tx, user),
            )
        })
    }
}

/// Rows changed after `since` (all of them for 0, which makes the answer a snapshot).
fn read(
    tx: &mut Transaction<'_>,
    user: UserId,
    since: u64,
    current: u64,
) -> Result<ReferenceAnswer, StorageError> {
    let full = since == 0;
    let user_bytes = user.as_bytes().to_vec();
    let at = to_sql(since);
    let categories = categories_after(categories::latest(tx)?, since);
    let departments = rows(
        tx,
        "SELECT id, code, name FROM departments WHERE retired = 0 AND version > $1 ORDER BY id",
        &[&at],
        |r| {
            Ok(Department {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                name: r.try_get(2)?,
            })
        },
    )?;
    let work_grids = rows(
        tx,
        "SELECT code, name FROM work_grids
         WHERE inspector_user = $1 AND retired = 0 AND version > $2 ORDER BY code",
        &[&user_bytes, &at],
        |r| {
            Ok(WorkGrid {
                code: code(r, 0)?,
                name: r.try_get(1)?,
            })
        },
    )?;
    let unit_grids = rows(
        tx,
        &format!(
            "{AREA} SELECT u.code, u.work_grid, u.street_name, u.community_name, u.polygon
             FROM unit_grids u JOIN area a ON a.code = u.code WHERE a.fresh ORDER BY u.code"
        ),
        &[&user_bytes, &at],
        |r| {
            Ok(UnitGrid {
                code: code(r, 0)?,
                work_grid: code(r, 1)?,
                street: r.try_get(2)?,
                community: r.try_get(3)?,
                polygon: json(r, 4)?,
            })
        },
    )?;
    let components = rows(
        tx,
        &format!(
            "{AREA} SELECT {COMPONENT_COLUMNS}
             FROM components c JOIN area a ON c.unit_grid = a.code
             WHERE c.retired = 0 AND (c.version > $2 OR a.fresh) ORDER BY c.id"
        ),
        &[&user_bytes, &at],
        component,
    )?;
    let retired = if full {
        Retired::default()
    } else {
        dropped(tx, &user_bytes, at)?
    };
    Ok(ReferenceAnswer {
        version: current,
        full,
        categories,
        departments,
        work_grids,
        unit_grids,
        components,
        retired,
    })
}

/// Rows changed after `at` that the device must drop: retired, or outside the caller's area.
fn dropped(tx: &mut Transaction<'_>, user_bytes: &[u8], at: i64) -> Result<Retired, StorageError> {
    Ok(Retired {
        departments: rows(
            tx,
            "SELECT id FROM departments WHERE version > $1 AND retired = 1 ORDER BY id",
            &[&at],
            |r| Ok(r.try_get(0)?),
        )?,
        work_grids: rows(
            tx,
            "SELECT code FROM work_grids
             WHERE version > $2 AND (retired = 1 OR inspector_user IS DISTINCT FROM $1)
             ORDER BY code",
            &[&user_bytes, &at],
            |r| code(r, 0),
        )?,
        unit_grids: rows(
            tx,
            &format!(
                "{AREA} SELECT code FROM unit_grids
                 WHERE version > $2 AND code NOT IN (SELECT code FROM area) ORDER BY code"
            ),
            &[&user_bytes, &at],
            |r| code(r, 0),
        )?,
        components: rows(
            tx,
            &format!(
                "{AREA} SELECT id FROM components
                 WHERE version > $2
                   AND (retired = 1 OR unit_grid NOT IN (SELECT code FROM area))
                 ORDER BY id"
            ),
            &[&user_bytes, &at],
            |r| code(r, 0),
        )?,
    })
}

/// Rows of the caller's snapshot.
fn snapshot_rows(tx: &mut Transaction<'_>, user: UserId) -> Result<usize, StorageError> {
    let sql = format!(
        "{AREA} SELECT (SELECT count(*) FROM departments WHERE retired = 0)
            + (SELECT count(*) FROM mine) + (SELECT count(*) FROM area)
            + (SELECT count(*) FROM components c JOIN area a ON c.unit_grid = a.code
               WHERE c.retired = 0)"
    );
    let count: i64 = tx
        .query_one(&sql, &[&user.as_bytes().as_slice(), &0_i64])?
        .try_get(0)?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// The columns [`component`] reads, first in a select from `components c`.
pub(super) const COMPONENT_COLUMNS: &str =
    "c.id, c.lon, c.lat, c.unit_grid, c.owner_department, c.maintainer_department";

pub(super) fn component(r: &Row) -> Result<Component, StorageError> {
    Ok(Component {
        id: code(r, 0)?,
        lon: r.try_get(1)?,
        lat: r.try_get(2)?,
        unit_grid: code(r, 3)?,
        owner: r.try_get(4)?,
        maintainer: r.try_get(5)?,
    })
}

/// Runs `sql` and maps every row it returns.
pub(super) fn rows<T>(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    map: impl FnMut(&Row) -> Result<T, StorageError>,
) -> Result<Vec<T>, StorageError> {
    tx.query(sql, params)?.iter().map(map).collect()
}

/// A code column (grid code, component id) parsed into its type.
pub(super) fn code<T>(r: &Row, index: usize) -> Result<T, StorageError>
where
    T: FromStr,
    T::Err: Display,
{
    let text: &str = r.try_get(index)?;
    text.parse()
        .map_err(|e| StorageError::Corrupt(format!("code {text:?} in column {index}: {e}")))
}

/// A count column, as the listings carry it.
pub(super) fn count(r: &Row, index: usize) -> Result<u64, StorageError> {
    let n: i64 = r.try_get(index)?;
    u64::try_from(n).map_err(|_| StorageError::Corrupt(format!("count {n} in column {index}")))
}

/// A JSON text column.
fn json<T: serde::de::DeserializeOwned>(r: &Row, index: usize) -> Result<T, StorageError> {
    let text: &str = r.try_get(index)?;
    serde_json::from_str(text)
        .map_err(|e| StorageError::Corrupt(format!("JSON in column {index}: {e}")))
}
