//! Server settings and where they come from: defaults, then a TOML file, then `CGT_*`
//! environment variables, then command-line flags (each layer overrides the one before).

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use thiserror::Error;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;
pub const DEFAULT_TOKEN_TTL_DAYS: u32 = 30;
pub const DEFAULT_MAX_PHOTO_BYTES: u64 = 8 << 20;
const MIN_BODY_BYTES: usize = 1 << 10;
const MAX_BODY_BYTES: usize = 1 << 30;
const MAX_TOKEN_TTL_DAYS: u32 = 3650;
const MAX_PHOTO_BYTES: u64 = 1 << 30;
/// The console as `npm run build` leaves it in this source tree.
pub const DEFAULT_CONSOLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/console/dist");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Folder holding `cgt.sqlite3`.
    pub data_dir: PathBuf,
    /// Seed the demo city on start when the database has no users.
    pub demo: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a login token stays valid.
    pub token_ttl_days: u32,
    /// A city's own category table (same TOML format as the built-in one).
    pub categories_file: Option<PathBuf>,
    /// A city's working calendar: holidays and make-up workdays (format of
    /// `shared/data/calendar.toml`).
    pub calendar_file: Option<PathBuf>,
    /// A city's 处置时限 per subcategory and urgency (format of `shared/data/time_limits.toml`).
    pub time_limits_file: Option<PathBuf>,
    /// Largest photo accepted for upload, in bytes; devices are told before they send any.
    pub max_photo_bytes: u64,
    /// Folder of the built web console, served at `/console/`.
    pub console_dir: PathBuf,
    /// XYZ tile URL template for the console's maps (e.g. Tianditu with its key); without
    /// one the maps show vector layers only.
    pub map_tile_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: DEFAULT_LISTEN.parse().expect("the default address parses"),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            demo: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            token_ttl_days: DEFAULT_TOKEN_TTL_DAYS,
            categories_file: None,
            calendar_file: None,
            time_limits_file: None,
            max_photo_bytes: DEFAULT_MAX_PHOTO_BYTES,
            console_dir: PathBuf::from(DEFAULT_CONSOLE_DIR),
            map_tile_url: None,
        }
    }
}

impl Settings {
    /// Settings for tests: port 0 on loopback, data under `data_dir`, no demo.
    pub fn for_test(data_dir: &Path) -> Settings {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_path_buf(),
            ..Settings::default()
        }
    }

    /// Reads the config file (if any) and the process environment, then applies `flags`.
    pub fn load(config_file: Option<&Path>, flags: Layer) -> Result<Settings, ConfigError> {
        let file = match config_file {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })?;
                Some((path, text))
            }
        };
        resolve(
            file.as_ref().map(|(p, t)| (*p, t.as_str())),
            |key| std::env::var(key).ok(),
            flags,
        )
    }
}

/// One layer of settings: every key optional. The config file has exactly these keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub demo: Option<bool>,
    pub max_body_bytes: Option<usize>,
    pub token_ttl_days: Option<u32>,
    pub categories_file: Option<PathBuf>,
    pub calendar_file: Option<PathBuf>,
    pub time_limits_file: Option<PathBuf>,
    pub max_photo_bytes: Option<u64>,
    pub console_dir: Option<PathBuf>,
    pub map_tile_url: Option<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("无法读取配置文件 {path} ({reason})")]
    Read { path: PathBuf, reason: String },
    #[error("配置文件 {path} 格式错误 ({reason})")]
    Parse { path: PathBuf, reason: String },
    #[error("环境变量 {var}={value:?} 无效 (expected {expected})")]
    Env {
        var: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("配置项 {key} 无效: {reason}")]
    Invalid { key: &'static str, reason: String },
}

/// The environment variables read, with what each overrides.
pub const ENV_VARS: [(&str, &str); 11] = [
    ("CGT_LISTEN", "listen"),
    ("CGT_DATA_DIR", "data_dir"),
    ("CGT_DEMO", "demo"),
    ("CGT_MAX_BODY_BYTES", "max_body_bytes"),
    ("CGT_TOKEN_TTL_DAYS", "token_ttl_days"),
    ("CGT_CATEGORIES_FILE", "categories_file"),
    ("CGT_CALENDAR_FILE", "calendar_file"),
    ("CGT_TIME_LIMITS_FILE", "time_limits_file"),
    ("CGT_MAX_PHOTO_BYTES", "max_photo_bytes"),
    ("CGT_CONSOLE_DIR", "console_dir"),
    ("CGT_MAP_TILE_URL", "map_tile_url"),
];

/// Combines the layers. `file` is the config file's path and text; relative paths in it are
/// taken from the file's folder.
pub fn resolve(
    file: Option<(&Path, &str)>,
    env: impl Fn(&str) -> Option<String>,
    flags: Layer,
) -> Result<Settings, ConfigError> {
    let mut settings = Settings::default();
    if let Some((path, text)) = file {
        let mut layer: Layer = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        layer.data_dir = layer.data_dir.map(|p| base.join(p));
        layer.categories_file = layer.categories_file.map(|p| base.join(p));
        layer.calendar_file = layer.calendar_file.map(|p| base.join(p));
        layer.time_limits_file = layer.time_limits_file.map(|p| base.join(p));
        layer.console_dir = layer.console_dir.map(|p| base.join(p));
        settings.apply(layer);
    }
    settings.apply(env_layer(env)?);
    settings.apply(flags);
    settings.validate()?;
    Ok(settings)
}

impl Settings {
    fn apply(&mut self, layer: Layer) {
        let Layer {
            listen,
            data_dir,
            demo,
            max_body_bytes,
            token_ttl_days,
            categories_file,
            calendar_file,
            time_limits_file,
            max_photo_bytes,
            console_dir,
            map_tile_url,
        } = layer;
        self.listen = listen.unwrap_or(self.listen);
        self.data_dir = data_dir.unwrap_or_else(|| self.data_dir.clone());
        self.demo = demo.unwrap_or(self.demo);
        self.max_body_bytes = max_body_bytes.unwrap_or(self.max_body_bytes);
        self.token_ttl_days = token_ttl_days.unwrap_or(self.token_ttl_days);
        self.max_photo_bytes = max_photo_bytes.unwrap_or(self.max_photo_bytes);
        self.console_dir = console_dir.unwrap_or_else(|| self.console_dir.clone());
        if map_tile_url.is_some() {
            self.map_tile_url = map_tile_url.filter(|url| !url.is_empty());
        }
        if categories_file.is_some() {
            self.categories_file = categories_file;
        }
        if calendar_file.is_some() {
            self.calendar_file = calendar_file;
        }
        if time_limits_file.is_some() {
            self.time_limits_file = time_limits_file;
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !(MIN_BODY_BYTES..=MAX_BODY_BYTES).contains(&self.max_body_bytes) {
            return Err(ConfigError::Invalid {
                key: "max_body_bytes",
                reason: format!(
                    "{} 不在 {MIN_BODY_BYTES}…{MAX_BODY_BYTES} 之间",
                    self.max_body_bytes
                ),
            });
        }
        if !(1..=MAX_TOKEN_TTL_DAYS).contains(&self.token_ttl_days) {
            return Err(ConfigError::Invalid {
                key: "token_ttl_days",
                reason: format!("{} 不在 1…{MAX_TOKEN_TTL_DAYS} 之间", self.token_ttl_days),
            });
        }
        if let Some(url) = &self.map_tile_url {
            let templated = ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
            if !(url.starts_with("http://") || url.starts_with("https://")) || !templated {
                return Err(ConfigError::Invalid {
                    key: "map_tile_url",
                    reason: format!("{url} 不是含 {{z}}/{{x}}/{{y}} 的 http(s) 地址"),
                });
            }
        }
        if !(1..=MAX_PHOTO_BYTES).contains(&self.max_photo_bytes) {
            return Err(ConfigError::Invalid {
                key: "max_photo_bytes",
                reason: format!("{} 不在 1…{MAX_PHOTO_BYTES} 之间", self.max_photo_bytes),
            });
        }
        Ok(())
    }
}

fn env_layer(env: impl Fn(&str) -> Option<String>) -> Result<Layer, ConfigError> {
    fn parsed<T: std::str::FromStr>(
        env: &impl Fn(&str) -> Option<String>,
        var: &'static str,
        expected: &'static str,
    ) -> Result<Option<T>, ConfigError> {
        env(var)
            .map(|value| {
                value.trim().parse().map_err(|_| ConfigError::Env {
                    var,
                    value,
                    expected,
                })
            })
            .transpose()
    }
    let demo = env("CGT_DEMO")
        .map(|value| match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            _ => Err(ConfigError::Env {
                var: "CGT_DEMO",
                value,
                expected: "true/false, 1/0, yes/no",
            }),
        })
        .transpose()?;
    let path = |var| env(var).filter(|v| !v.is_empty()).map(PathBuf::from);
    Ok(Layer {
        listen: parsed(&env, "CGT_LISTEN", "an address like 127.0.0.1:8080")?,
        data_dir: path("CGT_DATA_DIR"),
        demo,
        max_body_bytes: parsed(&env, "CGT_MAX_BODY_BYTES", "a number of bytes")?,
        token_ttl_days: parsed(&env, "CGT_TOKEN_TTL_DAYS", "a number of days")?,
        categories_file: path("CGT_CATEGORIES_FILE"),
        calendar_file: path("CGT_CALENDAR_FILE"),
        time_limits_file: path("CGT_TIME_LIMITS_FILE"),
        max_photo_bytes: parsed(&env, "CGT_MAX_PHOTO_BYTES", "a number of bytes")?,
        console_dir: path("CGT_CONSOLE_DIR"),
        map_tile_url: env("CGT_MAP_TILE_URL"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn check(
        file: Option<&str>,
        env: &[(&str, &str)],
        flags: Layer,
        expected: Result<Settings, &str>,
    ) {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let path = Path::new("/etc/cgt/server.toml");
        let got = resolve(file.map(|t| (path, t)), |k| env.get(k).cloned(), flags);
        match (got, expected) {
            (Ok(got), Ok(expected)) => assert_eq!(got, expected),
            (Err(e), Err(fragment)) => {
                assert!(e.to_string().contains(fragment), "{e} lacks {fragment}")
            }
            (got, expected) => panic!("got {got:?}, expected {expected:?}"),
        }
    }

    fn with(edit: impl FnOnce(&mut Settings)) -> Settings {
        let mut s = Settings::default();
        edit(&mut s);
        s
    }

    #[test]
    fn layers_override_in_order() {
        check(None, &[], Layer::default(), Ok(Settings::default()));
        check(
            Some(
                "listen = \"0.0.0.0:9000\"\ndata_dir = \"db\"\ndemo = true\ncategories_file = \"/srv/cat.toml\"\nconsole_dir = \"ui\"\ncalendar_file = \"calendar.toml\"",
            ),
            &[("CGT_TIME_LIMITS_FILE", "/srv/limits.toml")],
            Layer::default(),
            Ok(with(|s| {
                s.listen = "0.0.0.0:9000".parse().unwrap();
                s.data_dir = PathBuf::from("/etc/cgt/db");
                s.demo = true;
                s.categories_file = Some(PathBuf::from("/srv/cat.toml"));
                s.console_dir = PathBuf::from("/etc/cgt/ui");
                s.calendar_file = Some(PathBuf::from("/etc/cgt/calendar.toml"));
                s.time_limits_file = Some(PathBuf::from("/srv/limits.toml"));
            })),
        );
        check(
            Some("demo = true\ntoken_ttl_days = 7"),
            &[
                ("CGT_DEMO", "false"),
                ("CGT_TOKEN_TTL_DAYS", "9"),
                ("CGT_DATA_DIR", "/var/cgt"),
            ],
            Layer::default(),
            Ok(with(|s| {
                s.token_ttl_days = 9;
                s.data_dir = PathBuf::from("/var/cgt");
            })),
        );
        check(
            None,
            &[
                ("CGT_LISTEN", "127.0.0.1:1"),
                ("CGT_MAX_BODY_BYTES", "4096"),
                ("CGT_MAX_PHOTO_BYTES", "1048576"),
                (
                    "CGT_MAP_TILE_URL",
                    "https://t0.tianditu.gov.cn/{z}/{x}/{y}?tk=k",
                ),
            ],
            Layer {
                listen: Some("127.0.0.1:2".parse().unwrap()),
                demo: Some(true),
                ..Layer::default()
            },
            Ok(with(|s| {
                s.listen = "127.0.0.1:2".parse().unwrap();
                s.max_body_bytes = 4096;
                s.max_photo_bytes = 1 << 20;
                s.map_tile_url = Some("https://t0.tianditu.gov.cn/{z}/{x}/{y}?tk=k".into());
                s.demo = true;
            })),
        );
    }

    #[test]
    fn bad_values_are_named() {
        check(Some("port = 1"), &[], Layer::default(), Err("port"));
        check(
            Some("demo = \"yes\""),
            &[],
            Layer::default(),
            Err("格式错误"),
        );
        check(
            None,
            &[("CGT_DEMO", "maybe")],
            Layer::default(),
            Err("CGT_DEMO"),
        );
        check(
            None,
            &[("CGT_LISTEN", "here")],
            Layer::default(),
            Err("CGT_LISTEN"),
        );
        check(
            None,
            &[("CGT_TOKEN_TTL_DAYS", "0")],
            Layer::default(),
            Err("token_ttl_days"),
        );
        check(
            None,
            &[("CGT_MAX_BODY_BYTES", "10")],
            Layer::default(),
            Err("max_body_bytes"),
        );
        check(
            None,
            &[("CGT_MAP_TILE_URL", "ftp://tiles/{x}/{y}")],
            Layer::default(),
            Err("map_tile_url"),
        );
        check(
            Some("max_photo_bytes = 0"),
            &[],
            Layer::default(),
            Err("max_photo_bytes"),
        );
    }
}
