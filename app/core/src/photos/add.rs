//! Photos on the device: adding one to a report (stored and queued before the call returns),
//! reading it back, the list of photos still to send, and the progress of their upload.

use super::files::sha256_hex;
use super::model::{PendingPhoto, SyncProgress};
use super::plan;
use super::queue::{self, NewPhoto};
use crate::client::Client;
use crate::error::ClientError;
use crate::reports::edit_in;
use crate::store::docs;
use crate::view::referenced_photos;
use cgt_shared::report::PhotoRef;
use cgt_shared::{DocId, Position, Timestamp};

/// Every JPEG file opens with the start-of-image marker.
const JPEG_START: [u8; 2] = [0xFF, 0xD8];

impl Client {
    /// Adds a photo (a JPEG, as the photo pipeline made it) to a report of this device. The file
    /// is on disk and the photo queued and referenced by the report — one transaction — before
    /// this returns; it goes to the server after the report, at the next sync.
    pub fn add_photo(
        &self,
        report_id: DocId,
        jpeg: Vec<u8>,
        taken_at: Timestamp,
        position: Position,
    ) -> Result<PhotoRef, ClientError> {
        let (session, _) = self.require_session()?;
        let table = self.categories()?;
        let queued = self.store_photo_file(report_id, &jpeg, taken_at, position)?;
        let now = queued.added_at;
        let photo = PhotoRef {
            sha256: queued.sha256.clone(),
        };
        self.inner.store.write(|tx| {
            edit_in(tx, report_id, &session, &table, now, |report| {
                if !report.photos.contains(&photo) {
                    report.photos.push(photo.clone());
                }
            })?;
            queue::enqueue(tx, &queued)
        })?;
        Ok(photo)
    }

    /// Queues a photo (a JPEG, as the photo pipeline made it) for the case `doc_id` without
    /// touching its report part: the photo of a 核实 / 核查 result, which the result command
    /// references. It is on disk and queued before this returns, and is sent only once a
    /// stored version of the case document references it (see [`plan::held_back`]).
    pub(crate) fn queue_photo(
        &self,
        doc_id: DocId,
        jpeg: &[u8],
        taken_at: Timestamp,
        position: Position,
    ) -> Result<String, ClientError> {
        let queued = self.store_photo_file(doc_id, jpeg, taken_at, position)?;
        self.inner.store.write(|tx| queue::enqueue(tx, &queued))?;
        Ok(queued.sha256)
    }

    /// Checks the JPEG and writes it to the photo folder; the queue row to insert.
    fn store_photo_file(
        &self,
        doc_id: DocId,
        jpeg: &[u8],
        taken_at: Timestamp,
        position: Position,
    ) -> Result<NewPhoto, ClientError> {
        if !jpeg.starts_with(&JPEG_START) {
            return Err(ClientError::InvalidPhoto("不是 JPEG 照片".to_string()));
        }
        position.validate()?;
        let sha256 = sha256_hex(jpeg);
        self.inner.photos.folder.write(&sha256, jpeg)?;
        let (lat_e7, lon_e7, _) = position.to_fixed();
        Ok(NewPhoto {
            sha256,
            report_id: doc_id,
            size: jpeg.len() as u64,
            taken_at,
            lat_e7,
            lon_e7,
            added_at: self.inner.clock.now(),
        })
    }

    /// A photo held on this device (added here), by its SHA-256.
    pub fn photo(&self, sha256: &str) -> Result<Option<Vec<u8>>, ClientError> {
        self.inner.photos.folder.read(sha256)
    }

    /// Photos the server has not confirmed storing, oldest first, each with the reason it is
    /// still here: the last failure, or that its report has not reached the server yet.
    pub fn pending_photos(&self) -> Result<Vec<PendingPhoto>, ClientError> {
        self.inner.store.read(|conn| {
            let mut photos = queue::waiting(conn)?;
            for photo in &mut photos {
                if photo.reason.is_none() {
                    let row = docs::get(conn, photo.report_id)?;
                    photo.reason = held_back_in(row.as_ref(), &photo.sha256)?.map(str::to_string);
                }
            }
            Ok(photos)
        })
    }

    /// The progress of photo uploads, updated while a sync sends them.
    pub fn sync_progress(&self) -> tokio::sync::watch::Receiver<SyncProgress> {
        self.inner.photos.progress.subscribe()
    }
}

/// Why the photo waits for its document (none: it may be sent now): the stored document must
/// be acknowledged by the server and reference the photo.
pub(super) fn held_back_in(
    row: Option<&docs::DocRow>,
    sha256: &str,
) -> Result<Option<&'static str>, ClientError> {
    let referenced = match row {
        Some(row) => referenced_photos(&row.load()?, row.id)
            .iter()
            .any(|p| p == sha256),
        None => false,
    };
    Ok(plan::held_back(row.map(|r| r.state()), referenced))
}
