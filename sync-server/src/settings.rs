//! Server settings and where they come from: defaults, then a TOML file, then `CGT_*`
//! environment variables, then command-line flags (each layer overrides the one before),
//! combined by figment. Each setting is named once, as a field of [`Settings`]; its file key is
//! the field's name and its variable `CGT_` with the name in capitals.

use crate::demo::DemoScale;
use cgt_shared::gcj02::PositionSystem;
use figment::Figment;
use figment::providers::Serialized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
const DEFAULT_DATABASE_CONNECTIONS: usize = 8;
const MAX_DATABASE_CONNECTIONS: usize = 256;
const MAX_PHOTO_BYTES: u64 = 1 << 30;
/// The console as `npm run build` leaves it in this source tree.
pub const DEFAULT_CONSOLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/console/dist");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Folder holding `cgt.sqlite3` (the embedded database) and the photos.
    pub data_dir: PathBuf,
    /// A PostgreSQL database to use instead of the embedded one (`postgres://user@host/db` or
    /// `host=… dbname=…`); several server processes may share one.
    pub database_url: Option<String>,
    /// Connections this process opens to `database_url`.
    pub database_connections: usize,
    /// Seed the demo city on start when the database has no users.
    pub demo: bool,
    /// The demo city's size: `small` (432 unit grids, 5,000 components) or `seed` (the seed's
    /// 1,305 unit grids, 408,000 components and 130 inspectors).
    pub demo_scale: DemoScale,
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
    /// The system of those tiles: `wgs84` (Tianditu, OpenStreetMap) or `gcj02` (AMap,
    /// Tencent); over GCJ-02 tiles the console draws our WGS84 layers converted by the server.
    pub map_tile_system: PositionSystem,
    /// An S3-compatible object store for the photos instead of the data folder,
    /// `s3://bucket` or `s3://bucket/prefix`; several server processes may share one.
    pub photo_store_url: Option<String>,
    /// The object store's address (`http://127.0.0.1:3900` for a local Garage); none for AWS.
    pub photo_store_endpoint: Option<String>,
    /// The object store's region (default `us-east-1`).
    pub photo_store_region: Option<String>,
    pub photo_store_access_key_id: Option<String>,
    pub photo_store_secret_access_key: Option<String>,
    /// The city's survey coordinate system (an EPSG code such as `EPSG:4549`, or a PROJ string
    /// for its own system): exports asked for `crs=survey` use it, and `crs-check` by default.
    pub survey_crs: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: DEFAULT_LISTEN.parse().expect("the default address parses"),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            database_url: None,
            database_connections: DEFAULT_DATABASE_CONNECTIONS,
            demo: false,
            demo_scale: DemoScale::Small,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            token_ttl_days: DEFAULT_TOKEN_TTL_DAYS,
            categories_file: None,
            calendar_file: None,
            time_limits_file: None,
            max_photo_bytes: DEFAULT_MAX_PHOTO_BYTES,
            console_dir: PathBuf::from(DEFAULT_CONSOLE_DIR),
            map_tile_url: None,
            map_tile_system: PositionSystem::Wgs84,
            photo_store_url: None,
            photo_store_endpoint: None,
            photo_store_region: None,
            photo_store_access_key_id: None,
            photo_store_secret_access_key: None,
            survey_crs: None,
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
    pub fn load(config_file: Option<&Path>, flags: Flags) -> Result<Settings, ConfigError> {
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

    fn validate(&self) -> Result<(), ConfigError> {
        if !(MIN_BODY_BYTES..=MAX_BODY_BYTES).contains(&self.max_body_bytes) {
            return Err(invalid(
                "max_body_bytes",
                format!(
                    "{} 不在 {MIN_BODY_BYTES}…{MAX_BODY_BYTES} 之间",
                    self.max_body_bytes
                ),
            ));
        }
        if !(1..=MAX_DATABASE_CONNECTIONS).contains(&self.database_connections) {
            return Err(invalid(
                "database_connections",
                format!(
                    "{} 不在 1…{MAX_DATABASE_CONNECTIONS} 之间",
                    self.database_connections
                ),
            ));
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.contains('='))
        {
            return Err(invalid(
                "database_url",
                "应为 postgres://… 地址或 host=… dbname=… 形式".to_string(),
            ));
        }
        if !(1..=MAX_TOKEN_TTL_DAYS).contains(&self.token_ttl_days) {
            return Err(invalid(
                "token_ttl_days",
                format!("{} 不在 1…{MAX_TOKEN_TTL_DAYS} 之间", self.token_ttl_days),
            ));
        }
        if let Some(url) = &self.map_tile_url {
            let templated = ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
            if !(url.starts_with("http://") || url.starts_with("https://")) || !templated {
                return Err(invalid(
                    "map_tile_url",
                    format!("{url} 不是含 {{z}}/{{x}}/{{y}} 的 http(s) 地址"),
                ));
            }
        }
        self.photo_store()?;
        if let Some(crs) = &self.survey_crs
            && let Err(e) = crate::crs::Conversion::to_wgs84(crs)
        {
            return Err(invalid("survey_crs", e.to_string()));
        }
        if let Some(endpoint) = &self.photo_store_endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            return Err(invalid(
                "photo_store_endpoint",
                format!("{endpoint} 不是 http(s) 地址"),
            ));
        }
        if !(1..=MAX_PHOTO_BYTES).contains(&self.max_photo_bytes) {
            return Err(invalid(
                "max_photo_bytes",
                format!("{} 不在 1…{MAX_PHOTO_BYTES} 之间", self.max_photo_bytes),
            ));
        }
        Ok(())
    }
}

impl Settings {
    /// The object store the photos go to, if one is configured.
    pub fn photo_store(&self) -> Result<Option<PhotoStoreUrl>, ConfigError> {
        let Some(url) = &self.photo_store_url else {
            return Ok(None);
        };
        let parsed = PhotoStoreUrl::parse(url).ok_or_else(|| {
            invalid(
                "photo_store_url",
                format!("{url} 应为 s3://存储桶 或 s3://存储桶/前缀"),
            )
        })?;
        if self.photo_store_access_key_id.is_none() || self.photo_store_secret_access_key.is_none()
        {
            return Err(invalid(
                "photo_store_url",
                "对象存储需要 photo_store_access_key_id 和 photo_store_secret_access_key".into(),
            ));
        }
        Ok(Some(parsed))
    }
}

/// Where in an S3-compatible store the photos are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoStoreUrl {
    pub bucket: String,
    /// Without leading or trailing slashes; empty for the bucket's root.
    pub prefix: String,
}

impl PhotoStoreUrl {
    /// `s3://bucket` or `s3://bucket/some/prefix/`.
    pub fn parse(url: &str) -> Option<PhotoStoreUrl> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        let prefix = prefix.trim_matches('/');
        // Characters the object store keeps as written (others it would percent-encode, so
        // bucket policies naming the prefix would miss the photos).
        let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/');
        let valid_prefix = (prefix.is_empty()
            || prefix
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != ".."))
            && prefix.bytes().all(plain);
        (valid_bucket && valid_prefix).then(|| PhotoStoreUrl {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }
}

impl std::fmt::Display for PhotoStoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.prefix.as_str() {
            "" => write!(f, "s3://{}", self.bucket),
            prefix => write!(f, "s3://{}/{prefix}", self.bucket),
        }
    }
}

/// The settings the command line can give.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_scale: Option<DemoScale>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("无法读取配置文件 {path} ({reason})")]
    Read { path: PathBuf, reason: String },
    #[error("配置文件 {path} 格式错误 ({reason})")]
    Parse { path: PathBuf, reason: String },
    #[error("配置项 {key} (环境变量 {var}) 无效: {reason}")]
    Invalid {
        key: String,
        var: String,
        reason: String,
    },
}

/// Keys whose relative paths in the config file are taken from the file's folder.
const FILE_RELATIVE: [&str; 5] = [
    "data_dir",
    "categories_file",
    "calendar_file",
    "time_limits_file",
    "console_dir",
];

/// Every setting's key: the fields of [`Settings`], named there only.
pub fn keys() -> Vec<String> {
    match serde_json::to_value(Settings::default()) {
        Ok(serde_json::Value::Object(fields)) => fields.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The environment variable of a setting: `CGT_` and the key in capitals.
pub fn env_var(key: &str) -> String {
    format!("CGT_{}", key.to_ascii_uppercase())
}

/// Combines the layers (figment): defaults, the config file, `CGT_*` variables (an empty one
/// counts as unset), then `flags`. `file` is the config file's path and text; relative paths in
/// it are taken from the file's folder. Strings convert to numbers and booleans where the
/// setting needs one (`true/false`, `1/0`, `yes/no`, `on/off`).
pub fn resolve(
    file: Option<(&Path, &str)>,
    env: impl Fn(&str) -> Option<String>,
    flags: Flags,
) -> Result<Settings, ConfigError> {
    let mut layers = Figment::from(Serialized::defaults(Settings::default()));
    let known = keys();
    if let Some((path, text)) = file {
        let parse_error = |reason: String| ConfigError::Parse {
            path: path.to_path_buf(),
            reason,
        };
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| parse_error(e.to_string()))?;
        if let Some(unknown) = table.keys().find(|k| !known.contains(k)) {
            return Err(parse_error(format!("未知配置项 {unknown} (unknown key)")));
        }
        let base = path.parent().unwrap_or(Path::new(""));
        for key in FILE_RELATIVE {
            if let Some(toml::Value::String(value)) = table.get_mut(key) {
                *value = base.join(&*value).to_string_lossy().into_owned();
            }
        }
        layers = layers.merge(Serialized::globals(table));
    }
    let from_env: BTreeMap<String, String> = known
        .into_iter()
        .filter_map(|key| {
            let value = env(&env_var(&key)).filter(|v| !v.trim().is_empty())?;
            Some((key, value.trim().to_string()))
        })
        .collect();
    let settings: Settings = layers
        .merge(Serialized::globals(from_env))
        .merge(Serialized::globals(flags))
        .extract_lossy()
        .map_err(|e| {
            let key = e.path.first().cloned().unwrap_or_default();
            invalid(&key, e.kind.to_string())
        })?;
    settings.validate()?;
    Ok(settings)
}

fn invalid(key: &str, reason: String) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        var: env_var(key),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn check(
        file: Option<&str>,
        env: &[(&str, &str)],
        flags: Flags,
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
        check(None, &[], Flags::default(), Ok(Settings::default()));
        check(
            Some(
                "listen = \"0.0.0.0:9000\"\ndata_dir = \"db\"\ndemo = true\ncategories_file = \"/srv/cat.toml\"\nconsole_dir = \"ui\"\ncalendar_file = \"calendar.toml\"",
            ),
            &[("CGT_TIME_LIMITS_FILE", "/srv/limits.toml")],
            Flags::default(),
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
            Flags::default(),
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
            Flags {
                listen: Some("127.0.0.1:2".parse().unwrap()),
                demo: Some(true),
                ..Flags::default()
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
    fn each_setting_has_one_variable_and_the_relative_keys_are_settings() {
        let keys = keys();
        assert_eq!(keys.len(), 21);
        assert!(keys.iter().any(|k| env_var(k) == "CGT_MAP_TILE_SYSTEM"));
        assert!(keys.iter().any(|k| env_var(k) == "CGT_DEMO_SCALE"));
        assert!(keys.iter().any(|k| env_var(k) == "CGT_MAP_TILE_URL"));
        assert!(keys.iter().any(|k| env_var(k) == "CGT_DATABASE_URL"));
        assert!(
            keys.iter()
                .any(|k| env_var(k) == "CGT_PHOTO_STORE_SECRET_ACCESS_KEY")
        );
        assert!(
            FILE_RELATIVE
                .iter()
                .all(|k| keys.iter().any(|key| key == k))
        );
    }

    #[test]
    fn yes_no_on_off_and_empty_variables() {
        check(
            None,
            &[("CGT_DEMO", "yes"), ("CGT_DATA_DIR", "")],
            Flags::default(),
            Ok(with(|s| s.demo = true)),
        );
        check(
            None,
            &[("CGT_DEMO", "off")],
            Flags::default(),
            Ok(Settings::default()),
        );
    }

    #[test]
    fn bad_values_are_named() {
        check(Some("port = 1"), &[], Flags::default(), Err("port"));
        check(
            None,
            &[("CGT_DATABASE_URL", "mysql://db/cgt")],
            Flags::default(),
            Err("database_url"),
        );
        check(
            None,
            &[("CGT_DATABASE_CONNECTIONS", "0")],
            Flags::default(),
            Err("database_connections"),
        );
        check(Some("demo = [1]"), &[], Flags::default(), Err("CGT_DEMO"));
        check(Some("demo = "), &[], Flags::default(), Err("格式错误"));
        check(
            None,
            &[("CGT_DEMO", "maybe")],
            Flags::default(),
            Err("CGT_DEMO"),
        );
        check(
            None,
            &[("CGT_LISTEN", "here")],
            Flags::default(),
            Err("CGT_LISTEN"),
        );
        check(
            None,
            &[("CGT_TOKEN_TTL_DAYS", "0")],
            Flags::default(),
            Err("token_ttl_days"),
        );
        check(
            None,
            &[("CGT_MAX_BODY_BYTES", "10")],
            Flags::default(),
            Err("max_body_bytes"),
        );
        check(
            None,
            &[("CGT_MAP_TILE_URL", "ftp://tiles/{x}/{y}")],
            Flags::default(),
            Err("map_tile_url"),
        );
        check(
            Some("max_photo_bytes = 0"),
            &[],
            Flags::default(),
            Err("max_photo_bytes"),
        );
        check(
            None,
            &[("CGT_PHOTO_STORE_URL", "s3://photos/city")],
            Flags::default(),
            Err("photo_store_access_key_id"),
        );
        check(
            None,
            &[("CGT_PHOTO_STORE_ENDPOINT", "garage:3900")],
            Flags::default(),
            Err("photo_store_endpoint"),
        );
        check(
            Some("survey_crs = \"EPSG:0\""),
            &[],
            Flags::default(),
            Err("survey_crs"),
        );
    }

    #[test]
    fn photo_store_urls_name_a_bucket_and_a_prefix() {
        let parsed = |url: &str| PhotoStoreUrl::parse(url).map(|u| (u.bucket, u.prefix));
        assert_eq!(
            parsed("s3://cgt-photos"),
            Some(("cgt-photos".into(), "".into()))
        );
        assert_eq!(
            parsed("s3://cgt-photos/city/gusu/"),
            Some(("cgt-photos".into(), "city/gusu".into()))
        );
        assert_eq!(
            PhotoStoreUrl::parse("s3://cgt-photos/city/")
                .unwrap()
                .to_string(),
            "s3://cgt-photos/city"
        );
        for bad in [
            "",
            "cgt-photos",
            "https://x/y",
            "s3://",
            "s3://A_B",
            "s3://ok/a/../b",
            "s3://ok/城管",
            "s3://ok/a b",
        ] {
            assert_eq!(parsed(bad), None, "{bad}");
        }
    }
}
