//! What an edit of reference data says and why one is refused (the edits themselves are
//! `Storage` methods in `storage::reference::edit`).

use crate::storage::StorageError;
use cgt_shared::geo::PositionError;
use cgt_shared::geometry::{Point, contains};
use cgt_shared::{ComponentId, GridCode, UserId};
use thiserror::Error;

/// A component (部件) as an administrator or a re-survey (部件普查) sets it.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentChange {
    pub id: ComponentId,
    pub lon: f64,
    pub lat: f64,
    pub unit_grid: GridCode,
    pub owner_department: Option<i64>,
    pub maintainer_department: Option<i64>,
}

/// Whether an edit adds a new component, changes a known one, or does either (a re-survey).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Add,
    Change,
    AddOrChange,
}

#[derive(Debug, Error)]
pub enum EditError {
    #[error("部件位置无效: {0}")]
    Position(#[from] PositionError),
    #[error("单元网格 {0} 不存在或已停用")]
    UnknownUnitGrid(GridCode),
    #[error("部件位置不在单元网格 {0} 内 (position outside the unit grid)")]
    OutsideUnitGrid(GridCode),
    #[error("部门 {0} 不存在或已停用")]
    UnknownDepartment(i64),
    #[error("部件 {0} 已存在,请修改该部件 (component exists)")]
    ComponentExists(ComponentId),
    #[error("部件 {0} 不存在 (no such component)")]
    UnknownComponent(ComponentId),
    #[error("工作网格 {0} 不存在或已停用")]
    UnknownWorkGrid(GridCode),
    #[error("用户 {0} 不是在用的监督员 (not an active inspector)")]
    NotAnInspector(UserId),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What the store holds of the rows a component change names, read before anything is written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChangeTargets {
    /// A component with the change's id exists, in service or retired.
    pub known: bool,
    /// The outline of the change's unit grid, when that grid is in service.
    pub outline: Option<Vec<Point>>,
    /// Those of the change's departments that are in service.
    pub departments_in_service: Vec<i64>,
}

/// Why `change` may not be written with `intent`, if it may not. Checked in this order: the
/// intent against whether the component exists, its unit grid, its position in that grid (the
/// edge counts as in), its owner then its maintainer department.
pub fn refusal(
    change: &ComponentChange,
    intent: Intent,
    targets: &ChangeTargets,
) -> Option<EditError> {
    match (intent, targets.known) {
        (Intent::Add, true) => return Some(EditError::ComponentExists(change.id.clone())),
        (Intent::Change, false) => return Some(EditError::UnknownComponent(change.id.clone())),
        _ => {}
    }
    let Some(ring) = &targets.outline else {
        return Some(EditError::UnknownUnitGrid(change.unit_grid.clone()));
    };
    if !contains(ring, [change.lon, change.lat]) {
        return Some(EditError::OutsideUnitGrid(change.unit_grid.clone()));
    }
    [change.owner_department, change.maintainer_department]
        .into_iter()
        .flatten()
        .find(|d| !targets.departments_in_service.contains(d))
        .map(EditError::UnknownDepartment)
}
