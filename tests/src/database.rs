//! Which database a test server uses: the embedded file by default; with `CGT_TEST_POSTGRES`
//! set (a connection string without a database name, e.g. `host=/var/run/postgresql
//! user=root`), a PostgreSQL database of its own per data folder, created on first use and
//! kept for restarts of the same folder. `scripts/test.sh` runs the suite both ways. Beside
//! PostgreSQL, with `CGT_TEST_PHOTO_STORE` set to a bucket (`s3://cgt-tests`), the photos of
//! each data folder go to a prefix of their own in that object store, whose address and keys
//! are the server's own `CGT_PHOTO_STORE_*` variables.

use cgt_server::Settings;
use postgres::NoTls;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The variable naming the PostgreSQL server the suite runs against.
pub const POSTGRES_VAR: &str = "CGT_TEST_POSTGRES";
/// The variable naming the bucket the suite keeps photos in beside PostgreSQL.
pub const PHOTO_STORE_VAR: &str = "CGT_TEST_PHOTO_STORE";
/// The server's variables for the object store other than its URL, passed on as they are.
const PHOTO_STORE_KEYS: [&str; 4] = [
    "photo_store_endpoint",
    "photo_store_region",
    "photo_store_access_key_id",
    "photo_store_secret_access_key",
];
/// Prefix of every database the suite creates (`scripts/test.sh` drops them before a run).
pub const DATABASE_PREFIX: &str = "cgt_t_";
/// Connections each test server opens: several servers run at once in one test.
const CONNECTIONS: usize = 3;

/// The PostgreSQL database of `data_dir` when the suite runs against PostgreSQL.
pub fn database_url(data_dir: &Path) -> anyhow::Result<Option<String>> {
    let base = match std::env::var(POSTGRES_VAR) {
        Ok(base) if !base.trim().is_empty() => base,
        _ => return Ok(None),
    };
    let name = format!("{DATABASE_PREFIX}{}", folder_key(data_dir));
    let admin_url = format!("{base} dbname=postgres");
    let create = name.clone();
    // The blocking driver runs its own runtime: keep it off any caller's.
    std::thread::spawn(move || -> anyhow::Result<()> {
        let mut admin = postgres::Client::connect(&admin_url, NoTls)?;
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&create])?
            .is_some();
        if !exists {
            admin.batch_execute(&format!("CREATE DATABASE {create}"))?;
        }
        Ok(())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("creating the test database panicked"))??;
    Ok(Some(format!("{base} dbname={name}")))
}

/// A short name of a data folder, the same for each run of the suite.
fn folder_key(data_dir: &Path) -> String {
    let digest = Sha256::digest(data_dir.to_string_lossy().as_bytes());
    hex::encode(digest)[..16].to_string()
}

/// The object store of `data_dir`'s photos when the suite runs against PostgreSQL and an
/// object store.
pub fn photo_store_url(data_dir: &Path) -> Option<String> {
    std::env::var(POSTGRES_VAR)
        .ok()
        .filter(|v| !v.trim().is_empty())?;
    let bucket = std::env::var(PHOTO_STORE_VAR).ok()?;
    let bucket = bucket.trim().trim_end_matches('/');
    (!bucket.is_empty()).then(|| format!("{bucket}/{}", folder_key(data_dir)))
}

/// Test settings for a server on `data_dir`, on PostgreSQL (and an object store) when the
/// suite runs against it.
pub fn test_settings(data_dir: &Path) -> anyhow::Result<Settings> {
    let mut settings = Settings::for_test(data_dir);
    settings.database_url = database_url(data_dir)?;
    settings.database_connections = CONNECTIONS;
    settings.photo_store_url = photo_store_url(data_dir);
    if settings.photo_store_url.is_some() {
        let var = |key: &str| std::env::var(cgt_server::settings::env_var(key)).ok();
        settings.photo_store_endpoint = var(PHOTO_STORE_KEYS[0]);
        settings.photo_store_region = var(PHOTO_STORE_KEYS[1]);
        settings.photo_store_access_key_id = var(PHOTO_STORE_KEYS[2]);
        settings.photo_store_secret_access_key = var(PHOTO_STORE_KEYS[3]);
    }
    Ok(settings)
}

/// Where the photos of a server on `data_dir` are kept, opened as the server opens it.
pub fn photo_blobs(data_dir: &Path) -> anyhow::Result<Box<dyn cgt_server::PhotoBlobs>> {
    Ok(cgt_server::open_blobs(&test_settings(data_dir)?)?)
}

/// The environment a server process on `data_dir` needs for its database and photos (the
/// object store's address and keys it inherits).
pub fn server_env(data_dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut env = Vec::new();
    if let Some(url) = database_url(data_dir)? {
        env.push(("CGT_DATABASE_URL".to_string(), url));
        env.push((
            "CGT_DATABASE_CONNECTIONS".to_string(),
            CONNECTIONS.to_string(),
        ));
    }
    env.extend(photo_env(data_dir));
    Ok(env)
}

/// The variable pointing a process at `data_dir`'s object store, if the suite uses one.
pub fn photo_env(data_dir: &Path) -> Option<(String, String)> {
    photo_store_url(data_dir).map(|url| ("CGT_PHOTO_STORE_URL".to_string(), url))
}
