//! What the photo queue shows its caller: photos still to send, and the progress of a sync.

use cgt_shared::DocId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a photo stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhotoState {
    /// Waiting for (the rest of) its upload.
    Pending,
    /// The server confirmed storing it whole.
    Uploaded,
    /// The server or the device refused it for a reason that waiting alone will not fix (too
    /// large, damaged file); it is tried again at every sync, so a fix on either side heals it.
    Failed,
}

/// A photo the server has not confirmed, as the "待上传" list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PendingPhoto {
    pub sha256: String,
    pub report_id: DocId,
    /// Bytes of the photo.
    pub size: u64,
    /// Bytes the server confirmed holding: the next upload continues from here.
    pub uploaded: u64,
    pub state: PhotoState,
    /// Why the last attempt failed, in plain words; `None` if nothing failed yet.
    pub reason: Option<String>,
}

/// How far the photo uploads of the running sync have got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SyncProgress {
    /// Photos this sync is sending.
    pub photos_total: usize,
    /// Of those, how many the server confirmed.
    pub photos_done: usize,
    pub bytes_total: u64,
    /// Bytes of those photos the server holds (including what it had before this sync).
    pub bytes_done: u64,
}
