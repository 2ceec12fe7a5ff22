//! Reading one caller's reference answer: its work grids, their unit grids and components, the
//! departments and the category table; everything, or what changed after a version. All reads
//! run in one snapshot, so the version answered matches the rows.

use super::categories;
use super::version;
use crate::reference::answer::{categories_after, delta_or_snapshot};
use crate::storage::ReferenceAnswers;
use crate::storage::{Storage, StorageError};
use cgt_shared::UserId;
use cgt_shared::wire::reference::{
    Component, Department, ReferenceAnswer, Retired, UnitGrid, WorkGrid,
};
use rusqlite::{Connection, Row, named_params};

/// The caller's area: its work grids and their unit grids, none retired. `fresh` marks a unit
/// grid the device may lack with its components: changed after `:since` itself, or through its
/// work grid (newly assigned to the caller).
const AREA: &str = "WITH mine AS (
        SELECT code, version FROM work_grids WHERE inspector_user = :user AND retired = 0),
    area AS (
        SELECT u.code, (u.version > :since OR m.version > :since) AS fresh
        FROM unit_grids u JOIN mine m ON u.work_grid = m.code
        WHERE u.retired = 0) ";

impl ReferenceAnswers for Storage {
    fn reference_answer(&self, user: UserId, since: u64) -> Result<ReferenceAnswer, StorageError> {
        self.read(move |c| {
            let tx = c.unchecked_transaction()?;
            let current = version::current(&tx)?;
            let mut conn: &Connection = &tx;
            delta_or_snapshot(
                &mut conn,
                since,
                current,
                |c, since| read(c, user, since, current),
                |c| snapshot_rows(c, user),
            )
        })
    }
}

/// Rows changed after `since` (all of them for 0, which makes the answer a snapshot).
fn read(
    c: &Connection,
    user: UserId,
    since: u64,
    current: u64,
) -> Result<ReferenceAnswer, StorageError> {
    let full = since == 0;
    let user_bytes = user.as_bytes().as_slice();
    let at = version::to_sql(since);
    let area = named_params! { ":user": user_bytes, ":since": at };
    let categories = categories_after(categories::latest(c)?, since);
    let departments = rows(
        c,
        "SELECT id, code, name FROM departments WHERE retired = 0 AND version > ?1 ORDER BY id",
        (at,),
        |r| {
            Ok(Department {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
            })
        },
    )?;
    let work_grids = rows(
        c,
        "SELECT code, name FROM work_grids
         WHERE inspector_user = ?1 AND retired = 0 AND version > ?2 ORDER BY code",
        (user_bytes, at),
        |r| {
            Ok(WorkGrid {
                code: code(r, 0)?,
                name: r.get(1)?,
            })
        },
    )?;
    let unit_grids = rows(
        c,
        &format!(
            "{AREA} SELECT u.code, u.work_grid, u.street_name, u.community_name, u.polygon
             FROM unit_grids u JOIN area a ON a.code = u.code WHERE a.fresh ORDER BY u.code"
        ),
        area,
        |r| {
            Ok(UnitGrid {
                code: code(r, 0)?,
                work_grid: code(r, 1)?,
                street: r.get(2)?,
                community: r.get(3)?,
                polygon: json(r, 4)?,
            })
        },
    )?;
    let components = rows(
        c,
        &format!(
            "{AREA} SELECT {COMPONENT_COLUMNS}
             FROM components c JOIN area a ON c.unit_grid = a.code
             WHERE c.retired = 0 AND (c.version > :since OR a.fresh) ORDER BY c.id"
        ),
        area,
        component,
    )?;
    let retired = if full {
        Retired::default()
    } else {
        dropped(c, user, since)?
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

/// Rows changed after `since` that the device must drop: retired, or outside the caller's area.
fn dropped(c: &Connection, user: UserId, since: u64) -> Result<Retired, StorageError> {
    let user_bytes = user.as_bytes().as_slice();
    let at = version::to_sql(since);
    let area = named_params! { ":user": user_bytes, ":since": at };
    Ok(Retired {
        departments: rows(
            c,
            "SELECT id FROM departments WHERE version > ?1 AND retired = 1 ORDER BY id",
            (at,),
            |r| r.get(0),
        )?,
        work_grids: rows(
            c,
            "SELECT code FROM work_grids
             WHERE version > ?2 AND (retired = 1 OR inspector_user IS NOT ?1) ORDER BY code",
            (user_bytes, at),
            |r| code(r, 0),
        )?,
        unit_grids: rows(
            c,
            &format!(
                "{AREA} SELECT code FROM unit_grids
                 WHERE version > :since AND code NOT IN (SELECT code FROM area) ORDER BY code"
            ),
            area,
            |r| code(r, 0),
        )?,
        components: rows(
            c,
            &format!(
                "{AREA} SELECT id FROM components
                 WHERE version > :since
                   AND (retired = 1 OR unit_grid NOT IN (SELECT code FROM area))
                 ORDER BY id"
            ),
            area,
            |r| code(r, 0),
        )?,
    })
}

/// Rows of the caller's snapshot.
fn snapshot_rows(c: &Connection, user: UserId) -> Result<usize, StorageError> {
    let sql = format!(
        "{AREA} SELECT (SELECT count(*) FROM departments WHERE retired = 0)
            + (SELECT count(*) FROM mine) + (SELECT count(*) FROM area)
            + (SELECT count(*) FROM components c JOIN area a ON c.unit_grid = a.code
               WHERE c.retired = 0)"
    );
    let params = named_params! { ":user": user.as_bytes().as_slice(), ":since": 0 };
    let count: i64 = c.query_row(&sql, params, |r| r.get(0))?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// The columns [`component`] reads, first in a select from `components c`.
pub(super) const COMPONENT_COLUMNS: &str =
    "c.id, c.lon, c.lat, c.unit_grid, c.owner_department, c.maintainer_department";

pub(super) fn component(r: &Row) -> rusqlite::Result<Component> {
    Ok(Component {
        id: code(r, 0)?,
        lon: r.get(1)?,
        lat: r.get(2)?,
        unit_grid: code(r, 3)?,
        owner: r.get(4)?,
        maintainer: r.get(5)?,
    })
}

pub(super) fn rows<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StorageError> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params, map)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A code column (grid code, component id) parsed into its type.
pub(super) fn code<T>(r: &Row, index: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = r.get(index)?;
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A JSON text column.
fn json<T: serde::de::DeserializeOwned>(r: &Row, index: usize) -> rusqlite::Result<T> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}
