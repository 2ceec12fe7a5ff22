//! The answer of `GET /api/v1/reference` (JSON) and the pure rules of what it holds: a full
//! snapshot or a delta after the caller's version.

use cgt_shared::{CategoryTable, ComponentId, GridCode};
use serde::Serialize;

/// The reference data one field device needs offline, or what changed of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferenceAnswer {
    /// The reference version this answer brings the device to.
    pub version: u64,
    /// A snapshot: the device replaces everything it holds with it.
    pub full: bool,
    /// The category table, only when it changed after the caller's version (or `full`).
    pub categories: Option<CategoryTable>,
    pub departments: Vec<Department>,
    /// The caller's own work grids (工作网格).
    pub work_grids: Vec<WorkGrid>,
    /// Unit grids (单元网格) of those work grids.
    pub unit_grids: Vec<UnitGrid>,
    /// Components (部件) standing in those unit grids.
    pub components: Vec<Component>,
    /// Rows the device must drop: retired, or no longer in the caller's work grids. Always
    /// empty in a snapshot.
    pub retired: Retired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkGrid {
    pub code: GridCode,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitGrid {
    pub code: GridCode,
    pub work_grid: GridCode,
    pub street: String,
    pub community: String,
    /// Closed ring of `[lon, lat]` pairs, WGS84 degrees.
    pub polygon: Vec<[f64; 2]>,
}

/// A component; its class and subclass are digits of its id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Component {
    pub id: ComponentId,
    pub lon: f64,
    pub lat: f64,
    pub unit_grid: GridCode,
    pub owner: Option<i64>,
    pub maintainer: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Retired {
    pub departments: Vec<i64>,
    pub work_grids: Vec<GridCode>,
    pub unit_grids: Vec<GridCode>,
    pub components: Vec<ComponentId>,
}

impl ReferenceAnswer {
    /// Rows it carries, dropped ones included.
    pub fn rows(&self) -> usize {
        let r = &self.retired;
        self.departments.len()
            + self.work_grids.len()
            + self.unit_grids.len()
            + self.components.len()
            + r.departments.len()
            + r.work_grids.len()
            + r.unit_grids.len()
            + r.components.len()
    }
}

/// The version rows must be newer than: 0 (everything) for a first download, and for a device
/// claiming a version this server never reached (its database was restored or replaced).
pub fn baseline(since: u64, current: u64) -> u64 {
    if since > current { 0 } else { since }
}

/// Whether a delta of `delta_rows` is worth sending instead of the snapshot of `full_rows`: a
/// mass change (a city re-survey) would otherwise list every changed row of the whole city.
pub fn delta_is_smaller(delta_rows: usize, full_rows: usize) -> bool {
    delta_rows <= full_rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_table() {
        let check = |since, current, expected| assert_eq!(baseline(since, current), expected);
        check(0, 7, 0);
        check(3, 7, 3);
        check(7, 7, 7);
        check(8, 7, 0);
        check(u64::MAX, 1, 0);
    }

    #[test]
    fn a_delta_larger_than_the_snapshot_is_not_sent() {
        assert!(delta_is_smaller(0, 0));
        assert!(delta_is_smaller(2, 450));
        assert!(delta_is_smaller(450, 450));
        assert!(!delta_is_smaller(451, 450));
    }
}
