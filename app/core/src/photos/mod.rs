//! Photos of reports (principle 8: photos are blobs): JPEG files beside the database, named by
//! their SHA-256 and referenced from the report document, queued when added and uploaded after
//! the report in resumable chunks. A photo leaves the queue only when the server confirmed
//! storing it whole; every photo still queued shows why.
//!
//! Split: [`add`] is the API, [`files`] the photo folder, [`queue`] its SQL, [`plan`] the pure
//! decisions of an upload, [`wire`] the server's endpoints, [`upload`] the sync phase (I/O).

mod add;
mod capture;
mod files;
mod model;
mod plan;
mod queue;
#[cfg(test)]
mod tests;
mod upload;

pub use model::{PendingPhoto, PhotoState, SyncProgress};
pub(crate) use queue::totals as queue_totals;

use files::PhotoFolder;
use std::path::Path;

/// The photo state a [`crate::Client`] holds: its folder and the progress of uploads.
pub(crate) struct Photos {
    folder: PhotoFolder,
    progress: tokio::sync::watch::Sender<SyncProgress>,
}

impl Photos {
    /// The photos of the store at `db_path`.
    pub(crate) fn beside(db_path: &Path) -> Photos {
        Photos {
            folder: PhotoFolder::beside(db_path),
            progress: tokio::sync::watch::Sender::new(SyncProgress::default()),
        }
    }
}
