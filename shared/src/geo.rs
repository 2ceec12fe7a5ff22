//! Positions as phones report them: WGS84 latitude / longitude with an accuracy radius.
//!
//! Inside documents coordinates are stored as integers in 1e-7 degrees (about 1 cm), which keeps
//! them exact through every merge and encodes in 4–5 bytes instead of an 8-byte float.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

/// Scale of the integer coordinates stored in documents.
pub const E7: f64 = 1e7;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Position {
    /// WGS84 latitude in degrees.
    pub lat: f64,
    /// WGS84 longitude in degrees.
    pub lon: f64,
    /// Horizontal accuracy radius in metres, as the position source stated it.
    pub accuracy_m: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PositionError {
    #[error("坐标不是有效数字 (coordinate is NaN or infinite)")]
    NotFinite,
    #[error("纬度超出范围 -90…90: {0}")]
    LatitudeOutOfRange(String),
    #[error("经度超出范围 -180…180: {0}")]
    LongitudeOutOfRange(String),
    #[error("定位精度无效: {0} 米 (accuracy must be 0…100000 m)")]
    BadAccuracy(String),
    #[error("坐标为 0,0,定位未成功 (position 0,0 means no fix)")]
    NullIsland,
    #[error("速度无效: {0} 米/秒 (speed must be 0…{max} m/s)", max = crate::track::MAX_SPEED_MPS)]
    BadSpeed(String),
}

impl Position {
    pub fn new(lat: f64, lon: f64, accuracy_m: f64) -> Self {
        Self {
            lat,
            lon,
            accuracy_m,
        }
    }

    pub fn validate(&self) -> Result<(), PositionError> {
        if !(self.lat.is_finite() && self.lon.is_finite() && self.accuracy_m.is_finite()) {
            return Err(PositionError::NotFinite);
        }
        if !(-90.0..=90.0).contains(&self.lat) {
            return Err(PositionError::LatitudeOutOfRange(self.lat.to_string()));
        }
        if !(-180.0..=180.0).contains(&self.lon) {
            return Err(PositionError::LongitudeOutOfRange(self.lon.to_string()));
        }
        if !(0.0..=100_000.0).contains(&self.accuracy_m) {
            return Err(PositionError::BadAccuracy(self.accuracy_m.to_string()));
        }
        if self.lat == 0.0 && self.lon == 0.0 {
            return Err(PositionError::NullIsland);
        }
        Ok(())
    }

    /// Latitude and longitude in 1e-7 degrees, and accuracy in decimetres.
    pub fn to_fixed(&self) -> (i64, i64, i64) {
        (
            (self.lat * E7).round() as i64,
            (self.lon * E7).round() as i64,
            (self.accuracy_m * 10.0).round() as i64,
        )
    }

    pub fn from_fixed(lat_e7: i64, lon_e7: i64, accuracy_dm: i64) -> Self {
        Self {
            lat: lat_e7 as f64 / E7,
            lon: lon_e7 as f64 / E7,
            accuracy_m: accuracy_dm as f64 / 10.0,
        }
    }

    /// Great-circle distance in metres ([`crate::geometry::distance_m`]).
    pub fn distance_m(&self, other: &Position) -> f64 {
        crate::geometry::distance_m([self.lon, self.lat], [other.lon, other.lat])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lat: f64, lon: f64, acc: f64, ok: bool) {
        assert_eq!(
            Position::new(lat, lon, acc).validate().is_ok(),
            ok,
            "{lat},{lon},{acc}"
        );
    }

    #[test]
    fn validation_table() {
        check(31.3, 120.6, 5.0, true);
        check(-90.0, 180.0, 0.0, true);
        check(f64::NAN, 120.6, 5.0, false);
        check(31.3, f64::INFINITY, 5.0, false);
        check(90.0001, 120.6, 5.0, false);
        check(31.3, -180.5, 5.0, false);
        check(31.3, 120.6, -1.0, false);
        check(0.0, 0.0, 3.0, false);
    }

    #[test]
    fn fixed_point_round_trip_is_within_a_centimetre() {
        let p = Position::new(31.298_765_43, 120.612_345_67, 12.34);
        let (a, b, c) = p.to_fixed();
        let q = Position::from_fixed(a, b, c);
        assert!(p.distance_m(&q) < 0.02);
        assert!((q.accuracy_m - 12.3).abs() < 1e-9);
    }

    #[test]
    fn distance_of_one_degree_latitude() {
        let d = Position::new(31.0, 120.0, 0.0).distance_m(&Position::new(32.0, 120.0, 0.0));
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
    }
}
