//! The server's answer to `GET /api/v1/reference` as JSON: a snapshot of the reference data this
//! device needs, or what changed after the version it holds. Unknown fields of a newer server
//! are ignored.

use cgt_shared::{CategoryTable, ComponentId, GridCode};
use serde::Deserialize;

pub(crate) const REFERENCE_PATH: &str = "/api/v1/reference";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Answer {
    pub version: u64,
    /// A snapshot: replaces everything held.
    pub full: bool,
    pub categories: Option<CategoryTable>,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub work_grids: Vec<WorkGrid>,
    #[serde(default)]
    pub unit_grids: Vec<UnitGrid>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub retired: Retired,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct WorkGrid {
    pub code: GridCode,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct UnitGrid {
    pub code: GridCode,
    pub work_grid: GridCode,
    pub street: String,
    pub community: String,
    /// Ring of `[lon, lat]` pairs, WGS84 degrees.
    pub polygon: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Component {
    pub id: ComponentId,
    pub lon: f64,
    pub lat: f64,
    pub unit_grid: GridCode,
    pub owner: Option<i64>,
    pub maintainer: Option<i64>,
}

/// What to drop: retired, or no longer in this user's work grids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub(crate) struct Retired {
    pub departments: Vec<i64>,
    pub work_grids: Vec<GridCode>,
    pub unit_grids: Vec<GridCode>,
    pub components: Vec<ComponentId>,
}

impl Answer {
    /// Rows it adds, changes or drops (the category table counts as one).
    pub(crate) fn rows(&self) -> usize {
        let r = &self.retired;
        usize::from(self.categories.is_some())
            + self.departments.len()
            + self.work_grids.len()
            + self.unit_grids.len()
            + self.components.len()
            + r.departments.len()
            + r.work_grids.len()
            + r.unit_grids.len()
            + r.components.len()
    }
}
