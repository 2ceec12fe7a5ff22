//! Importing a city's base data, shared by both backends: the reference data an import is
//! checked against (every row, retired or not, at one version), the plan it writes, and the
//! mapping of the rows read (through [`Columns`]).

use super::StorageError;
use super::case_rows::opt_user;
use super::columns::Columns;
use super::{ComponentRow, DepartmentRow, UnitGridRow, WorkGridRow};
use cgt_shared::{ComponentId, GridCode};

/// A row as stored, and whether it is retired.
#[derive(Clone, Debug, PartialEq)]
pub struct Held<T> {
    pub row: T,
    pub retired: bool,
}

/// The reference data an import is checked and compared against, at one version.
#[derive(Clone, Debug, Default)]
pub struct ImportBase {
    pub version: u64,
    pub departments: Vec<Held<DepartmentRow>>,
    pub work_grids: Vec<Held<WorkGridRow>>,
    pub unit_grids: Vec<Held<UnitGridRow>>,
    pub components: Vec<Held<ComponentRow>>,
}

/// Rows an import takes out of service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Retirements {
    pub departments: Vec<i64>,
    pub work_grids: Vec<GridCode>,
    pub unit_grids: Vec<GridCode>,
    pub components: Vec<ComponentId>,
}

/// What an import writes: rows to add or change (in service), rows to retire, and the version
/// of the base it was planned against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    pub base_version: u64,
    pub departments: Vec<DepartmentRow>,
    pub work_grids: Vec<WorkGridRow>,
    pub unit_grids: Vec<UnitGridRow>,
    pub components: Vec<ComponentRow>,
    pub retire: Retirements,
}

impl ImportPlan {
    pub fn is_empty(&self) -> bool {
        self.departments.is_empty()
            && self.work_grids.is_empty()
            && self.unit_grids.is_empty()
            && self.components.is_empty()
            && self.retire == Retirements::default()
    }
}

/// What applying a plan did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Written at this reference version (the current one when there was nothing to write).
    At(u64),
    /// The reference data changed since the plan's base: nothing written; check again.
    Stale,
}

/// The queries that read an [`ImportBase`], each row's `retired` flag last.
pub(super) const DEPARTMENTS: &str = "SELECT id, code, name, retired FROM departments";
pub(super) const WORK_GRIDS: &str = "SELECT code, name, inspector_user, retired FROM work_grids";
pub(super) const UNIT_GRIDS: &str = "SELECT code, street_name, community_name, work_grid,
    polygon, min_lon, min_lat, max_lon, max_lat, retired FROM unit_grids";
pub(super) const COMPONENTS: &str = "SELECT id, lon, lat, unit_grid, owner_department,
    maintainer_department, retired FROM components";

fn corrupt(what: String) -> StorageError {
    StorageError::Corrupt(what)
}

fn code<T: std::str::FromStr>(r: &impl Columns, index: usize) -> Result<T, StorageError>
where
    T::Err: std::fmt::Display,
{
    let text = r.text(index)?;
    text.parse()
        .map_err(|e| corrupt(format!("code {text}: {e}")))
}

pub(super) fn department(r: &impl Columns) -> Result<Held<DepartmentRow>, StorageError> {
    Ok(Held {
        row: DepartmentRow {
            id: r.int(0)?,
            code: r.text(1)?,
            name: r.text(2)?,
        },
        retired: r.flag(3)?,
    })
}

pub(super) fn work_grid(r: &impl Columns) -> Result<Held<WorkGridRow>, StorageError> {
    Ok(Held {
        row: WorkGridRow {
            code: code(r, 0)?,
            name: r.text(1)?,
            inspector: opt_user(r.opt_bytes(2)?)?,
        },
        retired: r.flag(3)?,
    })
}

pub(super) fn unit_grid(r: &impl Columns) -> Result<Held<UnitGridRow>, StorageError> {
    Ok(Held {
        row: UnitGridRow {
            code: code(r, 0)?,
            street_name: r.text(1)?,
            community_name: r.text(2)?,
            work_grid: code(r, 3)?,
            polygon: serde_json::from_str(&r.text(4)?)
                .map_err(|e| corrupt(format!("unit_grids.polygon: {e}")))?,
            min_lon: r.real(5)?,
            min_lat: r.real(6)?,
            max_lon: r.real(7)?,
            max_lat: r.real(8)?,
        },
        retired: r.flag(9)?,
    })
}

pub(super) fn component(r: &impl Columns) -> Result<Held<ComponentRow>, StorageError> {
    Ok(Held {
        row: ComponentRow {
            id: code(r, 0)?,
            lon: r.real(1)?,
            lat: r.real(2)?,
            unit_grid: code(r, 3)?,
            owner_department: r.opt_int(4)?.unwrap_or_default(),
            maintainer_department: r.opt_int(5)?.unwrap_or_default(),
        },
        retired: r.flag(6)?,
    })
}
