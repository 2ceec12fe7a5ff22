//! Downloading reference data: one GET with the version held, a gzip-compressed JSON answer,
//! applied in one transaction. The I/O half; what to write is in [`super::store`].

use super::model::{ReferenceState, ReferenceUpdate};
use super::store;
use crate::client::Client;
use crate::error::ClientError;
use crate::http::{Reply, network_error};
use cgt_shared::UserId;
use cgt_shared::wire::reference::{PATH as REFERENCE_PATH, ReferenceAnswer};
use cgt_shared::wire::{PENDING_HEADER, PendingCounts};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use std::io::Read;

/// Largest decompressed answer accepted: a city's 400,000 components are about 50 MB of JSON,
/// and one inspector's share a small fraction of that.
const MAX_ANSWER_BYTES: u64 = 256 << 20;

impl Client {
    /// Brings the reference data (category table, departments, this user's work grids with
    /// their unit grids and components) up to the server's version: a delta after the version
    /// held, or a snapshot the first time. A failure is recorded (see [`Client::reference_state`])
    /// and what is held stays usable.
    pub async fn update_reference(&self) -> Result<ReferenceUpdate, ClientError> {
        let (session, token) = self.require_session()?;
        let user = session.user_id;
        let result = self.download(&session.server_url, &token, user).await;
        if let Err(e) = &result {
            let message = e.to_string();
            self.inner
                .store
                .write(|tx| store::record_error(tx, user, &message))?;
        }
        result
    }

    /// The version held, when it was last updated, and why the last update failed.
    pub fn reference_state(&self) -> Result<ReferenceState, ClientError> {
        self.inner.store.read(store::state)
    }

    /// The update at the end of a document sync: its failure does not fail the sync.
    pub(crate) async fn update_reference_after_sync(&self) -> Option<ReferenceUpdate> {
        match self.update_reference().await {
            Ok(update) => Some(update),
            Err(e) => {
                tracing::warn!(error = %e, "reference update failed");
                None
            }
        }
    }

    async fn download(
        &self,
        server_url: &str,
        token: &str,
        user: UserId,
    ) -> Result<ReferenceUpdate, ClientError> {
        let store = &self.inner.store;
        let since = store.read(|conn| store::version_for(conn, user))?;
        let pending = self.pending_counts()?;
        let (answer, bytes_received) =
            fetch(&self.inner.http, server_url, token, since, &pending).await?;
        let now = self.inner.clock.now();
        store.write(|tx| {
            let held = store::version_for(tx, user)?;
            if held != since {
                // Another update finished first; its answer is at least as new as this one.
                return Ok(ReferenceUpdate {
                    version: held,
                    bytes_received,
                    ..ReferenceUpdate::default()
                });
            }
            store::apply(tx, &answer, user, now)?;
            Ok(ReferenceUpdate {
                version: answer.version,
                full: answer.full,
                changed_rows: answer.rows(),
                bytes_received,
            })
        })
    }
}

/// GETs the answer after `since`, reporting what the device still holds to send (at the end of
/// a sync: what the sync left); returns it with the body bytes as received.
async fn fetch(
    http: &reqwest::Client,
    server_url: &str,
    token: &str,
    since: u64,
    pending: &PendingCounts,
) -> Result<(ReferenceAnswer, u64), ClientError> {
    let response = http
        .get(format!("{server_url}{REFERENCE_PATH}?since={since}"))
        .bearer_auth(token)
        .header(ACCEPT_ENCODING, "gzip")
        .header(PENDING_HEADER, pending.to_header())
        .send()
        .await
        .map_err(network_error)?;
    let status = response.status().as_u16();
    let gzip = response
        .headers()
        .get(CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let body = response.bytes().await.map_err(network_error)?;
    let received = body.len() as u64;
    let body = if gzip { gunzip(&body)? } else { body.to_vec() };
    let json = Reply { status, body }.success()?;
    let answer = serde_json::from_slice(&json)
        .map_err(|e| ClientError::Protocol(format!("reference answer: {e}")))?;
    Ok((answer, received))
}

fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, ClientError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(compressed)
        .take(MAX_ANSWER_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| ClientError::Protocol(format!("reference answer is not valid gzip: {e}")))?;
    if out.len() as u64 > MAX_ANSWER_BYTES {
        return Err(ClientError::Protocol(format!(
            "reference answer larger than {MAX_ANSWER_BYTES} bytes"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn gzip_round_trip_and_garbage() {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(b"{\"version\":1}").unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(gunzip(&compressed).unwrap(), b"{\"version\":1}");
        assert!(matches!(gunzip(b"not gzip"), Err(ClientError::Protocol(_))));
    }
}
