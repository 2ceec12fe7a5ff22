//! Reference data of a city (departments, grids, components) and seeding it with its users.

use super::import;
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

/// The city's rows at the first reference version, written as an import writes them.
fn insert_seed(c: &Connection, seed: &CitySeed) -> Result<(), StorageError> {
    const FIRST: i64 = 1;
    import::upsert_departments(c, &seed.departments, FIRST)?;
    for user in &seed.users {
        insert_user(c, user)?;
    }
    import::upsert_work_grids(c, &seed.work_grids, FIRST)?;
    import::upsert_unit_grids(c, &seed.unit_grids, FIRST)?;
    import::upsert_components(c, &seed.components, FIRST)
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
