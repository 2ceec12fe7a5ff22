//! Reference data of a city (departments, grids, components) and seeding it with its users.

use crate::storage::CityStore;
use crate::storage::accounts::{NewUser, insert_user};
use crate::storage::{Storage, StorageError};
use cgt_shared::{ComponentId, GridCode, UserId};
use rusqlite::{Connection, OptionalExtension};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// A work grid (工作网格): unit grids patrolled by one inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkGridRow {
    pub code: GridCode,
    pub name: String,
    pub inspector: Option<UserId>,
}

/// A unit grid (单元网格) with its street, community, outline and bounding box (WGS84 degrees).
#[derive(Clone, Debug, PartialEq)]
pub struct UnitGridRow {
    pub code: GridCode,
    pub street_name: String,
    pub community_name: String,
    pub work_grid: GridCode,
    /// Closed ring of `[lon, lat]` pairs; the bounding box bounds it.
    pub polygon: Vec<[f64; 2]>,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

/// A component (部件) with its position and responsible departments.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentRow {
    pub id: ComponentId,
    pub lon: f64,
    pub lat: f64,
    pub unit_grid: GridCode,
    pub owner_department: i64,
    pub maintainer_department: i64,
}

/// Everything a new city starts with.
#[derive(Clone, Debug, Default)]
pub struct CitySeed {
    pub departments: Vec<DepartmentRow>,
    pub users: Vec<NewUser>,
    pub work_grids: Vec<WorkGridRow>,
    pub unit_grids: Vec<UnitGridRow>,
    pub components: Vec<ComponentRow>,
}

/// Row counts of the reference data and users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct CitySummary {
    pub departments: u64,
    pub users: u64,
    pub work_grids: u64,
    pub unit_grids: u64,
    pub components: u64,
}

impl CityStore for Storage {
    fn seed_city(&self, seed: CitySeed) -> Result<Option<CitySummary>, StorageError> {
        self.write(move |c| {
            let users: u64 = c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
            if users > 0 {
                return Ok(None);
            }
            insert_seed(c, &seed)?;
            summary(c).map(Some)
        })
    }
}

fn insert_seed(c: &Connection, seed: &CitySeed) -> Result<(), StorageError> {
    for d in &seed.departments {
        c.prepare_cached("INSERT INTO departments (id, code, name) VALUES (?1, ?2, ?3)")?
            .execute((d.id, &d.code, &d.name))?;
    }
    for user in &seed.users {
        insert_user(c, user)?;
    }
    for w in &seed.work_grids {
        c.prepare_cached(
            "INSERT INTO work_grids (code, name, inspector_user) VALUES (?1, ?2, ?3)",
        )?
        .execute((
            w.code.as_str(),
            &w.name,
            w.inspector.as_ref().map(|u| u.as_bytes().as_slice()),
        ))?;
    }
    for g in &seed.unit_grids {
        c.prepare_cached(
            "INSERT INTO unit_grids (code, street_code, street_name, community_code,
               community_name, work_grid, min_lon, min_lat, max_lon, max_lat, polygon)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute((
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
        ))?;
    }
    for p in &seed.components {
        c.prepare_cached(
            "INSERT INTO components (id, class, subclass, lon, lat, unit_grid,
               owner_department, maintainer_department)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
        ))?;
    }
    Ok(())
}

fn summary(c: &Connection) -> Result<CitySummary, StorageError> {
    let count = |table: &str| -> Result<u64, StorageError> {
        Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(CitySummary {
        departments: count("departments")?,
        users: count("users")?,
        work_grids: count("work_grids")?,
        unit_grids: count("unit_grids")?,
        components: count("components")?,
    })
}

/// Whether `table` has a row in service (not retired) whose `key` column is `value`.
pub(crate) fn in_service(
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
