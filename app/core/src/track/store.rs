//! The SQL of shifts, track points and segments (`migrations/0005_tracks.sql`).

use super::model::Shift;
use crate::error::ClientError;
use cgt_shared::geo::E7;
use cgt_shared::track::TrackPoint;
use cgt_shared::{Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

fn shift_from(row: &Row) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: Uuid::from_bytes(row.get(0)?),
        started_at: Timestamp(row.get(1)?),
        ended_at: row.get::<_, Option<i64>>(2)?.map(Timestamp),
    })
}

const SHIFT_COLUMNS: &str = "SELECT id, started_at, ended_at FROM shifts";

/// The shift without an end, if any.
pub fn open_shift(c: &Connection) -> Result<Option<Shift>, ClientError> {
    Ok(c.prepare_cached(&format!(
        "{SHIFT_COLUMNS} WHERE ended_at IS NULL ORDER BY started_at DESC LIMIT 1"
    ))?
    .query_row([], shift_from)
    .optional()?)
}

/// The latest shift that started at or after `since`.
pub fn latest_shift_since(c: &Connection, since: Timestamp) -> Result<Option<Shift>, ClientError> {
    Ok(c.prepare_cached(&format!(
        "{SHIFT_COLUMNS} WHERE started_at >= ?1 OR ended_at IS NULL
         ORDER BY started_at DESC LIMIT 1"
    ))?
    .query_row([since.millis()], shift_from)
    .optional()?)
}

pub fn insert_shift(c: &Connection, shift: &Shift, user: UserId) -> Result<(), ClientError> {
    c.execute(
        "INSERT INTO shifts (id, user_id, started_at) VALUES (?1, ?2, ?3)",
        params![
            shift.id.as_bytes(),
            user.as_bytes(),
            shift.started_at.millis()
        ],
    )?;
    Ok(())
}

pub fn end_shift(c: &Connection, id: Uuid, at: Timestamp) -> Result<(), ClientError> {
    c.execute(
        "UPDATE shifts SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
        params![id.as_bytes(), at.millis()],
    )?;
    Ok(())
}

/// Shifts whose start or end the server has not confirmed, with what it has.
pub fn unreported_shifts(c: &Connection) -> Result<Vec<(Shift, u8)>, ClientError> {
    let mut stmt = c.prepare_cached(
        "SELECT id, started_at, ended_at, reported FROM shifts
         WHERE reported < CASE WHEN ended_at IS NULL THEN 1 ELSE 2 END ORDER BY started_at",
    )?;
    let rows = stmt.query_map([], |r| Ok((shift_from(r)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_reported(c: &Connection, id: Uuid, reported: u8) -> Result<(), ClientError> {
    c.execute(
        "UPDATE shifts SET reported = max(reported, ?2) WHERE id = ?1",
        params![id.as_bytes(), reported],
    )?;
    Ok(())
}

/// The last point of a shift and its segment.
pub fn last_point(c: &Connection, shift: Uuid) -> Result<Option<(TrackPoint, u32)>, ClientError> {
    Ok(c.prepare_cached(
        "SELECT at, lat_e7, lon_e7, accuracy_dm, speed_cms, mock, segment FROM track_points
         WHERE shift_id = ?1 ORDER BY at DESC LIMIT 1",
    )?
    .query_row([shift.as_bytes()], |r| Ok((point_from(r)?, r.get(6)?)))
    .optional()?)
}

/// Points recorded in `segment` so far.
pub fn segment_size(c: &Connection, shift: Uuid, segment: u32) -> Result<usize, ClientError> {
    let n: Option<i64> = c
        .prepare_cached("SELECT points FROM track_segments WHERE shift_id = ?1 AND segment = ?2")?
        .query_row(params![shift.as_bytes(), segment], |r| r.get(0))
        .optional()?;
    Ok(n.map_or(0, |n| n as usize))
}

/// Appends a point to `segment`, opening the segment if it is new.
pub fn append(
    c: &Connection,
    shift: Uuid,
    segment: u32,
    p: &TrackPoint,
) -> Result<(), ClientError> {
    c.prepare_cached(
        "INSERT INTO track_points (shift_id, segment, at, lat_e7, lon_e7, accuracy_dm, speed_cms, mock)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        shift.as_bytes(),
        segment,
        p.at.millis(),
        (p.lat * E7).round() as i64,
        (p.lon * E7).round() as i64,
        (f64::from(p.accuracy_m) * 10.0).round() as i64,
        p.speed_mps.map(|s| (f64::from(s) * 100.0).round() as i64),
        p.mock,
    ])?;
    c.prepare_cached(
        "INSERT INTO track_segments (shift_id, segment, points) VALUES (?1, ?2, 1)
         ON CONFLICT (shift_id, segment) DO UPDATE SET points = points + 1",
    )?
    .execute(params![shift.as_bytes(), segment])?;
    Ok(())
}

fn point_from(r: &Row) -> rusqlite::Result<TrackPoint> {
    Ok(TrackPoint {
        at: Timestamp(r.get(0)?),
        lat: r.get::<_, i64>(1)? as f64 / E7,
        lon: r.get::<_, i64>(2)? as f64 / E7,
        accuracy_m: r.get::<_, i64>(3)? as f32 / 10.0,
        speed_mps: r.get::<_, Option<i64>>(4)?.map(|s| s as f32 / 100.0),
        mock: r.get(5)?,
    })
}

/// The points of a shift, or of one of its segments, in time order.
pub fn points(
    c: &Connection,
    shift: Uuid,
    segment: Option<u32>,
) -> Result<Vec<TrackPoint>, ClientError> {
    let mut stmt = c.prepare_cached(
        "SELECT at, lat_e7, lon_e7, accuracy_dm, speed_cms, mock FROM track_points
         WHERE shift_id = ?1 AND (?2 IS NULL OR segment = ?2) ORDER BY at",
    )?;
    let rows = stmt.query_map(params![shift.as_bytes(), segment], point_from)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A segment with points the server has not confirmed.
#[derive(Clone, Debug)]
pub struct Unsent {
    pub shift: Uuid,
    pub segment: u32,
    pub points: usize,
}

pub fn unsent(c: &Connection) -> Result<Vec<Unsent>, ClientError> {
    let mut stmt = c.prepare_cached(
        "SELECT shift_id, segment, points FROM track_segments
         WHERE sent_points < points ORDER BY shift_id, segment",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Unsent {
            shift: Uuid::from_bytes(r.get(0)?),
            segment: r.get(1)?,
            points: r.get::<_, i64>(2)? as usize,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records the server's confirmation (or the reason it refused) of a segment.
pub fn set_sent(
    c: &Connection,
    shift: Uuid,
    segment: u32,
    sent: usize,
    error: Option<&str>,
) -> Result<(), ClientError> {
    c.execute(
        "UPDATE track_segments SET sent_points = max(sent_points, ?3), error = ?4
         WHERE shift_id = ?1 AND segment = ?2",
        params![shift.as_bytes(), segment, sent as i64, error],
    )?;
    Ok(())
}

/// Segments of every shift with points the server has not confirmed, and segments it refused.
pub fn segment_totals(c: &Connection) -> Result<(u64, u64), ClientError> {
    let (unsent, refused): (i64, i64) = c.query_row(
        "SELECT coalesce(sum(sent_points < points), 0), coalesce(sum(error IS NOT NULL), 0)
         FROM track_segments",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        u64::try_from(unsent).unwrap_or(0),
        u64::try_from(refused).unwrap_or(0),
    ))
}

/// Segments of a shift, those not yet confirmed, and the last upload error.
pub fn segment_counts(
    c: &Connection,
    shift: Uuid,
) -> Result<(u32, usize, Option<String>), ClientError> {
    Ok(c.query_row(
        "SELECT count(*), coalesce(sum(sent_points < points), 0),
                (SELECT error FROM track_segments WHERE shift_id = ?1 AND error IS NOT NULL
                 ORDER BY segment DESC LIMIT 1)
         FROM track_segments WHERE shift_id = ?1",
        [shift.as_bytes()],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize, r.get(2)?)),
    )?)
}
