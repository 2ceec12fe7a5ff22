//! Reference data as the admin console lists it: departments, work grids and unit grids with
//! their counts, and components a page at a time (read by `storage::reference::catalog`).

use cgt_shared::wire::reference::Component;
use cgt_shared::{GridCode, UserId};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DepartmentListing {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Active users in the department.
    pub staff: u64,
    /// Components in service it owns (权属) and maintains (养护).
    pub owned_components: u64,
    pub maintained_components: u64,
}

/// The person a work grid is assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Inspector {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkGridListing {
    pub code: GridCode,
    pub name: String,
    pub inspector: Option<Inspector>,
    pub unit_grids: u64,
    pub components: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct UnitGridListing {
    pub code: GridCode,
    pub street: String,
    pub community: String,
    pub work_grid: Option<GridCode>,
    /// `[min_lon, min_lat, max_lon, max_lat]` of its outline, WGS84 degrees.
    pub bbox: [f64; 4],
    pub components: u64,
}

/// A component with the reference version at which it last changed.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ComponentListing {
    #[serde(flatten)]
    pub component: Component,
    pub version: u64,
}

/// Which components to list: ids and unit grid codes starting with the given digits (empty
/// for any), a page of at most `limit` after skipping `offset`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComponentFilter {
    pub id_prefix: String,
    pub unit_grid_prefix: String,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentPage {
    /// Components in service matching the filter, on every page.
    pub total: u64,
    pub items: Vec<ComponentListing>,
}
