//! A consistent copy of the embedded database while the server runs (SQLite `VACUUM INTO`,
//! which reads one snapshot and writes a compacted file), and what a copy holds.

use super::{DB_FILE, Storage, StorageError, connect};
use std::path::Path;

/// What a database copy holds: enough to check it against the source and to copy its photos.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotContents {
    pub documents: u64,
    pub cases: u64,
    pub users: u64,
    /// The stored photos the copy records: SHA-256 names and sizes.
    pub photos: Vec<(String, u64)>,
}

impl Storage {
    /// Writes a consistent copy of the database to `<dir>/cgt.sqlite3` (replacing an older
    /// copy only once the new one is whole and passes SQLite's integrity check) and returns
    /// what it holds.
    pub fn snapshot_to(&self, dir: &Path) -> Result<SnapshotContents, StorageError> {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::DataDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let target = dir.join(DB_FILE);
        let partial = dir.join(format!("{DB_FILE}.partial"));
        let _ = std::fs::remove_file(&partial);
        let partial_text = partial
            .to_str()
            .ok_or_else(|| {
                StorageError::Corrupt(format!("path {} is not UTF-8", partial.display()))
            })?
            .to_string();
        self.read(move |c| Ok(c.execute("VACUUM INTO ?1", [partial_text])?))?;
        let contents = contents_of(&partial)?;
        let io = |source| StorageError::DataDir {
            path: target.clone(),
            source,
        };
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        std::fs::rename(&partial, &target).map_err(io)?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
        Ok(contents)
    }

    /// Every stored photo the database records: SHA-256 names and sizes.
    pub fn stored_photos(&self) -> Result<Vec<(String, u64)>, StorageError> {
        self.read(photo_list)
    }
}

/// Checks a database copy and reads what it holds.
fn contents_of(file: &Path) -> Result<SnapshotContents, StorageError> {
    let c = connect(file)?;
    let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StorageError::Corrupt(format!(
            "the copy {} fails its integrity check: {check}",
            file.display()
        )));
    }
    read_contents(&c)
}

fn read_contents(c: &rusqlite::Connection) -> Result<SnapshotContents, StorageError> {
    let count = |table: &str| -> Result<u64, StorageError> {
        Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(SnapshotContents {
        documents: count("docs")?,
        cases: count("cases")?,
        users: count("users")?,
        photos: photo_list(c)?,
    })
}

fn photo_list(c: &rusqlite::Connection) -> Result<Vec<(String, u64)>, StorageError> {
    let mut stmt = c.prepare("SELECT sha256, size FROM photos ORDER BY sha256")?;
    let photos = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
        .collect::<Result<_, _>>()?;
    Ok(photos)
}
