//! What the reference API hands the UI: the outcome of an update, the state of the data held,
//! components near the inspector, and the inspector's work grids.

use cgt_shared::{ComponentId, GridCode, Position, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What one reference update did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceUpdate {
    /// The reference version now held.
    pub version: u64,
    /// The server sent a snapshot that replaced everything held.
    pub full: bool,
    /// Rows added, changed or dropped (the category table counts as one).
    pub changed_rows: usize,
    /// Response body bytes as they came over the network (gzip-compressed).
    pub bytes_received: u64,
}

/// The reference data held, for a status line ("参考数据 版本 12,更新于 …").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReferenceState {
    /// 0: nothing downloaded yet; the built-in category table applies.
    pub version: u64,
    pub updated_at: Option<Timestamp>,
    /// Why the last update failed; `None` after a success.
    pub error: Option<String>,
}

/// A component (部件) near a position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComponentView {
    pub id: ComponentId,
    pub class: u8,
    pub subclass: u8,
    /// The subclass name from the category table, e.g. 上水井盖.
    pub name: String,
    pub distance_m: f64,
    /// Where it stands (accuracy 0: surveyed).
    pub position: Position,
}

/// A work grid (工作网格) of the logged-in inspector with its unit grids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkGridView {
    pub code: GridCode,
    pub name: String,
    pub unit_grids: Vec<UnitGridView>,
}

/// A unit grid (单元网格) with its outline, for the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitGridView {
    pub code: GridCode,
    pub street: String,
    pub community: String,
    /// Ring of `[lon, lat]` pairs, WGS84 degrees.
    pub polygon: Vec<[f64; 2]>,
}
