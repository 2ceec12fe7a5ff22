//! The photos' index on PostgreSQL: `photos` (stored and verified) and `photo_uploads` (under
//! way). The bytes live in the blob store (`photos::files`); this is what the server knows
//! about them. Every write is one statement, so concurrent processes need no lock here (the
//! upload of one photo is serialized by its caller, see `photos::store`).
//!
//! `offset` is a reserved word in PostgreSQL: the column is quoted.

use super::super::photos::{UnderWay, to_i64, to_u64};
use super::super::ports::PhotoIndex;
use super::super::{DocLease, StorageError};
use super::PgStorage;
use crate::photos::PhotoHash;
use crate::photos::upload::{Holder, Partial, Uploader};
use cgt_shared::{DeviceId, Timestamp};
use postgres::Transaction;
use std::collections::HashSet;

impl PhotoIndex for PgStorage {
    fn lease_photo(&self, hash: &PhotoHash) -> Result<DocLease, StorageError> {
        self.lease_photo_upload(hash)
    }

    fn photo_state(&self, hash: &PhotoHash) -> Result<(Option<u64>, UnderWay), StorageError> {
        let hash = hash.clone();
        self.read(move |tx| Ok((stored_size(tx, &hash)?, upload(tx, &hash)?)))
    }

    fn photo_size(&self, hash: &PhotoHash) -> Result<Option<u64>, StorageError> {
        let hash = hash.clone();
        self.read(move |tx| stored_size(tx, &hash))
    }

    fn photos_stored(&self, hashes: &[String]) -> Result<Vec<bool>, StorageError> {
        let hashes = hashes.to_vec();
        self.read(move |tx| stored_among(tx, &hashes))
    }

    fn begin_photo_upload(
        &self,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |tx| begin_upload(tx, &hash, size, who, now))
    }

    fn advance_photo_upload(&self, hash: &PhotoHash, offset: u64) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |tx| {
            tx.execute(
                "UPDATE photo_uploads SET \"offset\" = $2 WHERE sha256 = $1",
                &[&hash.as_str(), &to_i64(offset)],
            )?;
            Ok(())
        })
    }

    fn drop_photo_upload(&self, hash: &PhotoHash) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |tx| drop_upload(tx, &hash))
    }

    fn record_photo(
        &self,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |tx| insert_photo(tx, &hash, size, who, now))
    }
}

fn stored_size(tx: &mut Transaction<'_>, hash: &PhotoHash) -> Result<Option<u64>, StorageError> {
    tx.query_opt(
        "SELECT size FROM photos WHERE sha256 = $1",
        &[&hash.as_str()],
    )?
    .map(|r| r.try_get::<_, i64>(0).map(to_u64))
    .transpose()
    .map_err(StorageError::from)
}

/// Whether each of `hashes` is stored, in their order (one query for all of them).
fn stored_among(tx: &mut Transaction<'_>, hashes: &[String]) -> Result<Vec<bool>, StorageError> {
    let stored = tx
        .query(
            "SELECT sha256 FROM photos WHERE sha256 = ANY($1)",
            &[&hashes],
        )?
        .iter()
        .map(|r| r.try_get::<_, String>(0))
        .collect::<Result<HashSet<_>, _>>()?;
    Ok(hashes.iter().map(|h| stored.contains(h)).collect())
}

/// The upload under way, with the device that holds it.
fn upload(tx: &mut Transaction<'_>, hash: &PhotoHash) -> Result<UnderWay, StorageError> {
    let Some(r) = tx.query_opt(
        "SELECT size, \"offset\", device_id, started_at FROM photo_uploads WHERE sha256 = $1",
        &[&hash.as_str()],
    )?
    else {
        return Ok(None);
    };
    let device: Vec<u8> = r.try_get(2)?;
    let device = uuid::Uuid::from_slice(&device)
        .map_err(|e| StorageError::Corrupt(format!("photo upload device: {e}")))?;
    Ok(Some((
        Partial {
            size: to_u64(r.try_get(0)?),
            offset: to_u64(r.try_get(1)?),
        },
        Holder {
            device: DeviceId(device),
            started_at: Timestamp(r.try_get(3)?),
        },
    )))
}

fn begin_upload(
    tx: &mut Transaction<'_>,
    hash: &PhotoHash,
    size: u64,
    who: Uploader,
    now: Timestamp,
) -> Result<(), StorageError> {
    let user: &[u8] = who.user.as_bytes();
    let device: &[u8] = who.device.as_bytes();
    tx.execute(
        "INSERT INTO photo_uploads (sha256, size, \"offset\", started_at, user_id, device_id)
         VALUES ($1, $2, 0, $3, $4, $5)
         ON CONFLICT (sha256) DO UPDATE SET
           size = EXCLUDED.size, \"offset\" = 0, started_at = EXCLUDED.started_at,
           user_id = EXCLUDED.user_id, device_id = EXCLUDED.device_id",
        &[&hash.as_str(), &to_i64(size), &now.millis(), &user, &device],
    )?;
    Ok(())
}

fn drop_upload(tx: &mut Transaction<'_>, hash: &PhotoHash) -> Result<(), StorageError> {
    tx.execute(
        "DELETE FROM photo_uploads WHERE sha256 = $1",
        &[&hash.as_str()],
    )?;
    Ok(())
}

fn insert_photo(
    tx: &mut Transaction<'_>,
    hash: &PhotoHash,
    size: u64,
    who: Uploader,
    now: Timestamp,
) -> Result<(), StorageError> {
    let user: &[u8] = who.user.as_bytes();
    let device: &[u8] = who.device.as_bytes();
    tx.execute(
        "INSERT INTO photos (sha256, size, stored_at, user_id, device_id)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        &[&hash.as_str(), &to_i64(size), &now.millis(), &user, &device],
    )?;
    drop_upload(tx, hash)
}
