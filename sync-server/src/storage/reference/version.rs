//! The global reference version kept in `meta`: every reference row carries the version at
//! which it last changed, so a device asks for what changed after the version it holds.

use crate::storage::StorageError;
use rusqlite::Connection;

const KEY: &str = "reference_version";

pub(crate) fn current(c: &Connection) -> Result<u64, StorageError> {
    let value: i64 = c.query_row("SELECT value FROM meta WHERE key = ?1", [KEY], |r| r.get(0))?;
    u64::try_from(value).map_err(|_| StorageError::Corrupt(format!("{KEY} = {value}")))
}

/// Moves the version on by one and returns it. Called inside the write transaction whose rows
/// then carry it, so a reader never sees the new version without the rows or the reverse.
pub(crate) fn bump(c: &Connection) -> Result<u64, StorageError> {
    let value: i64 = c.query_row(
        "UPDATE meta SET value = value + 1 WHERE key = ?1 RETURNING value",
        [KEY],
        |r| r.get(0),
    )?;
    u64::try_from(value).map_err(|_| StorageError::Corrupt(format!("{KEY} = {value}")))
}

/// A version as SQLite stores it.
pub(crate) fn to_sql(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_from_before_versions_gets_outlines_from_its_bounding_boxes() {
        let c = Connection::open_in_memory().unwrap();
        for sql in [
            include_str!("../../../migrations/0001_accounts.sql"),
            include_str!("../../../migrations/0002_documents.sql"),
            include_str!("../../../migrations/0003_reference.sql"),
        ] {
            c.execute_batch(sql).unwrap();
        }
        c.execute_batch(
            "INSERT INTO work_grids (code, name) VALUES ('320508001001901', 'w');
             INSERT INTO unit_grids VALUES ('320508001001001', '001', 's', '001', 'c',
               '320508001001901', 120.585, 31.3277778, 120.5875, 31.33);",
        )
        .unwrap();
        c.execute_batch(include_str!(
            "../../../migrations/0005_reference_versions.sql"
        ))
        .unwrap();
        let (polygon, row_version): (String, i64) = c
            .query_row("SELECT polygon, version FROM unit_grids", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let ring: Vec<[f64; 2]> = serde_json::from_str(&polygon).unwrap();
        assert_eq!(
            ring,
            [
                [120.585, 31.33],
                [120.5875, 31.33],
                [120.5875, 31.3277778],
                [120.585, 31.3277778],
                [120.585, 31.33]
            ]
        );
        assert_eq!((row_version, current(&c).unwrap()), (1, 1));
        assert_eq!(bump(&c).unwrap(), 2);
        assert_eq!(current(&c).unwrap(), 2);
    }
}
