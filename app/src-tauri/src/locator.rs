//! Where the device is. On a phone, the GPS through the Tauri geolocation plugin
//! (`CGT_POSITION=device`, the default on Android and iOS); on desktop, a simulated source from
//! the client library (`fixed:<lat>,<lon>,<acc>` or `gpx:<path>`), which is how tests drive it.
//! A source may declare GCJ-02 (`device@gcj02` for a build whose location provider is a
//! consumer map SDK); its fixes are converted to WGS84 as they are read.

use crate::error::AppError;
use cgt_client::position::{self, PositionSource};
use cgt_shared::gcj02::PositionSystem;
use cgt_shared::{Position, Timestamp};
use tauri::AppHandle;
use tauri_plugin_geolocation::{GeolocationExt, PermissionType, PositionOptions};

/// The `CGT_POSITION` value that selects the phone's own GPS.
pub const DEVICE: &str = "device";
/// How long a phone may look for a fix, and how old a cached fix may be, in milliseconds.
const FIX_TIMEOUT_MS: u32 = 10_000;
const FIX_MAX_AGE_MS: u32 = 5_000;

pub enum Locator {
    Simulated(PositionSource),
    Device(AppHandle, PositionSystem),
}

impl Locator {
    /// The source `config` names. The plugin only has a real GPS behind it on mobile, so
    /// `device` on desktop is refused with a message naming the simulated sources.
    pub fn from_config(app: &AppHandle, config: &str) -> Result<Locator, AppError> {
        let (source, system) = position::declared_system(config.trim())?;
        if source != DEVICE {
            return Ok(Locator::Simulated(position::from_config(config.trim())?));
        }
        if !cfg!(mobile) {
            return Err(AppError::Config {
                name: "CGT_POSITION",
                value: format!(
                    "{config} (桌面版没有 GPS,请用 fixed:<纬度>,<经度>,<精度> 或 gpx:<文件>)"
                ),
            });
        }
        // Asks once at start; a refusal shows later as 暂时无法定位 with the system prompt again.
        if let Err(e) = app
            .geolocation()
            .request_permissions(Some(vec![PermissionType::Location]))
        {
            tracing::warn!(error = %e, "location permission request failed");
        }
        Ok(Locator::Device(app.clone(), system))
    }

    /// The current fix, or `None` while there is none (no permission, no satellites).
    pub fn current(&self, now: Timestamp) -> Option<Position> {
        match self {
            Locator::Simulated(source) => source.current(now),
            Locator::Device(app, system) => {
                let options = PositionOptions {
                    enable_high_accuracy: true,
                    timeout: FIX_TIMEOUT_MS,
                    maximum_age: FIX_MAX_AGE_MS,
                };
                match app.geolocation().get_current_position(Some(options)) {
                    Ok(fix) => valid_fix(
                        fix.coords.latitude,
                        fix.coords.longitude,
                        fix.coords.accuracy,
                    )
                    .map(|p| system.position_to_wgs84(p)),
                    Err(e) => {
                        tracing::warn!(error = %e, "no GPS fix");
                        None
                    }
                }
            }
        }
    }
}

/// A plugin fix as a position, or `None` for what a phone reports before it has one.
fn valid_fix(lat: f64, lon: f64, accuracy_m: f64) -> Option<Position> {
    let position = Position::new(lat, lon, accuracy_m);
    let placeholder = lat == 0.0 && lon == 0.0;
    (!placeholder && position.validate().is_ok()).then_some(position)
}

#[cfg(test)]
mod tests {
    use super::valid_fix;

    #[test]
    fn only_real_fixes_become_positions() {
        assert!(valid_fix(31.32, 120.619, 6.0).is_some());
        assert!(valid_fix(0.0, 0.0, 0.0).is_none(), "the no-fix placeholder");
        assert!(valid_fix(95.0, 120.0, 5.0).is_none());
        assert!(valid_fix(f64::NAN, 120.0, 5.0).is_none());
    }
}
