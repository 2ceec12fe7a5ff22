//! What each field device last reported it still holds to send (待传), kept with the time of the
//! report and since when the device has had something pending, in PostgreSQL.

use super::super::StorageError;
use super::PgStorage;
use crate::storage::DevicePendingStore;
use cgt_shared::wire::PendingCounts;
use cgt_shared::{DeviceId, Timestamp};
use postgres::Transaction;

impl DevicePendingStore for PgStorage {
    fn record_pending(
        &self,
        id: DeviceId,
        counts: PendingCounts,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |tx| record_pending(tx, id, &counts, now))
    }

    fn record_sync(
        &self,
        id: DeviceId,
        now: Timestamp,
        pending: Option<PendingCounts>,
    ) -> Result<(), StorageError> {
        self.write(move |tx| {
            touch_device(tx, id, now)?;
            match pending {
                Some(counts) => record_pending(tx, id, &counts, now),
                None => Ok(()),
            }
        })
    }
}

/// Stores a report unless the one held is newer. The upsert is atomic, so reports of one
/// device arriving at several processes at once need no lock.
fn record_pending(
    tx: &mut Transaction<'_>,
    id: DeviceId,
    counts: &PendingCounts,
    now: Timestamp,
) -> Result<(), StorageError> {
    let since = counts.any().then_some(now.millis());
    let device: &[u8] = id.as_bytes();
    tx.execute(
        "INSERT INTO device_pending
            (device_id, reports, photos, photo_bytes, track_segments, failed, reported_at,
             pending_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (device_id) DO UPDATE SET
            reports = EXCLUDED.reports, photos = EXCLUDED.photos,
            photo_bytes = EXCLUDED.photo_bytes, track_segments = EXCLUDED.track_segments,
            failed = EXCLUDED.failed, reported_at = EXCLUDED.reported_at,
            pending_since = CASE WHEN EXCLUDED.pending_since IS NULL THEN NULL
                ELSE COALESCE(device_pending.pending_since, EXCLUDED.pending_since) END
         WHERE EXCLUDED.reported_at >= device_pending.reported_at",
        &[
            &device,
            &i64::from(counts.reports),
            &i64::from(counts.photos),
            &i64::try_from(counts.photo_bytes).unwrap_or(i64::MAX),
            &i64::from(counts.track_segments),
            &i64::from(counts.failed),
            &now.millis(),
            &since,
        ],
    )?;
    Ok(())
}

/// Records when a device last synced.
pub(super) fn touch_device(
    tx: &mut Transaction<'_>,
    id: DeviceId,
    now: Timestamp,
) -> Result<(), StorageError> {
    let device: &[u8] = id.as_bytes();
    tx.execute(
        "UPDATE devices SET last_sync_at = $2 WHERE id = $1",
        &[&device, &now.millis()],
    )?;
    Ok(())
}
