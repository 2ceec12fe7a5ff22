//! The data the client library hands to its caller (and, later, to the UI through commands).

use crate::reference::ReferenceUpdate;
use cgt_shared::caseflow::event::{CaseStatus, WorkflowEvent};
use cgt_shared::report::PhotoRef;
use cgt_shared::{
    ComponentId, DeviceId, DocId, GridCode, Kind, Position, Report, Role, Timestamp, UserId,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who is logged in on this device, and where the server is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub server_url: String,
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub device_id: DeviceId,
}

/// What the inspector enters for a new report (问题上报); the library adds id, reporter, device
/// and time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReport {
    pub kind: Kind,
    pub class: u8,
    pub subclass: u8,
    pub description: String,
    pub position: Position,
    pub unit_grid: GridCode,
    pub component_id: Option<ComponentId>,
    pub photos: Vec<PhotoRef>,
    pub self_handled: bool,
}

/// Where a document stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Local changes the server has not acknowledged yet.
    Pending,
    /// The server has stored everything this device has.
    Synced,
    /// The server refused the last push (reason alongside); not retried until the inspector
    /// edits the report.
    Refused,
}

/// A report as the device knows it, with its case status and sync state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub report: Report,
    pub status: CaseStatus,
    pub events: Vec<WorkflowEvent>,
    pub sync: SyncState,
    /// When the server first stored the report.
    pub received_at: Option<Timestamp>,
    /// Why the last attempt to send it failed, or why the server refused it.
    pub error: Option<String>,
}

/// A document the server has not acknowledged, as the "待上传" list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PendingItem {
    pub id: DocId,
    /// One line for the list, e.g. `事件 0102 暴露垃圾: 路口垃圾桶满溢`.
    pub summary: String,
    pub state: SyncState,
    pub reason: Option<String>,
    /// The last local change.
    pub changed_at: Timestamp,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// HTTP requests made.
    pub round_trips: u32,
    /// Request body bytes, as sent.
    pub bytes_sent: u64,
    /// Response body bytes, as received.
    pub bytes_received: u64,
    /// Documents sent (a document pushed again after `MissingDeps` counts twice).
    pub pushed: usize,
    /// Documents the server acknowledged storing.
    pub stored: usize,
    /// Documents the server refused, with its reason.
    pub refused: Vec<(DocId, String)>,
    /// Documents received from the server.
    pub pulled: usize,
    /// The feed cursor after this sync.
    pub cursor: u64,
    /// The reference data update that followed; `None` if it failed (see `reference_state`).
    pub reference: Option<ReferenceUpdate>,
    /// Photos the server confirmed storing whole in this sync.
    pub photos_uploaded: usize,
    /// Photo bytes sent (also counted in `bytes_sent`).
    pub photo_bytes_sent: u64,
    /// Photos still queued after this sync; `pending_photos()` says why.
    pub photos_waiting: usize,
    /// Track segments the server confirmed in this sync.
    pub track_segments_sent: usize,
    /// Track segments with points still to be sent after this sync.
    pub track_segments_waiting: usize,
}

/// When the last sync ended and why it failed, if it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LastSync {
    pub at: Timestamp,
    pub error: Option<String>,
    /// When a sync last succeeded ("上次成功同步"), which may be long before `at`.
    pub succeeded_at: Option<Timestamp>,
}

impl NewReport {
    /// The full report, made by `reporter` on `device` at `now`.
    pub fn into_report(self, reporter: UserId, device: DeviceId, now: Timestamp) -> Report {
        Report {
            id: DocId::new(),
            kind: self.kind,
            class: self.class,
            subclass: self.subclass,
            description: self.description,
            position: self.position,
            unit_grid: self.unit_grid,
            component_id: self.component_id,
            photos: self.photos,
            reporter,
            device,
            device_time: now,
            self_handled: self.self_handled,
        }
    }
}
