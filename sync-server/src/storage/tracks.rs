//! Shifts and track segments (`migrations/0010_tracks.sql`) and the reads the replay, the day
//! summary and the list of people on shift need.

use super::{Storage, StorageError};
use crate::storage::TrackStore;
use crate::tracks::shifts::{OnShift, Person, ShiftRefusal, ShiftSpan};
use cgt_shared::geometry::Point;
use cgt_shared::track::TrackPoint;
use cgt_shared::track::codec;
use cgt_shared::track::coverage::UnitGridShape;
use cgt_shared::track::wire::{MAX_SEGMENT_POINTS, ShiftReport};
use cgt_shared::{DeviceId, DocId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// A report a person made, where and when (the replay labels it).
pub struct ReportedAt {
    pub id: DocId,
    pub at: Timestamp,
    pub lat: f64,
    pub lon: f64,
    pub kind: String,
    pub class: u8,
    pub subclass: u8,
}

impl TrackStore for Storage {
    fn person(&self, name_or_id: &str) -> Result<Option<Person>, StorageError> {
        self.read(|c| person(c, name_or_id))
    }

    fn put_shift(
        &self,
        id: Uuid,
        (device, user): (DeviceId, UserId),
        report: ShiftReport,
        now: Timestamp,
    ) -> Result<Result<(), ShiftRefusal>, StorageError> {
        self.write(move |c| put_shift(c, id, device, user, report, now))
    }

    fn put_segment(
        &self,
        who: (DeviceId, UserId),
        at: (Uuid, u32),
        points: Vec<TrackPoint>,
        data: Vec<u8>,
        now: Timestamp,
    ) -> Result<Result<usize, ShiftRefusal>, StorageError> {
        self.write(move |c| put_segment(c, who, at, &points, &data, now))
    }

    fn track_points(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<TrackPoint>, StorageError> {
        self.read(|c| points(c, user, from, to))
    }

    fn shifts(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ShiftSpan>, StorageError> {
        self.read(|c| shifts(c, user, from, to))
    }

    fn unit_grids_of(&self, user: UserId) -> Result<Vec<UnitGridShape>, StorageError> {
        self.read(|c| unit_grids_of(c, user))
    }

    fn on_shift(&self, since: Timestamp) -> Result<Vec<OnShift>, StorageError> {
        self.read(|c| on_shift(c, since))
    }

    fn reports_by(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ReportedAt>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT doc_id, reported_at, lat, lon, kind, class, subclass FROM cases
                 WHERE reporter = ?1 AND reported_at >= ?2 AND reported_at < ?3
                 ORDER BY reported_at",
            )?;
            let mut rows = stmt.query(params![user.as_bytes(), from.millis(), to.millis()])?;
            let mut reports = Vec::new();
            while let Some(r) = rows.next()? {
                let id: Vec<u8> = r.get(0)?;
                reports.push(ReportedAt {
                    id: <[u8; 16]>::try_from(id.as_slice())
                        .map(DocId::from_bytes)
                        .map_err(|_| StorageError::Corrupt("case id is not 16 bytes".into()))?,
                    at: Timestamp(r.get(1)?),
                    lat: r.get(2)?,
                    lon: r.get(3)?,
                    kind: r.get(4)?,
                    class: r.get(5)?,
                    subclass: r.get(6)?,
                });
            }
            Ok(reports)
        })
    }
}

fn person(c: &Connection, name_or_id: &str) -> Result<Option<Person>, StorageError> {
    let id = Uuid::parse_str(name_or_id)
        .ok()
        .map(|u| u.into_bytes().to_vec());
    Ok(c.prepare_cached(
        "SELECT id, username, display_name FROM users WHERE id = ?1 OR username = ?2",
    )?
    .query_row(params![id, name_or_id], |r| {
        Ok(Person {
            id: UserId(Uuid::from_bytes(r.get(0)?)),
            username: r.get(1)?,
            display_name: r.get(2)?,
        })
    })
    .optional()?)
}

fn put_shift(
    c: &Connection,
    id: Uuid,
    device: DeviceId,
    user: UserId,
    report: ShiftReport,
    now: Timestamp,
) -> Result<Result<(), ShiftRefusal>, StorageError> {
    let owner: Option<Vec<u8>> = c
        .prepare_cached("SELECT device_id FROM track_shifts WHERE id = ?1")?
        .query_row([id.as_bytes()], |r| r.get(0))
        .optional()?;
    if owner.is_some_and(|o| o != device.as_bytes()) {
        return Ok(Err(ShiftRefusal::OtherDevice));
    }
    c.prepare_cached(
        "INSERT INTO track_shifts (id, device_id, user_id, started_at, ended_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET ended_at = coalesce(ended_at, excluded.ended_at)",
    )?
    .execute(params![
        id.as_bytes(),
        device.as_bytes(),
        user.as_bytes(),
        report.started_at.millis(),
        report.ended_at.map(Timestamp::millis),
        now.millis(),
    ])?;
    Ok(Ok(()))
}

fn put_segment(
    c: &Connection,
    (device, user): (DeviceId, UserId),
    (shift, number): (Uuid, u32),
    points: &[TrackPoint],
    data: &[u8],
    now: Timestamp,
) -> Result<Result<usize, ShiftRefusal>, StorageError> {
    let shift_device: Option<Vec<u8>> = c
        .prepare_cached("SELECT device_id FROM track_shifts WHERE id = ?1")?
        .query_row([shift.as_bytes()], |r| r.get(0))
        .optional()?;
    if shift_device.is_some_and(|owner| owner != device.as_bytes()) {
        return Ok(Err(ShiftRefusal::OtherDevice));
    }
    let held: Option<i64> = c
        .prepare_cached(
            "SELECT points FROM track_segments WHERE device_id = ?1 AND shift_id = ?2 AND segment = ?3",
        )?
        .query_row(params![device.as_bytes(), shift.as_bytes(), number], |r| r.get(0))
        .optional()?;
    if let Some(held) = held.filter(|&n| n as usize >= points.len()) {
        return Ok(Ok(held as usize));
    }
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(Ok(0));
    };
    c.prepare_cached(
        "INSERT INTO track_segments (device_id, shift_id, segment, user_id, first_at, last_at,
                                     points, last_lat, last_lon, data, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (device_id, shift_id, segment) DO UPDATE SET
           first_at = excluded.first_at, last_at = excluded.last_at, points = excluded.points,
           last_lat = excluded.last_lat, last_lon = excluded.last_lon, data = excluded.data,
           received_at = excluded.received_at",
    )?
    .execute(params![
        device.as_bytes(),
        shift.as_bytes(),
        number,
        user.as_bytes(),
        first.at.millis(),
        last.at.millis(),
        points.len() as i64,
        last.lat,
        last.lon,
        data,
        now.millis(),
    ])?;
    Ok(Ok(points.len()))
}

fn points(
    c: &Connection,
    user: UserId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TrackPoint>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT data FROM track_segments
         WHERE user_id = ?1 AND first_at < ?3 AND last_at >= ?2",
    )?;
    let blobs = stmt
        .query_map(params![user.as_bytes(), from.millis(), to.millis()], |r| {
            r.get::<_, Vec<u8>>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    points_in_window(blobs, from, to)
}

/// The points of stored segment bodies that fall in `[from, to)`, in time order, one per
/// instant. Shared by both backends.
pub(super) fn points_in_window(
    blobs: impl IntoIterator<Item = Vec<u8>>,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TrackPoint>, StorageError> {
    let mut points = Vec::new();
    for blob in blobs {
        let decoded = codec::decode(&blob, MAX_SEGMENT_POINTS)
            .map_err(|e| StorageError::Corrupt(format!("track segment: {e}")))?;
        points.extend(decoded.into_iter().filter(|p| from <= p.at && p.at < to));
    }
    points.sort_by_key(|p| p.at);
    points.dedup_by_key(|p| p.at);
    Ok(points)
}

fn shifts(
    c: &Connection,
    user: UserId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<ShiftSpan>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT id, started_at, ended_at FROM track_shifts
         WHERE user_id = ?1 AND started_at < ?3 AND coalesce(ended_at, ?3) >= ?2
         ORDER BY started_at",
    )?;
    let rows = stmt.query_map(params![user.as_bytes(), from.millis(), to.millis()], |r| {
        Ok(ShiftSpan {
            id: Uuid::from_bytes(r.get(0)?),
            started_at: Timestamp(r.get(1)?),
            ended_at: r.get::<_, Option<i64>>(2)?.map(Timestamp),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn unit_grids_of(c: &Connection, user: UserId) -> Result<Vec<UnitGridShape>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT u.code, u.polygon FROM unit_grids u JOIN work_grids w ON u.work_grid = w.code
         WHERE w.inspector_user = ?1 AND u.retired = 0 AND w.retired = 0 ORDER BY u.code",
    )?;
    let rows = stmt.query_map([user.as_bytes()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut grids = Vec::new();
    for row in rows {
        let (code, polygon) = row?;
        grids.push(unit_grid_shape(code, &polygon)?);
    }
    Ok(grids)
}

/// A unit grid's shape from its stored polygon (JSON `[lon, lat]` pairs). Shared by both
/// backends.
pub(super) fn unit_grid_shape(code: String, polygon: &str) -> Result<UnitGridShape, StorageError> {
    let ring: Vec<Point> = serde_json::from_str(polygon)
        .map_err(|e| StorageError::Corrupt(format!("unit grid {code}: {e}")))?;
    Ok(UnitGridShape { code, ring })
}

fn on_shift(c: &Connection, since: Timestamp) -> Result<Vec<OnShift>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT u.id, u.username, u.display_name, s.started_at,
                (SELECT max(last_at) FROM track_segments g WHERE g.shift_id = s.id) AS last_at,
                (SELECT last_lon FROM track_segments g WHERE g.shift_id = s.id
                 ORDER BY last_at DESC LIMIT 1),
                (SELECT last_lat FROM track_segments g WHERE g.shift_id = s.id
                 ORDER BY last_at DESC LIMIT 1)
         FROM track_shifts s JOIN users u ON u.id = s.user_id
         WHERE s.ended_at IS NULL AND s.started_at >= ?1
         ORDER BY u.username",
    )?;
    let rows = stmt.query_map([since.millis()], |r| {
        let lon: Option<f64> = r.get(5)?;
        let lat: Option<f64> = r.get(6)?;
        Ok(OnShift {
            person: Person {
                id: UserId(Uuid::from_bytes(r.get(0)?)),
                username: r.get(1)?,
                display_name: r.get(2)?,
            },
            shift_started_at: Timestamp(r.get(3)?),
            last_at: r.get::<_, Option<i64>>(4)?.map(Timestamp),
            last_position: lon.zip(lat).map(|(lon, lat)| [lon, lat]),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
