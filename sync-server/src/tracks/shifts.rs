//! The people, shifts and positions the track endpoints answer with.

use cgt_shared::geometry::Point;
use cgt_shared::{Timestamp, UserId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A person whose track may be asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Person {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
}

/// Why a shift report was not recorded.
#[derive(Debug, PartialEq, Eq)]
pub enum ShiftRefusal {
    /// Another device owns a shift of this id.
    OtherDevice,
}

/// A shift as the replay shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ShiftSpan {
    pub id: Uuid,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

/// Someone on shift (在线人员) and where they were last.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OnShift {
    pub person: Person,
    pub shift_started_at: Timestamp,
    pub last_at: Option<Timestamp>,
    /// `[lon, lat]`.
    #[schema(value_type = Option<cgt_shared::geometry::LonLat>)]
    pub last_position: Option<Point>,
}
