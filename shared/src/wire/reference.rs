//! `GET /api/v1/reference?since=<version>` (JSON, gzip): the reference data a field device keeps
//! offline — category table, departments, its work grids with their unit grids and components —
//! or what changed of it after the version it holds. The server writes these types and the
//! device reads them; lists a newer server leaves out read as empty.

use crate::category::CategoryTable;
use crate::codes::{ComponentId, GridCode};
use crate::geometry::Point;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PATH: &str = "/api/v1/reference";

/// The reference data one field device needs offline, or what changed of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReferenceAnswer {
    /// The reference version this answer brings the device to.
    pub version: u64,
    /// A snapshot: the device replaces everything it holds with it.
    pub full: bool,
    /// The category table, only when it changed after the caller's version (or `full`).
    pub categories: Option<CategoryTable>,
    #[serde(default)]
    pub departments: Vec<Department>,
    /// The caller's own work grids (工作网格).
    #[serde(default)]
    pub work_grids: Vec<WorkGrid>,
    /// Unit grids (单元网格) of those work grids.
    #[serde(default)]
    pub unit_grids: Vec<UnitGrid>,
    /// Components (部件) standing in those unit grids.
    #[serde(default)]
    pub components: Vec<Component>,
    /// Rows the device must drop: retired, or no longer in the caller's work grids. Always
    /// empty in a snapshot.
    #[serde(default)]
    pub retired: Retired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WorkGrid {
    pub code: GridCode,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitGrid {
    pub code: GridCode,
    pub work_grid: GridCode,
    pub street: String,
    pub community: String,
    /// Closed ring of `[lon, lat]` pairs, WGS84 degrees.
    #[schema(value_type = Vec<crate::geometry::LonLat>)]
    pub polygon: Vec<Point>,
}

/// A component; its class and subclass are digits of its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Component {
    pub id: ComponentId,
    pub lon: f64,
    pub lat: f64,
    pub unit_grid: GridCode,
    pub owner: Option<i64>,
    pub maintainer: Option<i64>,
}

/// What to drop: retired, or no longer in this user's work grids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Retired {
    pub departments: Vec<i64>,
    pub work_grids: Vec<GridCode>,
    pub unit_grids: Vec<GridCode>,
    pub components: Vec<ComponentId>,
}

impl ReferenceAnswer {
    /// Rows it adds, changes or drops (the category table counts as one).
    pub fn rows(&self) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_answer_of_a_newer_server_reads() {
        let answer: ReferenceAnswer =
            serde_json::from_str(r#"{"version": 3, "full": false, "categories": null}"#).unwrap();
        assert_eq!(answer.rows(), 0);
        assert_eq!(answer.retired, Retired::default());
    }
}
