//! The SQL of photos: `photos` (stored and verified) and `photo_uploads` (under way).

use super::hash::PhotoHash;
use super::upload::{Holder, Partial};
use crate::storage::StorageError;
use cgt_shared::{DeviceId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension};

/// Who sends a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uploader {
    pub user: UserId,
    pub device: DeviceId,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The size of a stored photo.
pub fn stored_size(c: &Connection, hash: &PhotoHash) -> Result<Option<u64>, StorageError> {
    Ok(
        c.prepare_cached("SELECT size FROM photos WHERE sha256 = ?1")?
            .query_row([hash.as_str()], |r| r.get::<_, i64>(0))
            .optional()?
            .map(to_u64),
    )
}

/// Which of `hashes` are stored.
pub fn stored_among(c: &Connection, hashes: &[String]) -> Result<Vec<bool>, StorageError> {
    let mut stmt = c.prepare_cached("SELECT EXISTS (SELECT 1 FROM photos WHERE sha256 = ?1)")?;
    hashes
        .iter()
        .map(|h| Ok(stmt.query_row([h], |r| r.get(0))?))
        .collect()
}

/// The upload under way, with the device that holds it.
pub fn upload(c: &Connection, hash: &PhotoHash) -> Result<Option<(Partial, Holder)>, StorageError> {
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

/// Records an upload starting at byte 0, replacing any earlier one.
pub fn begin_upload(
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

pub fn set_offset(c: &Connection, hash: &PhotoHash, offset: u64) -> Result<(), StorageError> {
    c.prepare_cached("UPDATE photo_uploads SET offset = ?2 WHERE sha256 = ?1")?
        .execute((hash.as_str(), to_i64(offset)))?;
    Ok(())
}

pub fn drop_upload(c: &Connection, hash: &PhotoHash) -> Result<(), StorageError> {
    c.prepare_cached("DELETE FROM photo_uploads WHERE sha256 = ?1")?
        .execute([hash.as_str()])?;
    Ok(())
}

/// Records a photo as stored (its file is in place) and ends its upload.
pub fn insert_photo(
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
