//! Monitored vehicles (`migrations/0011_vehicles.sql`): registrations with the hash of their
//! key, positions, and alarms. Each position is stored and the alarms of its (China) day are
//! recomputed from all the day's positions in the same transaction, so a late or out-of-order
//! position changes the alarms exactly as if it had arrived in time. An alarm running across
//! midnight is reported as two.

use super::{Storage, StorageError};
use crate::storage::VehicleStore;
use crate::tracks::osmand::Report;
use crate::tracks::vehicles::{AlarmView, Registration, VehicleKind, VehicleView, key_hash};
use cgt_shared::Timestamp;
use cgt_shared::china_time;
use cgt_shared::track::TrackPoint;
use cgt_shared::vehicle::{Alarm, AlarmKind, VehicleRules, evaluate};
use rusqlite::{Connection, OptionalExtension, params};

/// Most evidence positions returned with one alarm.
const MAX_EVIDENCE: usize = 500;

impl VehicleStore for Storage {
    fn register_vehicle(
        &self,
        registration: Registration,
        key: String,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        self.write(move |c| register(c, &registration, &key, now))
    }

    fn vehicle_key_matches(&self, id: &str, key: &str) -> Result<bool, StorageError> {
        self.read(|c| {
            let hash: Option<String> = c
                .prepare_cached("SELECT key_sha256 FROM vehicles WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            Ok(hash.is_some_and(|h| h == key_hash(key)))
        })
    }

    fn record_vehicle_position(
        &self,
        report: Report,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        self.write(move |c| ingest(c, &report, now))
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
        self.read(|c| alarms(c, from, to, vehicle))
    }
}

fn register(
    c: &Connection,
    registration: &Registration,
    key: &str,
    now: Timestamp,
) -> Result<bool, StorageError> {
    let rules = rules_json(&registration.rules())?;
    let inserted = c
        .prepare_cached(
            "INSERT INTO vehicles (id, name, kind, key_sha256, rules, registered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            registration.id,
            registration.name.trim(),
            registration.kind.as_str(),
            key_hash(key),
            rules,
            now.millis(),
        ])?;
    Ok(inserted == 1)
}

fn rules_of(c: &Connection, id: &str, key: &str) -> Result<Option<VehicleRules>, StorageError> {
    let row: Option<(String, String)> = c
        .prepare_cached("SELECT key_sha256, rules FROM vehicles WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((_, rules)) = row.filter(|(hash, _)| *hash == key_hash(key)) else {
        return Ok(None);
    };
    parse_rules(id, &rules).map(Some)
}

/// A vehicle's rules as stored (JSON). Shared by both backends.
pub(super) fn rules_json(rules: &VehicleRules) -> Result<String, StorageError> {
    serde_json::to_string(rules).map_err(|e| StorageError::Corrupt(e.to_string()))
}

/// The stored rules of vehicle `id`. Shared by both backends.
pub(super) fn parse_rules(id: &str, json: &str) -> Result<VehicleRules, StorageError> {
    serde_json::from_str(json).map_err(|e| StorageError::Corrupt(format!("vehicle {id}: {e}")))
}

/// The evidence shown with an alarm: its first positions as `(lon, lat, at, speed)`. Shared by
/// both backends.
pub(super) fn evidence(positions: Vec<TrackPoint>) -> Vec<(f64, f64, i64, Option<f64>)> {
    positions
        .into_iter()
        .take(MAX_EVIDENCE)
        .map(|p| (p.lon, p.lat, p.at.millis(), p.speed_mps.map(f64::from)))
        .collect()
}

fn ingest(c: &Connection, report: &Report, now: Timestamp) -> Result<bool, StorageError> {
    let Some(rules) = rules_of(c, &report.id, &report.key)? else {
        return Ok(false);
    };
    let p = &report.point;
    c.prepare_cached(
        "INSERT INTO vehicle_positions
           (vehicle_id, at, lat, lon, speed_mps, bearing, accuracy_m, received_at, altitude_m,
            battery_pct)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        report.id,
        p.at.millis(),
        p.lat,
        p.lon,
        p.speed_mps.map(f64::from),
        report.bearing,
        f64::from(p.accuracy_m),
        now.millis(),
        report.altitude_m,
        report.battery_pct,
    ])?;
    let day = china_time::day_of(p.at);
    let (start, end) = china_time::day_bounds(day);
    let alarms = evaluate(&rules, positions(c, &report.id, start, end)?);
    c.prepare_cached("DELETE FROM vehicle_alarms WHERE vehicle_id = ?1 AND day = ?2")?
        .execute(params![report.id, day])?;
    let mut insert = c.prepare_cached(
        "INSERT INTO vehicle_alarms (vehicle_id, day, kind, from_at, to_at, peak)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for a in alarms {
        insert.execute(params![
            report.id,
            day,
            a.kind.as_str(),
            a.from.millis(),
            a.to.millis(),
            a.peak
        ])?;
    }
    Ok(true)
}

fn positions(
    c: &Connection,
    vehicle: &str,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<TrackPoint>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT at, lat, lon, accuracy_m, speed_mps FROM vehicle_positions
         WHERE vehicle_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY at",
    )?;
    let rows = stmt.query_map(params![vehicle, from.millis(), to.millis()], |r| {
        Ok(TrackPoint {
            at: Timestamp(r.get(0)?),
            lat: r.get(1)?,
            lon: r.get(2)?,
            accuracy_m: r.get::<_, f64>(3)? as f32,
            speed_mps: r.get::<_, Option<f64>>(4)?.map(|s| s as f32),
            mock: false,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn list(c: &Connection) -> Result<Vec<VehicleView>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT v.id, v.name, v.kind, v.rules, p.at, p.lon, p.lat FROM vehicles v
         LEFT JOIN vehicle_positions p ON p.vehicle_id = v.id
           AND p.at = (SELECT max(at) FROM vehicle_positions WHERE vehicle_id = v.id)
         ORDER BY v.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<f64>>(5)?,
            r.get::<_, Option<f64>>(6)?,
        ))
    })?;
    let mut views = Vec::new();
    for row in rows {
        let (id, name, kind, rules, at, lon, lat) = row?;
        let rules = parse_rules(&id, &rules)?;
        views.push(VehicleView {
            id,
            name,
            kind: VehicleKind::parse(&kind),
            rules,
            last_at: at.map(Timestamp),
            last_position: lon.zip(lat).map(|(lon, lat)| [lon, lat]),
        });
    }
    Ok(views)
}

fn alarms(
    c: &Connection,
    from: Timestamp,
    to: Timestamp,
    vehicle: Option<&str>,
) -> Result<Vec<AlarmView>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT a.vehicle_id, v.name, a.kind, a.from_at, a.to_at, a.peak
         FROM vehicle_alarms a JOIN vehicles v ON v.id = a.vehicle_id
         WHERE a.from_at >= ?1 AND a.from_at < ?2 AND (?3 IS NULL OR a.vehicle_id = ?3)
         ORDER BY a.from_at, a.vehicle_id, a.kind",
    )?;
    let rows = stmt.query_map(params![from.millis(), to.millis(), vehicle], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, f64>(5)?,
        ))
    })?;
    let mut views = Vec::new();
    for row in rows {
        let (vehicle_id, vehicle_name, kind, from_at, to_at, peak) = row?;
        let kind = AlarmKind::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("alarm kind {kind}")))?;
        let evidence = evidence(positions(
            c,
            &vehicle_id,
            Timestamp(from_at),
            Timestamp(to_at + 1),
        )?);
        views.push(AlarmView {
            vehicle_id,
            vehicle_name,
            alarm: Alarm {
                kind,
                from: Timestamp(from_at),
                to: Timestamp(to_at),
                peak,
            },
            evidence,
        });
    }
    Ok(views)
}
