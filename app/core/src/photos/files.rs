//! The photo folder beside the database, `photos/<sha256>.jpg`. A photo is written durably
//! (temporary file, fsync, rename, fsync of the folder) before it is queued, so a queued photo
//! is always on disk whole.

use crate::error::ClientError;
use cgt_shared::report::PhotoRef;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

pub(crate) struct PhotoFolder {
    dir: PathBuf,
}

/// Lower-case hex SHA-256: the name of a photo.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn file_error(e: std::io::Error) -> ClientError {
    ClientError::PhotoFile(e.to_string())
}

impl PhotoFolder {
    /// The folder `photos` beside the database file `db_path`.
    pub(crate) fn beside(db_path: &Path) -> PhotoFolder {
        let parent = db_path.parent().unwrap_or(Path::new("."));
        PhotoFolder {
            dir: parent.join("photos"),
        }
    }

    /// The file of a photo; `None` for a malformed name, which never names a file.
    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let name = PhotoRef {
            sha256: sha256.to_string(),
        };
        name.is_valid()
            .then(|| self.dir.join(format!("{sha256}.jpg")))
    }

    /// Stores `bytes` under their SHA-256 `sha256`, durably. A photo already there is kept.
    pub(crate) fn write(&self, sha256: &str, bytes: &[u8]) -> Result<(), ClientError> {
        let target = self
            .path(sha256)
            .ok_or_else(|| ClientError::InvalidPhoto(format!("照片摘要无效: {sha256}")))?;
        if self.read(sha256)?.is_some_and(|held| held == bytes) {
            return Ok(());
        }
        if !self.dir.is_dir() {
            fs::create_dir_all(&self.dir).map_err(file_error)?;
            sync_dir(self.dir.parent().unwrap_or(Path::new(".")))?;
        }
        let temp = self
            .dir
            .join(format!("{sha256}.{}.tmp", uuid::Uuid::new_v4().simple()));
        let mut file = File::create(&temp).map_err(file_error)?;
        file.write_all(bytes).map_err(file_error)?;
        file.sync_all().map_err(file_error)?;
        fs::rename(&temp, &target).map_err(file_error)?;
        sync_dir(&self.dir)
    }

    /// The photo's bytes, if this device holds it.
    pub(crate) fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>, ClientError> {
        let Some(path) = self.path(sha256) else {
            return Ok(None);
        };
        match fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(file_error(e)),
        }
    }
}

fn sync_dir(dir: &Path) -> Result<(), ClientError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(file_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_stored_under_its_hash_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let folder = PhotoFolder::beside(&dir.path().join("cgt.db"));
        let bytes = b"\xFF\xD8 photo".to_vec();
        let name = sha256_hex(&bytes);
        assert_eq!(folder.read(&name).unwrap(), None);
        folder.write(&name, &bytes).unwrap();
        folder.write(&name, &bytes).unwrap();
        assert_eq!(folder.read(&name).unwrap(), Some(bytes));
        assert!(
            dir.path()
                .join("photos")
                .join(format!("{name}.jpg"))
                .is_file()
        );
        let files = fs::read_dir(dir.path().join("photos")).unwrap().count();
        assert_eq!(files, 1, "no temporary file left");
    }

    #[test]
    fn malformed_names_never_reach_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let folder = PhotoFolder::beside(&dir.path().join("cgt.db"));
        assert_eq!(folder.read("../cgt.db").unwrap(), None);
        assert!(folder.write("../x", b"x").is_err());
        assert!(folder.read(&"A".repeat(64)).unwrap().is_none());
    }
}
