//! The demo fleet: a construction-waste truck (渣土车) with a route across the demo city from
//! a source site to a disposal site, and a sanitation vehicle (环卫车) on a north–south route.
//! Their keys are fixed so that a simulated GPS unit can post to a demo server.

use super::vehicles::{Registration, VehicleKind};
use crate::storage::{StorageError, Store};
use cgt_shared::Timestamp;
use cgt_shared::geometry::Point;
use cgt_shared::vehicle::{Corridor, Site};

/// `(device id, key)` of the demo vehicles.
pub const DEMO_VEHICLES: [(&str, &str); 2] = [
    ("ZT-SU-E1234", "demo-muck-truck-key-2026"),
    ("HW-SU-E5678", "demo-sanitation-key-2026"),
];

/// A square of `half` degrees around `[lon, lat]`.
fn square([lon, lat]: Point, half: f64) -> Vec<Point> {
    vec![
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
}

pub fn registrations() -> Vec<Registration> {
    let (source, disposal) = ([120.586, 31.312], [120.644, 31.308]);
    vec![
        Registration {
            id: DEMO_VEHICLES[0].0.into(),
            name: "苏E1234 渣土车".into(),
            kind: VehicleKind::MuckTruck,
            speed_limit_kmh: 40.0,
            corridor: Some(Corridor {
                line: vec![source, [120.615, 31.312], [120.615, 31.308], disposal],
                width_m: 80.0,
            }),
            sites: vec![
                Site {
                    name: "金阊建筑工地 (source)".into(),
                    polygon: square(source, 0.001),
                },
                Site {
                    name: "娄门渣土消纳场 (disposal)".into(),
                    polygon: square(disposal, 0.001),
                },
            ],
        },
        Registration {
            id: DEMO_VEHICLES[1].0.into(),
            name: "苏E5678 环卫车".into(),
            kind: VehicleKind::Sanitation,
            speed_limit_kmh: 30.0,
            corridor: Some(Corridor {
                line: vec![[120.625, 31.329], [120.625, 31.291]],
                width_m: 60.0,
            }),
            sites: vec![Site {
                name: "环卫停车场".into(),
                polygon: square([120.625, 31.291], 0.0008),
            }],
        },
    ]
}

/// Registers the demo fleet (ids already taken are left alone).
pub fn seed(storage: &dyn Store, now: Timestamp) -> Result<(), StorageError> {
    for (registration, (_, key)) in registrations().into_iter().zip(DEMO_VEHICLES) {
        storage.register_vehicle(registration, key.to_string(), now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_fleet_is_valid() {
        for r in registrations() {
            assert_eq!(r.problem(), None, "{}", r.id);
        }
    }
}
