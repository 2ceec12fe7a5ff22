//! The photos' index: `photos` (stored and verified) and `photo_uploads` (under way). The
//! bytes live in the blob store (`photos::files`); this is what the server knows about them.

use super::{DocLease, Storage, StorageError};
use crate::photos::PhotoHash;
use crate::photos::upload::{Holder, Partial, Uploader};
use crate::storage::PhotoIndex;
use cgt_shared::{DeviceId, Timestamp};
use rusqlite::{Connection, OptionalExtension};

/// The upload of a photo under way, with the device that holds it.
pub type UnderWay = Option<(Partial, Holder)>;

impl PhotoIndex for Storage {
    fn lease_photo(&self, _hash: &PhotoHash) -> Result<DocLease, StorageError> {
        Ok(DocLease::single_process())
    }

    fn photo_state(&self, hash: &PhotoHash) -> Result<(Option<u64>, UnderWay), StorageError> {
        self.read(|c| Ok((stored_size(c, hash)?, upload(c, hash)?)))
    }

    fn photo_size(&self, hash: &PhotoHash) -> Result<Option<u64>, StorageError> {
        self.read(|c| stored_size(c, hash))
    }

    fn photos_stored(&self, hashes: &[String]) -> Result<Vec<bool>, StorageError> {
        self.read(|c| stored_among(c, hashes))
    }

    fn begin_photo_upload(
        &self,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |c| begin_upload(c, &hash, size, who, now))
    }

    fn advance_photo_upload(&self, hash: &PhotoHash, offset: u64) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |c| set_offset(c, &hash, offset))
    }

    fn drop_photo_upload(&self, hash: &PhotoHash) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |c| drop_upload(c, &hash))
    }

    fn record_photo(
        &self,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let hash = hash.clone();
        self.write(move |c| insert_photo(c, &hash, size, who, now))
    }
}

pub(super) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(super) fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn stored_size(c: &Connection, hash: &PhotoHash) -> Result<Option<u64>, StorageError> {
    Ok(
        c.prepare_cached("SELECT size FROM photos WHERE sha256 = ?1")?
            .query_row([hash.as_str()], |r| r.get::<_, i64>(0))
            .optional()?
            .map(to_u64),
    )
}

fn stored_among(c: &Connection, hashes: &[String]) -> Result<Vec<bool>, StorageError> {
    let mut stmt = c.prepare_cached("SELECT EXISTS (SELECT 1 FROM photos WHERE sha256 = ?1)")?;
    hashes
        .iter()
        .map(|h| Ok(stmt.query_row([h], |r| r.get(0))?))
        .collect()
}

/// The upload under way, with the device that holds it.
fn upload(c: &Connection, hash: &PhotoHash) -> Result<UnderWay, StorageError> {
    let row = c
        .prepare_cached(
            "SELECT size, offset, device_id, started_at FROM photo_uploads WHERE sha256 = ?1",
        )?
        .query_row([hash.as_str()], |r| {
            Ok((
                to_u64(r.get(0)?),
                to_u64(r.get(1)?),
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    row.map(|(size, offset, device, started_at)| {
        let device = uuid::Uuid::from_slice(&device)
            .map_err(|e| StorageError::Corrupt(format!("photo upload device: {e}")))?;
        Ok((
            Partial { size, offset },
            Holder {
                device: DeviceId(device),
                started_at: Timestamp(started_at),
            },
        ))
    })
    .transpose()
}

fn begin_upload(
    c: &Connection,
    hash: &PhotoHash,
    size: u64,
    who: Uploader,
    now: Timestamp,
) -> Result<(), StorageError> {
    c.prepare_cached(
        "INSERT INTO photo_uploads (sha256, size, offset, started_at, user_id, device_id)
         VALUES (?1, ?2, 0, ?3, ?4, ?5)
         ON CONFLICT (sha256) DO UPDATE SET
           size = excluded.size, offset = 0, started_at = excluded.started_at,
           user_id = excluded.user_id, device_id = excluded.device_id",
    )?
    .execute((
        hash.as_str(),
        to_i64(size),
        now.millis(),
        who.user.as_bytes(),
        who.device.as_bytes(),
    ))?;
    Ok(())
}

fn set_offset(c: &Connection, hash: &PhotoHash, offset: u64) -> Result<(), StorageError> {
    c.prepare_cached("UPDATE photo_uploads SET offset = ?2 WHERE sha256 = ?1")?
        .execute((hash.as_str(), to_i64(offset)))?;
    Ok(())
}

fn drop_upload(c: &Connection, hash: &PhotoHash) -> Result<(), StorageError> {
    c.prepare_cached("DELETE FROM photo_uploads WHERE sha256 = ?1")?
        .execute([hash.as_str()])?;
    Ok(())
}

fn insert_photo(
    c: &Connection,
    hash: &PhotoHash,
    size: u64,
    who: Uploader,
    now: Timestamp,
) -> Result<(), StorageError> {
    c.prepare_cached(
        "INSERT INTO photos (sha256, size, stored_at, user_id, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    )?
    .execute((
        hash.as_str(),
        to_i64(size),
        now.millis(),
        who.user.as_bytes(),
        who.device.as_bytes(),
    ))?;
    drop_upload(c, hash)
}
