//! The photo phase of a sync, after the documents: each queued photo whose report the server
//! has stored is started (or resumed) and sent in chunks from the server's offset, the offset
//! the server confirmed being recorded after every chunk. A photo that fails keeps its place in
//! the queue with the reason; it does not stop the other photos, except when the network or the
//! login is gone (they would fail the same way). The decisions are in [`super::plan`].

use super::add::held_back_in;
use super::files::sha256_hex;
use super::model::{PendingPhoto, SyncProgress};
use super::plan::{self, Next, Stop};
use super::queue;
use crate::client::Client;
use crate::error::ClientError;
use crate::http::{Http, JSON, Reply};
use crate::model::SyncReport;
use crate::store::docs;
use cgt_shared::wire::photo::{
    CHUNK_CONTENT_TYPE, PATH, StartRequest, UPLOAD_OFFSET, UPLOAD_PATH, path_of,
};
use reqwest::Method;

/// Chunks sent in a row without the server's offset moving on, before giving up until the
/// next sync.
const MAX_STALLS: u32 = 3;

/// How one photo's attempt ended.
enum Attempt {
    Stored,
    Stopped(Stop),
}

impl Client {
    /// Sends the queued photos whose reports the server has stored.
    pub(crate) async fn upload_photos(
        &self,
        http: &mut Http<'_>,
        report: &mut SyncReport,
    ) -> Result<(), ClientError> {
        let store = &self.inner.store;
        let ready: Vec<PendingPhoto> = store.read(|conn| {
            let mut ready = Vec::new();
            for photo in queue::waiting(conn)? {
                let row = docs::get(conn, photo.report_id)?;
                if held_back_in(row.as_ref(), &photo.sha256)?.is_none() {
                    ready.push(photo);
                }
            }
            Ok(ready)
        })?;
        let mut progress = SyncProgress {
            photos_total: ready.len(),
            photos_done: 0,
            bytes_total: ready.iter().map(|p| p.size).sum(),
            bytes_done: ready.iter().map(|p| p.uploaded).sum(),
        };
        self.inner.photos.progress.send_replace(progress);
        for photo in &ready {
            let attempt = self
                .upload_one(http, photo, &mut progress, &mut report.photo_bytes_sent)
                .await?;
            match attempt {
                Attempt::Stored => {
                    store.write(|tx| queue::mark_uploaded(tx, &photo.sha256))?;
                    report.photos_uploaded += 1;
                    progress.photos_done += 1;
                    self.inner.photos.progress.send_replace(progress);
                }
                Attempt::Stopped(stop) => {
                    tracing::warn!(photo = %photo.sha256, reason = %stop.reason, "photo not uploaded");
                    store.write(|tx| {
                        if stop.from_start {
                            queue::set_offset(tx, &photo.sha256, 0)?;
                        }
                        queue::mark_unfinished(tx, &photo.sha256, stop.state, &stop.reason)
                    })?;
                    if stop.ends_photo_sync {
                        break;
                    }
                }
            }
        }
        report.photos_waiting = store.read(queue::count_waiting)?;
        Ok(())
    }

    /// Starts or resumes one photo and sends it chunk by chunk, adding the chunk bytes sent to
    /// `chunk_bytes_sent`. Errors are the store's only; everything the network or the server
    /// does ends in an [`Attempt`].
    async fn upload_one(
        &self,
        http: &mut Http<'_>,
        photo: &PendingPhoto,
        progress: &mut SyncProgress,
        chunk_bytes_sent: &mut u64,
    ) -> Result<Attempt, ClientError> {
        let sha = photo.sha256.as_str();
        let bytes = match self.inner.photos.folder.read(sha)? {
            Some(bytes) if bytes.len() as u64 == photo.size && sha256_hex(&bytes) == sha => bytes,
            _ => return Ok(Attempt::Stopped(plan::damaged_file())),
        };
        // The bytes of the photos before this one, as the progress counts them.
        let others = progress.bytes_done.saturating_sub(photo.uploaded);
        let mut confirmed = photo.uploaded;
        let start = serde_json::to_vec(&StartRequest { size: photo.size })
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let answer = http
            .send(Method::POST, &path_of(UPLOAD_PATH, sha), JSON, &[], start)
            .await;
        let mut next = read_answer(answer, photo.size, confirmed);
        let mut chunk_bytes = plan::DEFAULT_CHUNK_BYTES;
        let mut stalls = 0;
        loop {
            let offset = match next {
                Next::Stored => {
                    progress.bytes_done = others + photo.size;
                    return Ok(Attempt::Stored);
                }
                Next::Stop(stop) => return Ok(Attempt::Stopped(stop)),
                Next::Send {
                    offset,
                    chunk_bytes: asked,
                } => {
                    chunk_bytes = asked.unwrap_or(chunk_bytes);
                    offset
                }
            };
            // Naming the offset already confirmed is normal once (a start that resumes there, a
            // 409 after a lost answer); several answers in a row doing so mean no progress.
            if offset == confirmed {
                stalls += 1;
            } else {
                stalls = 0;
                confirmed = offset;
                self.inner
                    .store
                    .write(|tx| queue::set_offset(tx, sha, confirmed))?;
                progress.bytes_done = others + confirmed;
                self.inner.photos.progress.send_replace(*progress);
            }
            let Some(range) =
                plan::next_chunk(offset, photo.size, chunk_bytes).filter(|_| stalls <= MAX_STALLS)
            else {
                return Ok(Attempt::Stopped(plan::stalled(confirmed)));
            };
            let sent_before = http.meter.bytes_sent;
            let reply = http
                .send(
                    Method::PATCH,
                    &path_of(PATH, sha),
                    CHUNK_CONTENT_TYPE,
                    &[(UPLOAD_OFFSET, offset.to_string())],
                    bytes[range].to_vec(),
                )
                .await;
            *chunk_bytes_sent += http.meter.bytes_sent - sent_before;
            next = read_answer(reply, photo.size, confirmed);
        }
    }
}

fn read_answer(reply: Result<Reply, ClientError>, size: u64, confirmed: u64) -> Next {
    match reply {
        Ok(reply) => plan::after_answer(reply.status, &reply.body, size, confirmed),
        Err(_) => Next::Stop(plan::network_failure(confirmed)),
    }
}
