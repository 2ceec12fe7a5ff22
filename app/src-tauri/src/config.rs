//! The shell's settings on desktop, from the environment: `CGT_SERVER_URL` (the address the
//! first-run screen proposes), `CGT_DATA_DIR` (where the store lives; default: the platform's
//! app data folder), `CGT_POSITION` (`device` for the phone's GPS, the default on mobile, or a
//! simulated source on desktop: `fixed:<lat>,<lon>,<acc>` or `gpx:<path>`), `CGT_ACCURACY_WARNING_M` (warn above this accuracy radius) and
//! `CGT_RECORD_INTERVAL_S` (how often the patrol recorder samples the position while on shift).

use crate::error::AppError;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8080";
/// On desktop: inside 人民路 work grid of the demo city (inspector01's), so a desktop run can
/// report at once. On a phone: its GPS.
pub const DEFAULT_POSITION: &str = if cfg!(mobile) {
    crate::locator::DEVICE
} else {
    "fixed:31.32,120.619,8"
};
pub const DEFAULT_ACCURACY_WARNING_M: f64 = 30.0;
pub const DEFAULT_RECORD_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    pub server_url: String,
    pub data_dir: Option<PathBuf>,
    pub position: String,
    pub accuracy_warning_m: f64,
    pub record_interval: Duration,
}

impl AppConfig {
    pub fn from_env() -> Result<AppConfig, AppError> {
        AppConfig::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `var`; empty values count as unset.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<AppConfig, AppError> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        // A positive, finite number of `name`, or `default` when unset.
        let positive = |name: &'static str, default: f64| match get(name) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n > 0.0)
                .ok_or(AppError::Config { name, value: text }),
        };
        let accuracy_warning_m = positive("CGT_ACCURACY_WARNING_M", DEFAULT_ACCURACY_WARNING_M)?;
        let record_interval = Duration::from_secs_f64(positive(
            "CGT_RECORD_INTERVAL_S",
            DEFAULT_RECORD_INTERVAL.as_secs_f64(),
        )?);
        Ok(AppConfig {
            server_url: get("CGT_SERVER_URL").unwrap_or_else(|| DEFAULT_SERVER_URL.into()),
            data_dir: get("CGT_DATA_DIR").map(PathBuf::from),
            position: get("CGT_POSITION").unwrap_or_else(|| DEFAULT_POSITION.into()),
            accuracy_warning_m,
            record_interval,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vars: &[(&str, &str)], expected: Result<AppConfig, &str>) {
        let actual = AppConfig::from_vars(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        });
        assert_eq!(
            actual.map_err(|e| e.to_string()),
            expected.map_err(String::from)
        );
    }

    #[test]
    fn settings_come_from_the_environment_with_defaults() {
        let defaults = AppConfig {
            server_url: DEFAULT_SERVER_URL.into(),
            data_dir: None,
            position: DEFAULT_POSITION.into(),
            accuracy_warning_m: 30.0,
            record_interval: DEFAULT_RECORD_INTERVAL,
        };
        check(&[], Ok(defaults.clone()));
        check(&[("CGT_SERVER_URL", " ")], Ok(defaults.clone()));
        check(
            &[
                ("CGT_SERVER_URL", "http://10.0.0.2:8080"),
                ("CGT_DATA_DIR", "/tmp/cgt"),
                ("CGT_POSITION", "gpx:/tmp/patrol.gpx"),
                ("CGT_ACCURACY_WARNING_M", "50"),
                ("CGT_RECORD_INTERVAL_S", "1.5"),
            ],
            Ok(AppConfig {
                server_url: "http://10.0.0.2:8080".into(),
                data_dir: Some("/tmp/cgt".into()),
                position: "gpx:/tmp/patrol.gpx".into(),
                accuracy_warning_m: 50.0,
                record_interval: Duration::from_millis(1500),
            }),
        );
        check(
            &[("CGT_ACCURACY_WARNING_M", "-3")],
            Err("配置 CGT_ACCURACY_WARNING_M 无效: \"-3\""),
        );
        check(
            &[("CGT_RECORD_INTERVAL_S", "0")],
            Err("配置 CGT_RECORD_INTERVAL_S 无效: \"0\""),
        );
    }
}
