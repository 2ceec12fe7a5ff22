//! Which database a test server uses: the embedded file by default; with `CGT_TEST_POSTGRES`
//! set (a connection string without a database name, e.g. `host=/var/run/postgresql
//! user=root`), a PostgreSQL database of its own per data folder, created on first use and
//! kept for restarts of the same folder. `scripts/test.sh` runs the suite both ways.

use cgt_server::Settings;
use postgres::NoTls;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The variable naming the PostgreSQL server the suite runs against.
pub const POSTGRES_VAR: &str = "CGT_TEST_POSTGRES";
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
    let digest = Sha256::digest(data_dir.to_string_lossy().as_bytes());
    let name = format!("{DATABASE_PREFIX}{}", &hex::encode(digest)[..16]);
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

/// Test settings for a server on `data_dir`, on PostgreSQL when the suite runs against it.
pub fn test_settings(data_dir: &Path) -> anyhow::Result<Settings> {
    let mut settings = Settings::for_test(data_dir);
    settings.database_url = database_url(data_dir)?;
    settings.database_connections = CONNECTIONS;
    Ok(settings)
}

/// The environment a server process on `data_dir` needs for its database.
pub fn server_env(data_dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    Ok(match database_url(data_dir)? {
        Some(url) => vec![
            ("CGT_DATABASE_URL".to_string(), url),
            (
                "CGT_DATABASE_CONNECTIONS".to_string(),
                CONNECTIONS.to_string(),
            ),
        ],
        None => Vec::new(),
    })
}
