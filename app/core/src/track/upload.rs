//! The track phase of a sync, after the photos: every shift whose start or end the server has
//! not confirmed, then every segment with unconfirmed points, sent whole (resending is
//! harmless: the server keeps the longest version of a segment). The network or the server
//! failing stops the phase and fails the sync, which retries later; the server refusing a
//! segment (4xx) records why on the segment and moves on, so one bad segment cannot wedge sync.

use super::store;
use crate::client::Client;
use crate::error::ClientError;
use crate::http::{Http, JSON, server_message};
use crate::model::SyncReport;
use cgt_shared::track::codec;
use cgt_shared::track::wire::{
    SEGMENT_CONTENT_TYPE, SegmentStored, ShiftReport, segment_path, shift_path,
};
use reqwest::Method;

/// A refusal the device cannot fix by retrying: 4xx other than an expired login.
fn refused(status: u16) -> bool {
    (400..500).contains(&status) && status != 401
}

impl Client {
    pub(crate) async fn upload_tracks(
        &self,
        http: &mut Http<'_>,
        report: &mut SyncReport,
    ) -> Result<(), ClientError> {
        let store = &self.inner.store;
        for (shift, _) in store.read(store::unreported_shifts)? {
            let body = serde_json::to_vec(&ShiftReport {
                started_at: shift.started_at,
                ended_at: shift.ended_at,
            })
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
            let reply = http
                .send(Method::PUT, &shift_path(shift.id), JSON, &[], body)
                .await?;
            if refused(reply.status) {
                tracing::warn!(shift = %shift.id, message = server_message(&reply.body), "shift refused");
                continue;
            }
            reply.success()?;
            let reported = if shift.ended_at.is_some() { 2 } else { 1 };
            store.write(|tx| store::set_reported(tx, shift.id, reported))?;
        }
        for unsent in store.read(store::unsent)? {
            let points = store.read(|c| store::points(c, unsent.shift, Some(unsent.segment)))?;
            let path = segment_path(unsent.shift, unsent.segment);
            let reply = http
                .send(
                    Method::POST,
                    &path,
                    SEGMENT_CONTENT_TYPE,
                    &[],
                    codec::encode(&points),
                )
                .await?;
            if refused(reply.status) {
                let reason = server_message(&reply.body);
                tracing::warn!(segment = unsent.segment, %reason, "track segment refused");
                store.write(|tx| {
                    store::set_sent(
                        tx,
                        unsent.shift,
                        unsent.segment,
                        unsent.points,
                        Some(&reason),
                    )
                })?;
                continue;
            }
            let stored: SegmentStored = serde_json::from_slice(&reply.success()?)
                .map_err(|e| ClientError::Protocol(e.to_string()))?;
            let confirmed = stored.points.min(points.len());
            store.write(|tx| store::set_sent(tx, unsent.shift, unsent.segment, confirmed, None))?;
            report.track_segments_sent += 1;
        }
        report.track_segments_waiting = store.read(store::unsent)?.len();
        Ok(())
    }
}
