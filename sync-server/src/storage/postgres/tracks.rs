//! Shifts and track segments on PostgreSQL (`track_shifts`, `track_segments`) and the reads the
//! replay, the day summary and the list of people on shift need.
//!
//! Several server processes may receive the same shift or segment at once (a device retrying
//! through another process), so the two writes decide in one upsert what the embedded store
//! decides with a read before its write: the conflicting row is locked by the upsert, and its
//! `WHERE` is evaluated on the row's newest version.

use super::super::StorageError;
use super::super::codec::uuid_from;
use super::super::ports::TrackStore;
use super::super::tracks::{ReportedAt, points_in_window, unit_grid_shape};
use super::PgStorage;
use crate::tracks::shifts::{OnShift, Person, ShiftRefusal, ShiftSpan};
use cgt_shared::track::TrackPoint;
use cgt_shared::track::coverage::UnitGridShape;
use cgt_shared::track::wire::ShiftReport;
use cgt_shared::{DeviceId, DocId, Timestamp, UserId};
use postgres::{Row, Transaction};
use uuid::Uuid;

impl TrackStore for PgStorage {
    fn person(&self, name_or_id: &str) -> Result<Option<Person>, StorageError> {
        let name_or_id = name_or_id.to_owned();
        self.read(move |tx| person(tx, &name_or_id))
    }

    fn put_shift(
        &self,
        id: Uuid,
        (device, user): (DeviceId, UserId),
        report: ShiftReport,
        now: Timestamp,
    ) -> Result<Result<(), ShiftRefusal>, StorageError> {
        self.write(move |tx| put_shift(tx, id, device, user, report, now))
    }

    fn put_segment(
        &self,
        who: (DeviceId, UserId),
        at: (Uuid, u32),
        points: Vec<TrackPoint>,
        data: Vec<u8>,
        now: Timestamp,
    ) -> Result<Result<usize, ShiftRefusal>, StorageError> {
        self.write(move |tx| put_segment(tx, who, at, &points, &data, now))
    }

    fn track_points(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<TrackPoint>, StorageError> {
        self.read(move |tx| points(tx, user, from, to))
    }

    fn shifts(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ShiftSpan>, StorageError> {
        self.read(move |tx| shifts(tx, user, from, to))
    }

    fn unit_grids_of(&self, user: UserId) -> Result<Vec<UnitGridShape>, StorageError> {
        self.read(move |tx| unit_grids_of(tx, user))
    }

    fn on_shift(&self, since: Timestamp) -> Result<Vec<OnShift>, StorageError> {
        self.read(move |tx| on_shift(tx, since))
    }

    fn reports_by(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ReportedAt>, StorageError> {
        self.read(move |tx| reports_by(tx, user, from, to))
    }
}

fn person(tx: &mut Transaction<'_>, name_or_id: &str) -> Result<Option<Person>, StorageError> {
    let id: Option<Vec<u8>> = Uuid::parse_str(name_or_id)
        .ok()
        .map(|u| u.into_bytes().to_vec());
    tx.query_opt(
        "SELECT id, username, display_name FROM users WHERE id = $1 OR username = $2",
        &[&id, &name_or_id],
    )?
    .map(|r| person_from(&r, 0))
    .transpose()
}

/// The person in columns `first` (id), `first + 1` (username) and `first + 2` (display name).
fn person_from(r: &Row, first: usize) -> Result<Person, StorageError> {
    Ok(Person {
        id: UserId(uuid_from(&r.try_get::<_, Vec<u8>>(first)?)?),
        username: r.try_get(first + 1)?,
        display_name: r.try_get(first + 2)?,
    })
}

/// Records the shift, or its end on the shift this device owns; a shift of this id owned by
/// another device is left alone (the upsert's `WHERE` fails and nothing is written).
fn put_shift(
    tx: &mut Transaction<'_>,
    id: Uuid,
    device: DeviceId,
    user: UserId,
    report: ShiftReport,
    now: Timestamp,
) -> Result<Result<(), ShiftRefusal>, StorageError> {
    let id: &[u8] = id.as_bytes();
    let device: &[u8] = device.as_bytes();
    let user: &[u8] = user.as_bytes();
    let written = tx.execute(
        "INSERT INTO track_shifts (id, device_id, user_id, started_at, ended_at, received_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE
           SET ended_at = COALESCE(track_shifts.ended_at, EXCLUDED.ended_at)
           WHERE track_shifts.device_id = EXCLUDED.device_id",
        &[
            &id,
            &device,
            &user,
            &report.started_at.millis(),
            &report.ended_at.map(Timestamp::millis),
            &now.millis(),
        ],
    )?;
    Ok(if written == 0 {
        Err(ShiftRefusal::OtherDevice)
    } else {
        Ok(())
    })
}

/// Stores the segment unless a version at least as long is held; returns the points held.
fn put_segment(
    tx: &mut Transaction<'_>,
    (device, user): (DeviceId, UserId),
    (shift, number): (Uuid, u32),
    points: &[TrackPoint],
    data: &[u8],
    now: Timestamp,
) -> Result<Result<usize, ShiftRefusal>, StorageError> {
    let device: &[u8] = device.as_bytes();
    let shift: &[u8] = shift.as_bytes();
    let user: &[u8] = user.as_bytes();
    let number = i64::from(number);
    // A shift's owner never changes once recorded, so this read stays true until commit.
    let owner: Option<Vec<u8>> = tx
        .query_opt(
            "SELECT device_id FROM track_shifts WHERE id = $1",
            &[&shift],
        )?
        .map(|r| r.try_get(0))
        .transpose()?;
    if owner.is_some_and(|o| o != device) {
        return Ok(Err(ShiftRefusal::OtherDevice));
    }
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(Ok(held(tx, device, shift, number)?.unwrap_or(0)));
    };
    let stored = tx.execute(
        "INSERT INTO track_segments (device_id, shift_id, segment, user_id, first_at, last_at,
                                     points, last_lat, last_lon, data, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (device_id, shift_id, segment) DO UPDATE SET
           first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at, points = EXCLUDED.points,
           last_lat = EXCLUDED.last_lat, last_lon = EXCLUDED.last_lon, data = EXCLUDED.data,
           received_at = EXCLUDED.received_at
         WHERE track_segments.points < EXCLUDED.points",
        &[
            &device,
            &shift,
            &number,
            &user,
            &first.at.millis(),
            &last.at.millis(),
            &(points.len() as i64),
            &last.lat,
            &last.lon,
            &data,
            &now.millis(),
        ],
    )?;
    if stored == 1 {
        return Ok(Ok(points.len()));
    }
    // The upsert found a version at least as long and locked it: that is what is held.
    let kept = held(tx, device, shift, number)?
        .ok_or_else(|| StorageError::Corrupt("track segment vanished under its lock".into()))?;
    Ok(Ok(kept))
}

/// The number of points of the stored version of a segment.
fn held(
    tx: &mut Transaction<'_>,
    device: &[u8],
    shift: &[u8],
    number: i64,
) -> Result<Option<usize>, StorageError> {
    tx.query_opt(
        "SELECT points FROM track_segments WHERE device_id = $1 AND shift_id = $2 AND segment = $3",
        &[&device, &shift, &number],
    )?
    .map(|r| {
        let n: i64 = r.try_get(0)?;
        usize::try_from(n).map_err(|_| StorageError::Corrupt(format!("segment of {n} points")))
    })
    .transpose()
}

fn points(
    tx: &mut Transaction<'_>,
    user: UserId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TrackPoint>, StorageError> {
    let user: &[u8] = user.as_bytes();
    let blobs = tx
        .query(
            "SELECT data FROM track_segments
             WHERE user_id = $1 AND first_at < $3 AND last_at >= $2",
            &[&user, &from.millis(), &to.millis()],
        )?
        .iter()
        .map(|r| r.try_get::<_, Vec<u8>>(0))
        .collect::<Result<Vec<_>, _>>()?;
    points_in_window(blobs, from, to)
}

fn shifts(
    tx: &mut Transaction<'_>,
    user: UserId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<ShiftSpan>, StorageError> {
    let user: &[u8] = user.as_bytes();
    tx.query(
        "SELECT id, started_at, ended_at FROM track_shifts
         WHERE user_id = $1 AND started_at < $3 AND COALESCE(ended_at, $3) >= $2
         ORDER BY started_at",
        &[&user, &from.millis(), &to.millis()],
    )?
    .iter()
    .map(|r| -> Result<ShiftSpan, StorageError> {
        Ok(ShiftSpan {
            id: uuid_from(&r.try_get::<_, Vec<u8>>(0)?)?,
            started_at: Timestamp(r.try_get(1)?),
            ended_at: r.try_get::<_, Option<i64>>(2)?.map(Timestamp),
        })
    })
    .collect()
}

fn unit_grids_of(
    tx: &mut Transaction<'_>,
    user: UserId,
) -> Result<Vec<UnitGridShape>, StorageError> {
    let user: &[u8] = user.as_bytes();
    tx.query(
        "SELECT u.code, u.polygon FROM unit_grids u JOIN work_grids w ON u.work_grid = w.code
         WHERE w.inspector_user = $1 AND u.retired = 0 AND w.retired = 0
         ORDER BY u.code",
        &[&user],
    )?
    .iter()
    .map(|r| unit_grid_shape(r.try_get(0)?, &r.try_get::<_, String>(1)?))
    .collect()
}

/// The last position comes from the shift's segment with the latest last point, lon and lat
/// from the same row (the embedded store reads them with two subqueries).
fn on_shift(tx: &mut Transaction<'_>, since: Timestamp) -> Result<Vec<OnShift>, StorageError> {
    tx.query(
        "SELECT u.id, u.username, u.display_name, s.started_at, g.last_at, g.last_lon, g.last_lat
         FROM track_shifts s
         JOIN users u ON u.id = s.user_id
         LEFT JOIN LATERAL (
             SELECT t.last_at, t.last_lon, t.last_lat FROM track_segments t
             WHERE t.shift_id = s.id
             ORDER BY t.last_at DESC LIMIT 1
         ) g ON TRUE
         WHERE s.ended_at IS NULL AND s.started_at >= $1
         ORDER BY u.username",
        &[&since.millis()],
    )?
    .iter()
    .map(|r| -> Result<OnShift, StorageError> {
        let lon: Option<f64> = r.try_get(5)?;
        let lat: Option<f64> = r.try_get(6)?;
        Ok(OnShift {
            person: person_from(r, 0)?,
            shift_started_at: Timestamp(r.try_get(3)?),
            last_at: r.try_get::<_, Option<i64>>(4)?.map(Timestamp),
            last_position: lon.zip(lat).map(|(lon, lat)| [lon, lat]),
        })
    })
    .collect()
}

fn reports_by(
    tx: &mut Transaction<'_>,
    user: UserId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<ReportedAt>, StorageError> {
    let user: &[u8] = user.as_bytes();
    tx.query(
        "SELECT doc_id, reported_at, lat, lon, kind, class, subclass FROM cases
         WHERE reporter = $1 AND reported_at >= $2 AND reported_at < $3
         ORDER BY reported_at",
        &[&user, &from.millis(), &to.millis()],
    )?
    .iter()
    .map(|r| -> Result<ReportedAt, StorageError> {
        Ok(ReportedAt {
            id: DocId(uuid_from(&r.try_get::<_, Vec<u8>>(0)?)?),
            at: Timestamp(r.try_get(1)?),
            lat: r.try_get(2)?,
            lon: r.try_get(3)?,
            kind: r.try_get(4)?,
            class: small(r.try_get(5)?, "class")?,
            subclass: small(r.try_get(6)?, "subclass")?,
        })
    })
    .collect()
}

/// A category number stored as BIGINT, as the `u8` it always is.
fn small(n: i64, what: &str) -> Result<u8, StorageError> {
    u8::try_from(n).map_err(|_| StorageError::Corrupt(format!("case {what} {n}")))
}
