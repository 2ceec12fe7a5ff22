//! Monitored vehicles on PostgreSQL (`vehicles`, `vehicle_positions`, `vehicle_alarms`):
//! registrations with the hash of their key, positions, and alarms. Each position is stored
//! and the alarms of its (China) day are recomputed from all the day's positions in the same
//! transaction.
//!
//! Positions of one vehicle may reach several server processes at once, so a position's
//! transaction locks its vehicle's row first: the next one waits, then sees this one's
//! position when it recomputes the day, and the alarms are those of all the positions.

use super::super::StorageError;
use super::super::ports::VehicleStore;
use super::super::vehicles::{evidence, parse_rules, rules_json};
use super::PgStorage;
use crate::tracks::osmand::Report;
use crate::tracks::vehicles::{AlarmView, Registration, VehicleKind, VehicleView, key_hash};
use cgt_shared::Timestamp;
use cgt_shared::china_time;
use cgt_shared::track::TrackPoint;
use cgt_shared::vehicle::{Alarm, AlarmKind, VehicleRules, evaluate};
use postgres::Transaction;

impl VehicleStore for PgStorage {
    fn register_vehicle(
        &self,
        registration: Registration,
        key: String,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        self.write(move |tx| register(tx, &registration, &key, now))
    }

    fn vehicle_key_matches(&self, id: &str, key: &str) -> Result<bool, StorageError> {
        let id = id.to_owned();
        let hash = key_hash(key);
        self.read(move |tx| {
            let stored: Option<String> = tx
                .query_opt("SELECT key_sha256 FROM vehicles WHERE id = $1", &[&id])?
                .map(|r| r.try_get(0))
                .transpose()?;
            Ok(stored.is_some_and(|h| h == hash))
        })
    }

    fn record_vehicle_position(
        &self,
        report: Report,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        self.write(move |tx| ingest(tx, &report, now))
    }

    fn vehicles(&self) -> Result<Vec<VehicleView>, StorageError> {
        self.read(list)
    }

    fn vehicle_alarms(
        &self,
        from: Timestamp,
        to: Timestamp,
        vehicle: Option<&str>,
    ) -> Result<Vec<AlarmView>, StorageError> {
        let vehicle = vehicle.map(str::to_owned);
        self.read(move |tx| alarms(tx, from, to, vehicle.as_deref()))
    }
}

/// Stores the registration; `false` when the id is taken (by a registration committed before,
/// or by one committing concurrently: the insert waits for it).
fn register(
    tx: &mut Transaction<'_>,
    registration: &Registration,
    key: &str,
    now: Timestamp,
) -> Result<bool, StorageError> {
    let rules = rules_json(&registration.rules())?;
    let inserted = tx.execute(
        "INSERT INTO vehicles (id, name, kind, key_sha256, rules, registered_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        &[
            &registration.id,
            &registration.name.trim(),
            &registration.kind.as_str(),
            &key_hash(key),
            &rules,
            &now.millis(),
        ],
    )?;
    Ok(inserted == 1)
}

/// The rules of vehicle `id` if `key` is its key, with the vehicle's row locked until commit:
/// positions of one vehicle are recorded one transaction at a time.
fn locked_rules(
    tx: &mut Transaction<'_>,
    id: &str,
    key: &str,
) -> Result<Option<VehicleRules>, StorageError> {
    let Some(row) = tx.query_opt(
        "SELECT key_sha256, rules FROM vehicles WHERE id = $1 FOR UPDATE",
        &[&id],
    )?
    else {
        return Ok(None);
    };
    let hash: String = row.try_get(0)?;
    if hash != key_hash(key) {
        return Ok(None);
    }
    parse_rules(id, &row.try_get::<_, String>(1)?).map(Some)
}

fn ingest(tx: &mut Transaction<'_>, report: &Report, now: Timestamp) -> Result<bool, StorageError> {
    let Some(rules) = locked_rules(tx, &report.id, &report.key)? else {
        return Ok(false);
    };
    let p = &report.point;
    tx.execute(
        "INSERT INTO vehicle_positions
           (vehicle_id, at, lat, lon, speed_mps, bearing, accuracy_m, received_at, altitude_m,
            battery_pct)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        &[
            &report.id,
            &p.at.millis(),
            &p.lat,
            &p.lon,
            &p.speed_mps.map(f64::from),
            &report.bearing,
            &f64::from(p.accuracy_m),
            &now.millis(),
            &report.altitude_m,
            &report.battery_pct,
        ],
    )?;
    let day = china_time::day_of(p.at);
    let (start, end) = china_time::day_bounds(day);
    let alarms = evaluate(&rules, positions(tx, &report.id, start, end)?);
    tx.execute(
        "DELETE FROM vehicle_alarms WHERE vehicle_id = $1 AND day = $2",
        &[&report.id, &day],
    )?;
    let insert = tx.prepare(
        "INSERT INTO vehicle_alarms (vehicle_id, day, kind, from_at, to_at, peak)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )?;
    for a in alarms {
        tx.execute(
            &insert,
            &[
                &report.id,
                &day,
                &a.kind.as_str(),
                &a.from.millis(),
                &a.to.millis(),
                &a.peak,
            ],
        )?;
    }
    Ok(true)
}

/// The positions of a vehicle in `[from, to)`, in time order.
fn positions(
    tx: &mut Transaction<'_>,
    vehicle: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TrackPoint>, StorageError> {
    tx.query(
        "SELECT at, lat, lon, accuracy_m, speed_mps FROM vehicle_positions
         WHERE vehicle_id = $1 AND at >= $2 AND at < $3 ORDER BY at",
        &[&vehicle, &from.millis(), &to.millis()],
    )?
    .iter()
    .map(|r| -> Result<TrackPoint, StorageError> {
        Ok(TrackPoint {
            at: Timestamp(r.try_get(0)?),
            lat: r.try_get(1)?,
            lon: r.try_get(2)?,
            accuracy_m: r.try_get::<_, f64>(3)? as f32,
            speed_mps: r.try_get::<_, Option<f64>>(4)?.map(|s| s as f32),
            mock: false,
        })
    })
    .collect()
}

fn list(tx: &mut Transaction<'_>) -> Result<Vec<VehicleView>, StorageError> {
    tx.query(
        "SELECT v.id, v.name, v.kind, v.rules, p.at, p.lon, p.lat FROM vehicles v
         LEFT JOIN vehicle_positions p ON p.vehicle_id = v.id
           AND p.at = (SELECT MAX(at) FROM vehicle_positions WHERE vehicle_id = v.id)
         ORDER BY v.id",
        &[],
    )?
    .iter()
    .map(|r| -> Result<VehicleView, StorageError> {
        let id: String = r.try_get(0)?;
        let rules = parse_rules(&id, &r.try_get::<_, String>(3)?)?;
        let lon: Option<f64> = r.try_get(5)?;
        let lat: Option<f64> = r.try_get(6)?;
        Ok(VehicleView {
            name: r.try_get(1)?,
            kind: VehicleKind::parse(&r.try_get::<_, String>(2)?),
            rules,
            last_at: r.try_get::<_, Option<i64>>(4)?.map(Timestamp),
            last_position: lon.zip(lat).map(|(lon, lat)| [lon, lat]),
            id,
        })
    })
    .collect()
}

fn alarms(
    tx: &mut Transaction<'_>,
    from: Timestamp,
    to: Timestamp,
    vehicle: Option<&str>,
) -> Result<Vec<AlarmView>, StorageError> {
    let rows = tx.query(
        "SELECT a.vehicle_id, v.name, a.kind, a.from_at, a.to_at, a.peak
         FROM vehicle_alarms a JOIN vehicles v ON v.id = a.vehicle_id
         WHERE a.from_at >= $1 AND a.from_at < $2 AND ($3::TEXT IS NULL OR a.vehicle_id = $3)
         ORDER BY a.from_at, a.vehicle_id, a.kind",
        &[&from.millis(), &to.millis(), &vehicle],
    )?;
    let mut views = Vec::with_capacity(rows.len());
    for r in &rows {
        let vehicle_id: String = r.try_get(0)?;
        let kind: String = r.try_get(2)?;
        let kind = AlarmKind::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("alarm kind {kind}")))?;
        let from_at: i64 = r.try_get(3)?;
        let to_at: i64 = r.try_get(4)?;
        let shown = positions(tx, &vehicle_id, Timestamp(from_at), Timestamp(to_at + 1))?;
        views.push(AlarmView {
            vehicle_name: r.try_get(1)?,
            alarm: Alarm {
                kind,
                from: Timestamp(from_at),
                to: Timestamp(to_at),
                peak: r.try_get(5)?,
            },
            evidence: evidence(shown),
            vehicle_id,
        });
    }
    Ok(views)
}
