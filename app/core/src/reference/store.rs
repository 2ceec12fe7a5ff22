//! The reference tables of the local store: applying a snapshot or delta from the server, and
//! the SQL prefilters of the offline queries.

use super::model::{ReferenceState, UnitGridView};
use crate::error::ClientError;
use cgt_shared::geometry::{self, Point};
use cgt_shared::wire::reference::{ReferenceAnswer, Retired};
use cgt_shared::{ComponentId, GridCode, Timestamp, UserId};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// The reference version held for `user`; 0 when none is, or it belongs to someone else (the
/// work grids differ, so the next download must be a snapshot).
pub(crate) fn version_for(conn: &Connection, user: UserId) -> Result<u64, ClientError> {
    let held: Option<(i64, String)> = conn
        .query_row(
            "SELECT version, user_id FROM reference_meta WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match held {
        Some((version, owner)) if owner == user.to_string() => u64::try_from(version).unwrap_or(0),
        _ => 0,
    })
}

/// The version held, when it was last updated, and why the last update failed.
pub(crate) fn state(conn: &Connection) -> Result<ReferenceState, ClientError> {
    let held = conn
        .query_row(
            "SELECT version, updated_at, error FROM reference_meta WHERE id = 1",
            [],
            |r| {
                Ok(ReferenceState {
                    version: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    updated_at: r.get::<_, Option<i64>>(1)?.map(Timestamp),
                    error: r.get(2)?,
                })
            },
        )
        .optional()?;
    Ok(held.unwrap_or_default())
}

/// Remembers why an update failed; what is held stays as it was.
pub(crate) fn record_error(
    conn: &Connection,
    user: UserId,
    message: &str,
) -> Result<(), ClientError> {
    conn.execute(
        "INSERT INTO reference_meta (id, version, user_id, error) VALUES (1, 0, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET error = excluded.error",
        params![user.to_string(), message],
    )?;
    Ok(())
}

/// Applies the server's answer: a snapshot replaces everything; a delta drops what it names
/// (with what hangs off it: a work grid's unit grids, a unit grid's components) and then
/// writes its rows.
pub(crate) fn apply(
    conn: &Connection,
    answer: &ReferenceAnswer,
    user: UserId,
    now: Timestamp,
) -> Result<(), ClientError> {
    if answer.full {
        conn.execute_batch(
            "DELETE FROM categories; DELETE FROM departments; DELETE FROM work_grids;
             DELETE FROM unit_grids; DELETE FROM components;",
        )?;
    }
    drop_retired(conn, &answer.retired)?;
    if let Some(table) = &answer.categories {
        let body = serde_json::to_string(table).expect("a category table always serializes");
        conn.execute(
            "INSERT INTO categories (id, body) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            [body],
        )?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO departments (id, code, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name",
    )?;
    for d in &answer.departments {
        stmt.execute(params![d.id, d.code, d.name])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO work_grids (code, name) VALUES (?1, ?2)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
    )?;
    for w in &answer.work_grids {
        stmt.execute(params![w.code.as_str(), w.name])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO unit_grids (code, work_grid, street, community, polygon,
           min_lon, min_lat, max_lon, max_lat)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for g in &answer.unit_grids {
        let [w, s, e, n] = geometry::bbox(&g.polygon).ok_or_else(|| {
            ClientError::Protocol(format!("unit grid {} has an empty outline", g.code))
        })?;
        let polygon = serde_json::to_string(&g.polygon).expect("coordinates always serialize");
        stmt.execute(params![
            g.code.as_str(),
            g.work_grid.as_str(),
            g.street,
            g.community,
            polygon,
            w,
            s,
            e,
            n
        ])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO components (id, class, subclass, lon, lat, unit_grid,
           owner_department, maintainer_department)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in &answer.components {
        stmt.execute(params![
            c.id.as_str(),
            c.id.class(),
            c.id.subclass(),
            c.lon,
            c.lat,
            c.unit_grid.as_str(),
            c.owner,
            c.maintainer
        ])?;
    }
    conn.execute(
        "INSERT INTO reference_meta (id, version, user_id, updated_at, error)
         VALUES (1, ?1, ?2, ?3, NULL)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, user_id = excluded.user_id,
           updated_at = excluded.updated_at, error = NULL",
        params![
            i64::try_from(answer.version).unwrap_or(i64::MAX),
            user.to_string(),
            now.millis()
        ],
    )?;
    Ok(())
}

fn drop_retired(conn: &Connection, retired: &Retired) -> Result<(), ClientError> {
    for id in &retired.departments {
        conn.execute("DELETE FROM departments WHERE id = ?1", [id])?;
    }
    for code in &retired.work_grids {
        conn.execute(
            "DELETE FROM components WHERE unit_grid IN
               (SELECT code FROM unit_grids WHERE work_grid = ?1)",
            [code.as_str()],
        )?;
        conn.execute(
            "DELETE FROM unit_grids WHERE work_grid = ?1",
            [code.as_str()],
        )?;
        conn.execute("DELETE FROM work_grids WHERE code = ?1", [code.as_str()])?;
    }
    for code in &retired.unit_grids {
        conn.execute(
            "DELETE FROM components WHERE unit_grid = ?1",
            [code.as_str()],
        )?;
        conn.execute("DELETE FROM unit_grids WHERE code = ?1", [code.as_str()])?;
    }
    for id in &retired.components {
        conn.execute("DELETE FROM components WHERE id = ?1", [id.as_str()])?;
    }
    Ok(())
}

/// The downloaded category table as JSON, if any.
pub(crate) fn categories(conn: &Connection) -> Result<Option<String>, ClientError> {
    Ok(conn
        .query_row("SELECT body FROM categories WHERE id = 1", [], |r| r.get(0))
        .optional()?)
}

/// Unit grids whose bounding box holds `p` (give or take the edge tolerance of the polygon
/// test), by code, with their outlines.
pub(crate) fn unit_grids_around(
    conn: &Connection,
    p: Point,
) -> Result<Vec<(GridCode, Vec<Point>)>, ClientError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, polygon FROM unit_grids
         WHERE min_lon <= ?1 + ?3 AND max_lon >= ?1 - ?3
           AND min_lat <= ?2 + ?3 AND max_lat >= ?2 - ?3
         ORDER BY code",
    )?;
    let rows = stmt
        .query_map(params![p[0], p[1], geometry::ON_EDGE], |r| {
            Ok((code(r, 0)?, json(r, 1)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Components inside `[min_lon, min_lat, max_lon, max_lat]`, optionally of one class
/// (`subclass` 0: any subclass of it): id and `[lon, lat]`.
pub(crate) fn components_in(
    conn: &Connection,
    [w, s, e, n]: [f64; 4],
    class: Option<(u8, u8)>,
) -> Result<Vec<(ComponentId, Point)>, ClientError> {
    let (class, subclass) = class.unwrap_or((0, 0));
    let mut stmt = conn.prepare_cached(
        "SELECT id, lon, lat FROM components
         WHERE lon BETWEEN ?1 AND ?3 AND lat BETWEEN ?2 AND ?4
           AND (?5 = 0 OR class = ?5) AND (?6 = 0 OR subclass = ?6)",
    )?;
    let rows = stmt
        .query_map(params![w, s, e, n, class, subclass], |r| {
            Ok((code(r, 0)?, [r.get(1)?, r.get(2)?]))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The work grids held, by code.
pub(crate) fn work_grids(conn: &Connection) -> Result<Vec<(GridCode, String)>, ClientError> {
    let mut stmt = conn.prepare_cached("SELECT code, name FROM work_grids ORDER BY code")?;
    let rows = stmt
        .query_map([], |r| Ok((code(r, 0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Every unit grid held, by code, with its work grid.
pub(crate) fn unit_grids(conn: &Connection) -> Result<Vec<(GridCode, UnitGridView)>, ClientError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, work_grid, street, community, polygon FROM unit_grids ORDER BY code",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let grid = UnitGridView {
                code: code(r, 0)?,
                street: r.get(2)?,
                community: r.get(3)?,
                polygon: json(r, 4)?,
            };
            Ok((code(r, 1)?, grid))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A code column parsed into its type.
fn code<T>(r: &Row, index: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = r.get(index)?;
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

/// A JSON text column.
fn json<T: serde::de::DeserializeOwned>(r: &Row, index: usize) -> rusqlite::Result<T> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}
