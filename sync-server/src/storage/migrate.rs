//! Schema migrations: `.sql` files embedded at build time, applied in order, each once.
//!
//! A shipped migration is never edited; a change to the schema is a new file.

use super::StorageError;
use rusqlite::{Connection, TransactionBehavior};

/// `(version, name, sql)` in the order they apply.
pub const MIGRATIONS: &[(u32, &str, &str)] = &[
    (
        1,
        "accounts",
        include_str!("../../migrations/0001_accounts.sql"),
    ),
    (
        2,
        "documents",
        include_str!("../../migrations/0002_documents.sql"),
    ),
    (
        3,
        "reference",
        include_str!("../../migrations/0003_reference.sql"),
    ),
    (
        4,
        "photos",
        include_str!("../../migrations/0004_photos.sql"),
    ),
    (
        5,
        "reference_versions",
        include_str!("../../migrations/0005_reference_versions.sql"),
    ),
    (6, "cases", include_str!("../../migrations/0006_cases.sql")),
    (
        7,
        "intake",
        include_str!("../../migrations/0007_intake.sql"),
    ),
    (
        10,
        "tracks",
        include_str!("../../migrations/0010_tracks.sql"),
    ),
    (
        11,
        "vehicles",
        include_str!("../../migrations/0011_vehicles.sql"),
    ),
    (
        12,
        "device_pending",
        include_str!("../../migrations/0012_device_pending.sql"),
    ),
    (
        13,
        "security_events",
        include_str!("../../migrations/0013_security_events.sql"),
    ),
    (
        14,
        "vehicle_extras",
        include_str!("../../migrations/0014_vehicle_extras.sql"),
    ),
    (
        15,
        "open311_fields",
        include_str!("../../migrations/0015_open311_fields.sql"),
    ),
    (
        16,
        "case_yellow",
        include_str!("../../migrations/0016_case_yellow.sql"),
    ),
    (
        17,
        "login_failures",
        include_str!("../../migrations/0017_login_failures.sql"),
    ),
];

/// Applies every migration not yet recorded in `schema_migrations`, in list order, all in one
/// transaction.
/// Returns the versions it applied.
pub fn apply(conn: &mut Connection) -> Result<Vec<u32>, StorageError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )?;
    let current: u32 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let known = MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0);
    if current > known {
        return Err(StorageError::SchemaTooNew {
            found: current,
            known,
        });
    }
    // Versions are applied by set, not by "greater than the newest": migrations numbered in
    // separate ranges (0006… and 0010…) can land in either order.
    let recorded: Vec<u32> = tx
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| !recorded.contains(&m.0)) {
        tx.execute_batch(sql).map_err(|e| StorageError::Migration {
            version,
            reason: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (version, name, crate::clock::now().millis()),
        )?;
        applied.push(version);
    }
    tx.commit()?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied database migrations");
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migrations_apply_to_an_empty_database_and_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        let all: Vec<u32> = MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(apply(&mut conn).unwrap(), all);
        let first = tables(&conn);
        for expected in [
            "api_keys",
            "case_contacts",
            "cases",
            "category_tables",
            "components",
            "departments",
            "device_pending",
            "devices",
            "doc_readers",
            "docs",
            "meta",
            "open311_fields",
            "refusals",
            "schema_migrations",
            "security_events",
            "sessions",
            "unit_grids",
            "users",
            "work_grids",
        ] {
            assert!(first.iter().any(|t| t == expected), "missing {expected}");
        }
        assert_eq!(apply(&mut conn).unwrap(), Vec::<u32>::new());
        assert_eq!(tables(&conn), first);
    }

    #[test]
    fn versions_are_strictly_increasing_from_one() {
        // Ranges are handed out per area (0006–0009 case loop, 0010… tracks), so gaps are fine.
        assert_eq!(MIGRATIONS[0].0, 1);
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].1, pair[1].1);
        }
    }

    #[test]
    fn a_migration_numbered_below_the_newest_applied_one_still_applies() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        conn.execute_batch(
            "DROP TABLE case_contacts; DROP TABLE api_keys;
             DELETE FROM schema_migrations WHERE version = 7",
        )
        .unwrap();
        assert_eq!(apply(&mut conn).unwrap(), vec![7]);
        assert!(tables(&conn).contains(&"api_keys".to_string()));
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)",
            [],
        )
        .unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(StorageError::SchemaTooNew { found: 99, .. })
        ));
    }
}
