//! Document leases across processes: session advisory locks, one per document, taken in key
//! order (so two holders never wait on each other) on a connection set aside for leases and
//! held until the lease is dropped. Photo uploads are leased the same way, in a lock space and
//! on connections of their own. A process that dies loses its connection, and PostgreSQL
//! releases its locks.

use super::super::{DocLease, StorageError};
use super::PgStorage;
use crate::photos::PhotoHash;
use cgt_shared::DocId;
use std::sync::mpsc;

/// The advisory-lock key of a document: its id folded to 64 bits.
fn key_of(id: DocId) -> i64 {
    let bytes = id.as_bytes();
    let mut folded = [0u8; 8];
    for (i, b) in bytes.iter().enumerate() {
        folded[i % 8] ^= b;
    }
    i64::from_le_bytes(folded)
}

/// The advisory-lock class of photo uploads: photos are locked by the two-key form, a space of
/// its own apart from documents' one-key locks, so no hash a report names can hold up a
/// document.
const PHOTO_CLASS: i32 = 1;

/// The second key of a photo's upload lock: the first 32 bits of its hash.
fn photo_key(hash: &PhotoHash) -> i32 {
    u32::from_str_radix(&hash.as_str()[..8], 16).map_or(0, |k| k as i32)
}

/// The keys of `ids`, sorted and without repeats.
fn keys_of(ids: &[DocId]) -> Vec<i64> {
    let mut keys: Vec<i64> = ids.iter().copied().map(key_of).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl PgStorage {
    /// Takes the locks of `ids` on a lease connection and keeps it until the lease is dropped.
    pub(super) fn lease(&self, ids: &[DocId]) -> Result<DocLease, StorageError> {
        let keys = keys_of(ids);
        // One round trip: the keys are sorted, and the function scan takes them in array order.
        hold(&self.inner.leases, move |client| {
            client
                .execute(
                    "SELECT count(pg_advisory_lock(k)) FROM unnest($1::BIGINT[]) AS k",
                    &[&keys],
                )
                .map(drop)
        })
    }

    /// Holds a photo's upload as [`Self::lease`] holds documents, on connections of its own.
    pub(super) fn lease_photo_upload(&self, hash: &PhotoHash) -> Result<DocLease, StorageError> {
        let key = photo_key(hash);
        hold(&self.inner.photo_leases, move |client| {
            client
                .execute("SELECT pg_advisory_lock($1, $2)", &[&PHOTO_CLASS, &key])
                .map(drop)
        })
    }
}

/// Takes locks with `take` on a connection of `pool` and keeps it until the lease is dropped.
fn hold(
    pool: &super::workers::Workers,
    take: impl FnOnce(&mut postgres::Client) -> Result<(), postgres::Error> + Send + 'static,
) -> Result<DocLease, StorageError> {
    let (locked, taken) = mpsc::sync_channel::<Result<(), StorageError>>(1);
    let (release, released) = mpsc::channel::<()>();
    pool.submit(move |client| {
        let client = match client {
            Ok(client) => client,
            Err(e) => {
                let _ = locked.send(Err(e));
                return;
            }
        };
        if let Err(e) = take(client) {
            unlock(client);
            let _ = locked.send(Err(e.into()));
            return;
        }
        if locked.send(Ok(())).is_ok() {
            // Wait for the holder to drop the lease (or to be gone).
            let _ = released.recv();
        }
        unlock(client);
    })?;
    taken.recv().map_err(|_| StorageError::WriterGone)??;
    Ok(DocLease::held(move || {
        let _ = release.send(());
    }))
}

/// Releases every lock the lease connection holds; a connection that fails here is closed,
/// which releases them too.
fn unlock(client: &mut postgres::Client) {
    if client
        .execute("SELECT pg_advisory_unlock_all()", &[])
        .is_err()
    {
        tracing::warn!("releasing document locks failed; the connection is dropped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_without_repeats() {
        let a = DocId(uuid::Uuid::from_u128(1));
        let b = DocId(uuid::Uuid::from_u128(2 << 64));
        let keys = keys_of(&[b, a, b]);
        assert_eq!(keys.len(), 2);
        assert!(keys[0] < keys[1]);
    }
}
