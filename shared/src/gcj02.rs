//! GCJ-02 (国测局坐标系), the obfuscated system of Chinese consumer map SDKs (AMap, Tencent)
//! and of their tiles. It is not a datum PROJ knows but a published nonlinear offset of WGS84
//! inside China (none outside), so it is converted here: forward as the offset is defined,
//! back by fixed-point iteration to well under a millimetre of the forward map. A position
//! taken as GCJ-02 and stored as WGS84 is a few hundred metres off — another unit grid.

use crate::geometry::Point;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use utoipa::ToSchema;

/// The coordinate system a caller declares for the positions it sends: WGS84 (GPS, Tianditu,
/// the default) or GCJ-02 (AMap, Tencent and their tiles). Positions are stored in WGS84, so a
/// GCJ-02 one is converted on arrival.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PositionSystem {
    #[default]
    Wgs84,
    Gcj02,
}

impl PositionSystem {
    /// `wgs84` / `gcj02` as callers write them (any case, with or without the dash; EPSG:4326
    /// for WGS84).
    pub fn parse(text: &str) -> Option<PositionSystem> {
        match text.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "wgs84" | "epsg:4326" => Some(PositionSystem::Wgs84),
            "gcj02" => Some(PositionSystem::Gcj02),
            _ => None,
        }
    }

    /// A `[lon, lat]` declared in this system, as WGS84.
    pub fn to_wgs84(self, p: Point) -> Point {
        match self {
            PositionSystem::Wgs84 => p,
            PositionSystem::Gcj02 => to_wgs84(p),
        }
    }

    /// A position taken in this system, as WGS84 (its accuracy unchanged).
    pub fn position_to_wgs84(self, p: crate::Position) -> crate::Position {
        let [lon, lat] = self.to_wgs84([p.lon, p.lat]);
        crate::Position::new(lat, lon, p.accuracy_m)
    }

    /// A WGS84 `[lon, lat]` as a caller in this system reads it.
    pub fn from_wgs84(self, p: Point) -> Point {
        match self {
            PositionSystem::Wgs84 => p,
            PositionSystem::Gcj02 => from_wgs84(p),
        }
    }
}

/// The Krasovsky 1940 ellipsoid the offset is defined on.
const SEMI_MAJOR: f64 = 6_378_245.0;
const ECCENTRICITY_SQUARED: f64 = 0.006_693_421_622_965_943;
/// Back-conversion stops when the forward map lands this close (degrees, about 0.01 mm).
const CONVERGED: f64 = 1e-10;

/// Whether GCJ-02 offsets `[lon, lat]`: inside the rough box of China the offset is defined
/// for; elsewhere GCJ-02 equals WGS84.
pub fn is_offset(p: Point) -> bool {
    (72.004..=137.8347).contains(&p[0]) && (0.8293..=55.8271).contains(&p[1])
}

/// A WGS84 `[lon, lat]` as GCJ-02.
pub fn from_wgs84(p: Point) -> Point {
    if !is_offset(p) {
        return p;
    }
    let [dlon, dlat] = offset(p);
    [p[0] + dlon, p[1] + dlat]
}

/// A GCJ-02 `[lon, lat]` as WGS84: the WGS84 point whose GCJ-02 is `p`.
pub fn to_wgs84(p: Point) -> Point {
    if !is_offset(p) {
        return p;
    }
    let mut guess = p;
    for _ in 0..30 {
        let there = from_wgs84(guess);
        let (dlon, dlat) = (there[0] - p[0], there[1] - p[1]);
        guess = [guess[0] - dlon, guess[1] - dlat];
        if dlon.abs() < CONVERGED && dlat.abs() < CONVERGED {
            break;
        }
    }
    guess
}

/// The offset `[dlon, dlat]` in degrees at the WGS84 point `p`.
fn offset(p: Point) -> Point {
    let (x, y) = (p[0] - 105.0, p[1] - 35.0);
    let wave = |period: f64, v: f64| (period * v * PI).sin();
    let shared = (20.0 * wave(6.0, x) + 20.0 * wave(2.0, x)) * 2.0 / 3.0;
    let north = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + shared
        + (20.0 * wave(1.0, y) + 40.0 * wave(1.0 / 3.0, y)) * 2.0 / 3.0
        + (160.0 * wave(1.0 / 12.0, y) + 320.0 * wave(1.0 / 30.0, y)) * 2.0 / 3.0;
    let east = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + shared
        + (20.0 * wave(1.0, x) + 40.0 * wave(1.0 / 3.0, x)) * 2.0 / 3.0
        + (150.0 * wave(1.0 / 12.0, x) + 300.0 * wave(1.0 / 30.0, x)) * 2.0 / 3.0;
    let lat = p[1].to_radians();
    let magic = 1.0 - ECCENTRICITY_SQUARED * lat.sin().powi(2);
    let dlat =
        north * 180.0 / (SEMI_MAJOR * (1.0 - ECCENTRICITY_SQUARED) / (magic * magic.sqrt()) * PI);
    let dlon = east * 180.0 / (SEMI_MAJOR / magic.sqrt() * lat.cos() * PI);
    [dlon, dlat]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::distance_m;

    /// `[lon, lat]` WGS84 → GCJ-02 as `eviltransform` 0.1.1 (PyPI, the reference most
    /// converters are checked against) gives them, to 1e-10°.
    const REFERENCE: [(Point, Point); 5] = [
        ([120.619, 31.3158], [120.623_177_655_7, 31.313_627_991_2]),
        ([116.404, 39.915], [116.410_244_604_9, 39.916_404_305_3]),
        ([114.0579, 22.5431], [114.063_014_085_2, 22.540_382_768_2]),
        ([113.03, 25.77], [113.035_559_731_2, 25.767_085_112_7]),
        ([126.63, 45.75], [126.635_942_491_1, 45.751_935_237_7]),
    ];

    #[test]
    fn known_points_match_the_reference_within_five_centimetres() {
        // The published formula leaves the last digits to each implementation: ours and the
        // reference differ by up to a centimetre (a metre is what matters for a unit grid).
        for (wgs, gcj) in REFERENCE {
            let ours = from_wgs84(wgs);
            assert!(distance_m(ours, gcj) < 0.05, "{wgs:?}: {ours:?} vs {gcj:?}");
            let back = to_wgs84(gcj);
            assert!(distance_m(back, wgs) < 0.05, "{gcj:?}: {back:?} vs {wgs:?}");
        }
    }

    #[test]
    fn in_suzhou_the_offset_is_hundreds_of_metres() {
        let wgs = [120.619, 31.3158];
        let shift = distance_m(wgs, from_wgs84(wgs));
        assert!((400.0..600.0).contains(&shift), "{shift}");
    }

    #[test]
    fn declared_systems_parse_as_callers_write_them() {
        for (text, system) in [
            ("wgs84", Some(PositionSystem::Wgs84)),
            ("EPSG:4326", Some(PositionSystem::Wgs84)),
            ("GCJ-02", Some(PositionSystem::Gcj02)),
            (" gcj02 ", Some(PositionSystem::Gcj02)),
            ("bd09", None),
            ("", None),
        ] {
            assert_eq!(PositionSystem::parse(text), system, "{text:?}");
        }
        let (wgs, gcj) = REFERENCE[0];
        assert_eq!(PositionSystem::Wgs84.to_wgs84(gcj), gcj);
        assert!(distance_m(PositionSystem::Gcj02.to_wgs84(gcj), wgs) < 0.05);
        assert!(distance_m(PositionSystem::Gcj02.from_wgs84(wgs), gcj) < 0.05);
        assert_eq!(PositionSystem::Wgs84.from_wgs84(wgs), wgs);
    }

    #[test]
    fn outside_china_nothing_moves() {
        for p in [[2.35, 48.85], [139.69, 35.69], [-74.0, 40.7]] {
            assert_eq!(from_wgs84(p), p);
            assert_eq!(to_wgs84(p), p);
        }
    }

    #[test]
    fn there_and_back_across_china_within_a_millimetre() {
        for lon in (74..=134).step_by(5) {
            for lat in (18..=53).step_by(5) {
                let wgs = [f64::from(lon) + 0.123, f64::from(lat) + 0.456];
                let back = to_wgs84(from_wgs84(wgs));
                assert!(distance_m(wgs, back) < 0.001, "{wgs:?} → {back:?}");
            }
        }
    }
}
