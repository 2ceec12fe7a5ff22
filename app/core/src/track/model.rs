//! What the app shows and configures about patrol tracks.

use cgt_shared::Timestamp;
use cgt_shared::track::analysis::AnalysisParams;
use cgt_shared::track::filter::{DropReason, FilterParams};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A patrol shift (上班 → 下班).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Shift {
    pub id: Uuid,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

/// What became of one position offered to the recorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Stored in `segment`.
    Kept {
        segment: u32,
    },
    Dropped(DropReason),
}

/// What a replay through the recorder did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecordingReport {
    pub kept: usize,
    pub dropped: usize,
    /// Instants at which the source had no fix.
    pub no_fix: usize,
}

/// Today's patrol as the app shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct PatrolSummary {
    pub shift: Shift,
    pub distance_m: f64,
    /// From 上班 to 下班, or to now while on shift.
    pub duration_ms: i64,
    pub points: usize,
    pub segments: u32,
    /// Reports this inspector made on this device during the shift.
    pub reports_made: usize,
    /// On shift and the last point is recent (or the shift has ended).
    pub recording_healthy: bool,
    pub last_point_at: Option<Timestamp>,
    /// Segments with points the server has not confirmed yet.
    pub unsent_segments: usize,
    /// Why the last upload of a segment failed, if one did.
    pub upload_error: Option<String>,
}

/// The recorder's thresholds; the defaults suit an inspector on foot or on a bicycle.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrackSettings {
    pub filter: FilterParams,
    pub analysis: AnalysisParams,
}
