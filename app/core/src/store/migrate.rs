//! Schema migrations: the `.sql` files of `migrations/`, applied in order, version in
//! `PRAGMA user_version`. A shipped migration is never edited; a change is a new file. Each
//! carries its file's number, so numbers reserved by work in progress may be missing.

use crate::error::ClientError;
use rusqlite::Connection;

const MIGRATIONS: &[(usize, &str)] = &[
    (1, include_str!("../../migrations/0001_init.sql")),
    (2, include_str!("../../migrations/0002_photos.sql")),
    (3, include_str!("../../migrations/0003_reference.sql")),
    (5, include_str!("../../migrations/0005_tracks.sql")),
];

pub(super) fn apply(conn: &mut Connection) -> Result<(), ClientError> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for &(version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_record_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(Some(version), MIGRATIONS.last().map(|m| m.0));
    }
}
