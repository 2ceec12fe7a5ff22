//! One recorded position of a track: where, when, how exact, how fast, and whether the platform
//! flagged it as a mock (simulated) location.

use crate::geo::{Position, PositionError};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackPoint {
    pub at: Timestamp,
    /// WGS84 latitude in degrees.
    pub lat: f64,
    /// WGS84 longitude in degrees.
    pub lon: f64,
    /// Horizontal accuracy radius in metres.
    pub accuracy_m: f32,
    /// Ground speed in m/s when the source gives one.
    pub speed_mps: Option<f32>,
    /// The platform said the position came from a mock-location provider.
    pub mock: bool,
}

impl TrackPoint {
    /// A point from a position fix with no speed and no mock flag.
    pub fn at(at: Timestamp, position: Position) -> TrackPoint {
        TrackPoint {
            at,
            lat: position.lat,
            lon: position.lon,
            accuracy_m: position.accuracy_m as f32,
            speed_mps: None,
            mock: false,
        }
    }

    pub fn position(&self) -> Position {
        Position::new(self.lat, self.lon, f64::from(self.accuracy_m))
    }

    /// `[lon, lat]`, the order of GeoJSON and of `crate::geometry`.
    pub fn lon_lat(&self) -> [f64; 2] {
        [self.lon, self.lat]
    }

    /// Great-circle distance in metres.
    pub fn distance_m(&self, other: &TrackPoint) -> f64 {
        self.position().distance_m(&other.position())
    }

    /// Valid coordinates and accuracy, and a speed from 0 to [`MAX_SPEED_MPS`].
    pub fn validate(&self) -> Result<(), PositionError> {
        self.position().validate()?;
        match self.speed_mps {
            Some(s) if !(0.0..=MAX_SPEED_MPS).contains(&s) => {
                Err(PositionError::BadSpeed(s.to_string()))
            }
            _ => Ok(()),
        }
    }
}

/// The fastest speed a patrol or a city vehicle reports (360 km/h); beyond it a fix is noise.
pub const MAX_SPEED_MPS: f32 = 100.0;

/// Metres per second implied by moving from `a` to `b`; `None` when no time passed.
pub fn implied_speed_mps(a: &TrackPoint, b: &TrackPoint) -> Option<f64> {
    let ms = b.at.millis() - a.at.millis();
    (ms > 0).then(|| a.distance_m(b) * 1000.0 / ms as f64)
}
