//! Monitored vehicles: an admin registers a unit with its rules and receives the key it sends
//! with every position (stored with the positions and alarms by `storage::vehicles`). This is
//! what a registration may hold and what the console is shown.

use cgt_shared::Timestamp;
use cgt_shared::vehicle::{Alarm, Corridor, Site, VehicleRules};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VehicleKind {
    /// 渣土车
    MuckTruck,
    /// 环卫车
    Sanitation,
}

impl VehicleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VehicleKind::MuckTruck => "muck_truck",
            VehicleKind::Sanitation => "sanitation",
        }
    }

    pub fn parse(s: &str) -> VehicleKind {
        if s == "sanitation" {
            VehicleKind::Sanitation
        } else {
            VehicleKind::MuckTruck
        }
    }
}

/// What an admin registers.
#[derive(Clone, Debug, PartialEq, Deserialize, ToSchema)]
pub struct Registration {
    /// The unit's device id, as it sends it in `id`.
    #[schema(pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    pub id: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    pub kind: VehicleKind,
    pub speed_limit_kmh: f64,
    pub corridor: Option<Corridor>,
    #[serde(default)]
    pub sites: Vec<Site>,
}

impl Registration {
    /// Why the registration cannot be stored, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let valid_point =
            |p: &[f64; 2]| (-180.0..=180.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1]);
        let id_ok = (1..=64).contains(&self.id.len())
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        if !id_ok {
            return Some("设备号应为 1–64 个字母、数字或 - _ . : (invalid id)".into());
        }
        if self.name.trim().is_empty()
            || self.name.chars().count() > 100
            || cgt_shared::text::has_control(&self.name)
        {
            return Some("车辆名称不能为空,且不超过 100 字 (invalid name)".into());
        }
        if !(self.speed_limit_kmh.is_finite() && (5.0..=200.0).contains(&self.speed_limit_kmh)) {
            return Some("限速应在 5–200 km/h 之间 (invalid speed_limit_kmh)".into());
        }
        if let Some(c) = &self.corridor {
            let ok = c.line.len() >= 2
                && c.line.len() <= 10_000
                && c.line.iter().all(valid_point)
                && c.width_m.is_finite()
                && (5.0..=5_000.0).contains(&c.width_m);
            if !ok {
                return Some(
                    "路线走廊需 2 个以上有效坐标,宽度 5–5000 米 (invalid corridor)".into(),
                );
            }
        }
        let sites_ok = self.sites.len() <= 100
            && self.sites.iter().all(|s| {
                (3..=10_000).contains(&s.polygon.len()) && s.polygon.iter().all(valid_point)
            });
        if !sites_ok {
            return Some("场地多边形需 3 个以上有效坐标 (invalid sites)".into());
        }
        None
    }

    pub fn rules(&self) -> VehicleRules {
        VehicleRules::new(
            self.speed_limit_kmh,
            self.corridor.clone(),
            self.sites.clone(),
        )
    }
}

/// What is stored of a unit's key: its SHA-256, in hex.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A registered vehicle as the console lists it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VehicleView {
    pub id: String,
    pub name: String,
    pub kind: VehicleKind,
    pub rules: VehicleRules,
    pub last_at: Option<Timestamp>,
    #[schema(value_type = Option<cgt_shared::geometry::LonLat>)]
    pub last_position: Option<[f64; 2]>,
}

/// An alarm with the positions that show it: `[lon, lat, ms, speed m/s or null]`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AlarmView {
    pub vehicle_id: String,
    pub vehicle_name: String,
    #[serde(flatten)]
    pub alarm: Alarm,
    pub evidence: Vec<(f64, f64, i64, Option<f64>)>,
}
