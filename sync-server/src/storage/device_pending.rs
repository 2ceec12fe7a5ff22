//! What each field device last reported it still holds to send (待传), kept with the time of the
//! report and since when the device has had something pending (migration 0012).

use super::columns::Columns;
use super::{Storage, StorageError};
use crate::storage::DevicePendingStore;
use cgt_shared::wire::PendingCounts;
use cgt_shared::{DeviceId, Timestamp};
use rusqlite::Connection;
use serde::Serialize;
use utoipa::ToSchema;

/// A device's last report of what it holds to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DevicePending {
    #[serde(flatten)]
    pub counts: PendingCounts,
    pub reported_at: Timestamp,
    /// Since when every report has had something pending or failed; `None` when the last one
    /// had nothing.
    pub pending_since: Option<Timestamp>,
}

/// The columns [`pending_from_row`] reads, for a `LEFT JOIN device_pending p`.
pub(super) const PENDING_COLUMNS: &str = "p.reports, p.photos, p.photo_bytes, p.track_segments, p.failed, p.reported_at, p.pending_since";

/// A report from its stored columns: the five counts in the order of [`PENDING_COLUMNS`]
/// (reports, photos, photo_bytes, track_segments, failed), then `reported_at` and
/// `pending_since`.
fn pending_from_columns(
    counts: [i64; 5],
    reported_at: i64,
    pending_since: Option<i64>,
) -> Result<DevicePending, StorageError> {
    let count = |i: usize| -> Result<u32, StorageError> {
        let n = counts[i];
        u32::try_from(n).map_err(|_| StorageError::Corrupt(format!("device_pending count {n}")))
    };
    let photo_bytes = counts[2];
    Ok(DevicePending {
        counts: PendingCounts {
            reports: count(0)?,
            photos: count(1)?,
            photo_bytes: u64::try_from(photo_bytes).map_err(|_| {
                StorageError::Corrupt(format!("device_pending bytes {photo_bytes}"))
            })?,
            track_segments: count(3)?,
            failed: count(4)?,
        },
        reported_at: Timestamp(reported_at),
        pending_since: pending_since.map(Timestamp),
    })
}

/// Reads [`PENDING_COLUMNS`] starting at column `first`; `None` when the device never reported.
/// Shared by both backends.
pub(super) fn pending_from_row(
    row: &impl Columns,
    first: usize,
) -> Result<Option<DevicePending>, StorageError> {
    let Some(reported_at) = row.opt_int(first + 5)? else {
        return Ok(None);
    };
    let mut counts = [0i64; 5];
    for (i, count) in counts.iter_mut().enumerate() {
        *count = row.int(first + i)?;
    }
    pending_from_columns(counts, reported_at, row.opt_int(first + 6)?).map(Some)
}

impl DevicePendingStore for Storage {
    fn record_pending(
        &self,
        id: DeviceId,
        counts: PendingCounts,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |c| record_pending(c, id, &counts, now))
    }

    fn record_sync(
        &self,
        id: DeviceId,
        now: Timestamp,
        pending: Option<PendingCounts>,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            touch_device(c, id, now)?;
            match pending {
                Some(counts) => record_pending(c, id, &counts, now),
                None => Ok(()),
            }
        })
    }
}

fn record_pending(
    c: &Connection,
    id: DeviceId,
    counts: &PendingCounts,
    now: Timestamp,
) -> Result<(), StorageError> {
    let since = counts.any().then_some(now.millis());
    c.prepare_cached(
        "INSERT INTO device_pending
            (device_id, reports, photos, photo_bytes, track_segments, failed, reported_at,
             pending_since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (device_id) DO UPDATE SET
            reports = excluded.reports, photos = excluded.photos,
            photo_bytes = excluded.photo_bytes, track_segments = excluded.track_segments,
            failed = excluded.failed, reported_at = excluded.reported_at,
            pending_since = CASE WHEN excluded.pending_since IS NULL THEN NULL
                ELSE coalesce(device_pending.pending_since, excluded.pending_since) END
         WHERE excluded.reported_at >= device_pending.reported_at",
    )?
    .execute((
        id.as_bytes(),
        counts.reports,
        counts.photos,
        i64::try_from(counts.photo_bytes).unwrap_or(i64::MAX),
        counts.track_segments,
        counts.failed,
        now.millis(),
        since,
    ))?;
    Ok(())
}

/// Records when a device last synced.
pub(super) fn touch_device(
    c: &Connection,
    id: DeviceId,
    now: Timestamp,
) -> Result<(), StorageError> {
    c.prepare_cached("UPDATE devices SET last_sync_at = ?2 WHERE id = ?1")?
        .execute((id.as_bytes(), now.millis()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::AccountStore;
    use cgt_shared::UserId;

    fn counts(reports: u32, photos: u32) -> PendingCounts {
        PendingCounts {
            reports,
            photos,
            photo_bytes: u64::from(photos) * 300_000,
            ..PendingCounts::default()
        }
    }

    #[test]
    fn pending_since_spans_the_run_of_reports_with_something_pending() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        let device = DeviceId::new();
        storage
            .write(move |c| {
                let user = UserId::new();
                c.execute(
                    "INSERT INTO users (id, username, display_name, password_hash, roles, created_at)
                     VALUES (?1, 'inspector', '巡查员', '', '', 0)",
                    [user.as_bytes()],
                )?;
                c.execute(
                    "INSERT INTO devices (id, user_id, name, registered_at) VALUES (?1, ?2, 'p', 0)",
                    (device.as_bytes(), user.as_bytes()),
                )?;
                Ok(())
            })
            .unwrap();
        let held = || {
            storage.devices().unwrap().remove(0).pending.map(|p| {
                (
                    p.counts,
                    p.reported_at.millis(),
                    p.pending_since.map(|t| t.millis()),
                )
            })
        };
        assert_eq!(held(), None, "never reported");

        let check =
            |report: PendingCounts, at: i64, expected: (PendingCounts, i64, Option<i64>)| {
                storage
                    .record_pending(device, report, Timestamp(at))
                    .unwrap();
                assert_eq!(held(), Some(expected), "after the report at {at}");
            };
        check(counts(2, 1), 1_000, (counts(2, 1), 1_000, Some(1_000)));
        check(counts(0, 1), 2_000, (counts(0, 1), 2_000, Some(1_000)));
        // An older report arriving late changes nothing.
        check(counts(5, 5), 1_500, (counts(0, 1), 2_000, Some(1_000)));
        check(counts(0, 0), 3_000, (counts(0, 0), 3_000, None));
        check(counts(0, 3), 4_000, (counts(0, 3), 4_000, Some(4_000)));
        let failed_only = PendingCounts {
            failed: 1,
            ..PendingCounts::default()
        };
        check(failed_only, 5_000, (failed_only, 5_000, Some(4_000)));
    }
}
