//! Schema migrations of the PostgreSQL backend: `.sql` files under `migrations/postgres/`,
//! embedded at build time, applied in order, each once. Its first file creates the schema the
//! embedded migrations 0001–0016 build up; later changes are new files in both folders (0002
//! is the embedded 0017).
//! Processes starting at once take turns (an advisory lock), so each file runs once.

use super::super::StorageError;
use super::locks;
use postgres::Client;

/// `(version, name, sql)` in the order they apply.
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
        "schema",
        include_str!("../../../migrations/postgres/0001_schema.sql"),
    ),
    (
        2,
        "login_failures",
        include_str!("../../../migrations/postgres/0002_login_failures.sql"),
    ),
];

/// Applies every migration not yet recorded in `schema_migrations`, all in one transaction.
/// Returns the versions it applied.
pub(super) fn apply(client: &mut Client) -> Result<Vec<u32>, StorageError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&locks::MIGRATIONS])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )?;
    let recorded: Vec<i64> = tx
        .query("SELECT version FROM schema_migrations", &[])?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let known = MIGRATIONS.iter().map(|m| i64::from(m.0)).max().unwrap_or(0);
    if let Some(&found) = recorded.iter().max()
        && found > known
    {
        return Err(StorageError::SchemaTooNew {
            found: u32::try_from(found).unwrap_or(u32::MAX),
            known: u32::try_from(known).unwrap_or(u32::MAX),
        });
    }
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS
        .iter()
        .filter(|m| !recorded.contains(&i64::from(m.0)))
    {
        tx.batch_execute(sql).map_err(|e| StorageError::Migration {
            version,
            reason: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&i64::from(version), &name, &crate::clock::now().millis()],
        )?;
        applied.push(version);
    }
    tx.commit()?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied database migrations (postgres)");
    }
    Ok(applied)
}
