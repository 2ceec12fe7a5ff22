//! What this device still holds to send (待传), as every sync reports it to the server in the
//! `cgt-pending` header: at the push that opens the sync and at the reference update that ends
//! it, so the admin console shows what is left after the sync, not only what was there before.

use crate::client::Client;
use crate::error::ClientError;
use crate::model::SyncState;
use crate::photos::queue_totals;
use crate::store::docs;
use crate::track::segment_totals;
use cgt_shared::wire::PendingCounts;

impl Client {
    /// Documents the server has not acknowledged, photos it has not confirmed (with their bytes
    /// still to send), track segments with unconfirmed points, and the items refused or failed
    /// (refused documents, failed photos, refused segments). Counts beyond what the server
    /// accepts are reported at its bound.
    pub fn pending_counts(&self) -> Result<PendingCounts, ClientError> {
        self.inner.store.read(|conn| {
            let metas = docs::sync_metas(conn)?;
            let unacknowledged = metas
                .iter()
                .filter(|m| docs::state_of(&m.doc, m.refused) != SyncState::Synced)
                .count();
            let refused = metas.iter().filter(|m| m.refused).count();
            let (photos, photo_bytes, failed_photos) = queue_totals(conn)?;
            let (segments, refused_segments) = segment_totals(conn)?;
            Ok(PendingCounts {
                reports: items(unacknowledged as u64),
                photos: items(photos),
                photo_bytes: photo_bytes.min(PendingCounts::MAX_PHOTO_BYTES),
                track_segments: items(segments),
                failed: items(refused as u64 + failed_photos + refused_segments),
            })
        })
    }
}

fn items(n: u64) -> u32 {
    u32::try_from(n.min(u64::from(PendingCounts::MAX_ITEMS))).unwrap_or(PendingCounts::MAX_ITEMS)
}

#[cfg(test)]
mod tests {
    use crate::store::docs;
    use crate::testing::{Fixture, T0, garbage_report};
    use cgt_shared::Position;
    use cgt_shared::track::TrackPoint;
    use cgt_shared::wire::PendingCounts;

    #[test]
    fn counts_what_waits_and_what_failed() {
        let f = Fixture::new();
        f.login();
        assert_eq!(f.client.pending_counts().unwrap(), PendingCounts::default());

        let here = Position::new(31.3158, 120.6190, 8.0);
        let first = f.client.create_report(garbage_report()).unwrap().id;
        let refused = f.client.create_report(garbage_report()).unwrap().id;
        let photo = f
            .client
            .add_photo(first, vec![0xFF, 0xD8, 1, 2, 3, 4, 5, 6], T0, here)
            .unwrap();
        f.client
            .add_photo(first, vec![0xFF, 0xD8, 9, 9], T0, here)
            .unwrap();
        f.client.start_shift().unwrap();
        f.client.record_position(TrackPoint::at(T0, here)).unwrap();
        f.client
            .inner
            .store
            .write(|tx| {
                docs::mark_refused(tx, refused, "不在你的网格")?;
                tx.execute(
                    "UPDATE photo_queue SET state = 'failed' WHERE sha256 = ?1",
                    [&photo.sha256],
                )?;
                tx.execute("UPDATE photo_queue SET uploaded_offset = 3", [])?;
                Ok(())
            })
            .unwrap();

        assert_eq!(
            f.client.pending_counts().unwrap(),
            PendingCounts {
                reports: 2,
                photos: 2,
                photo_bytes: (8 - 3) + (4 - 3),
                track_segments: 1,
                failed: 2,
            }
        );
    }
}
