//! What the device and the server exchange about tracks: the paths, the shift record and the
//! answer to a segment upload. A segment's body is [`super::codec`] bytes.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Most points in one segment; the recorder starts a new segment when one is full, so a
/// growing segment resent at every sync stays small.
pub const MAX_SEGMENT_POINTS: usize = 900;
/// Highest segment number of a shift.
pub const MAX_SEGMENT_NUMBER: u32 = 100_000;
/// Content type of a segment upload.
pub const SEGMENT_CONTENT_TYPE: &str = "application/vnd.cgt.track-segment";

/// `PUT`: the device's shift, its start and (once it ended) its end.
pub fn shift_path(shift: Uuid) -> String {
    format!("/api/v1/tracks/shifts/{shift}")
}

/// `POST`: a segment of a shift, the body its encoded points.
pub fn segment_path(shift: Uuid, segment: u32) -> String {
    format!("/api/v1/tracks/shifts/{shift}/segments/{segment}")
}

/// A shift as the device reports it: 上班 at `started_at`, 下班 at `ended_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ShiftReport {
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

/// The server's answer to a segment: how many of its points it holds (the longest version
/// received, so a resend of an older, shorter version answers with more).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SegmentStored {
    pub points: usize,
}
