//! The `photo_queue` table: every photo added on this device, and how far its upload got.

use super::model::{PendingPhoto, PhotoState};
use crate::error::ClientError;
use cgt_shared::{DocId, Timestamp};
use rusqlite::{Connection, Row, params};

/// A photo to put in the queue.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewPhoto {
    pub sha256: String,
    pub report_id: DocId,
    pub size: u64,
    pub taken_at: Timestamp,
    pub lat_e7: i64,
    pub lon_e7: i64,
    pub added_at: Timestamp,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn state_name(state: PhotoState) -> &'static str {
    match state {
        PhotoState::Pending => "pending",
        PhotoState::Uploaded => "uploaded",
        PhotoState::Failed => "failed",
    }
}

fn state_of(name: &str) -> PhotoState {
    match name {
        "uploaded" => PhotoState::Uploaded,
        "failed" => PhotoState::Failed,
        _ => PhotoState::Pending,
    }
}

/// Queues a photo. A photo queued before (the same picture added twice) keeps its row.
pub(crate) fn enqueue(conn: &Connection, photo: &NewPhoto) -> Result<(), ClientError> {
    conn.execute(
        "INSERT INTO photo_queue (sha256, report_id, size, taken_at, lat_e7, lon_e7, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sha256) DO NOTHING",
        params![
            photo.sha256,
            photo.report_id.as_bytes(),
            to_i64(photo.size),
            photo.taken_at.millis(),
            photo.lat_e7,
            photo.lon_e7,
            photo.added_at.millis(),
        ],
    )?;
    Ok(())
}

fn row(r: &Row) -> rusqlite::Result<PendingPhoto> {
    Ok(PendingPhoto {
        sha256: r.get(0)?,
        report_id: DocId::from_bytes(r.get(1)?),
        size: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
        uploaded: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        state: state_of(&r.get::<_, String>(4)?),
        reason: r.get(5)?,
    })
}

/// Photos the server has not confirmed, oldest first.
pub(crate) fn waiting(conn: &Connection) -> Result<Vec<PendingPhoto>, ClientError> {
    let mut stmt = conn.prepare(
        "SELECT sha256, report_id, size, uploaded_offset, state, error FROM photo_queue
         WHERE state != 'uploaded' ORDER BY added_at, sha256",
    )?;
    let photos = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
    Ok(photos)
}

pub(crate) fn count_waiting(conn: &Connection) -> Result<usize, ClientError> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM photo_queue WHERE state != 'uploaded'",
        [],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Photos the server has not confirmed, their bytes still to send, and how many of them failed.
pub(crate) fn totals(conn: &Connection) -> Result<(u64, u64, u64), ClientError> {
    let (count, bytes, failed): (i64, i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(max(size - uploaded_offset, 0)), 0),
                coalesce(sum(state = 'failed'), 0)
         FROM photo_queue WHERE state != 'uploaded'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok((unsigned(count), unsigned(bytes), unsigned(failed)))
}

/// The server confirmed holding the first `offset` bytes.
pub(crate) fn set_offset(conn: &Connection, sha256: &str, offset: u64) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE photo_queue SET uploaded_offset = ?2 WHERE sha256 = ?1",
        params![sha256, to_i64(offset)],
    )?;
    Ok(())
}

/// The server confirmed storing the whole photo: it leaves the queue.
pub(crate) fn mark_uploaded(conn: &Connection, sha256: &str) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE photo_queue SET state = 'uploaded', uploaded_offset = size, error = NULL
         WHERE sha256 = ?1",
        [sha256],
    )?;
    Ok(())
}

/// An attempt that did not finish: the photo stays queued in `state`, with the reason.
pub(crate) fn mark_unfinished(
    conn: &Connection,
    sha256: &str,
    state: PhotoState,
    reason: &str,
) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE photo_queue SET state = ?2, error = ?3 WHERE sha256 = ?1 AND state != 'uploaded'",
        params![sha256, state_name(state), reason],
    )?;
    Ok(())
}
