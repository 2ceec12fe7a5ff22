//! The photo folder `<data_dir>/photos`, the embedded default of [`PhotoBlobs`]: stored photos
//! at `ab/cd/<sha256>.jpg`, uploads under way at `partial/<sha256>.part`, cached thumbnails at
//! `thumbs/<sha256>.jpg`.
//!
//! Durability: bytes are fsynced before they are acknowledged; a photo moves into place by
//! rename (atomic) after its partial file was fsynced, and the directory is fsynced after, so a
//! photo the database calls stored is on disk whole.

use super::blobs::PhotoBlobs;
use super::hash::PhotoHash;
use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const FOLDER: &str = "photos";
const PARTIAL: &str = "partial";
const THUMBS: &str = "thumbs";

pub struct FolderBlobs {
    root: PathBuf,
}

impl FolderBlobs {
    /// Opens (creating) the folder under `data_dir`.
    pub fn open(data_dir: &Path) -> io::Result<FolderBlobs> {
        let root = data_dir.join(FOLDER);
        for dir in [root.clone(), root.join(PARTIAL), root.join(THUMBS)] {
            create_dir_durably(&dir)?;
        }
        Ok(FolderBlobs { root })
    }

    fn stored_path(&self, hash: &PhotoHash) -> PathBuf {
        let name = hash.as_str();
        self.root
            .join(&name[..2])
            .join(&name[2..4])
            .join(format!("{name}.jpg"))
    }

    fn partial_path(&self, hash: &PhotoHash) -> PathBuf {
        self.root.join(PARTIAL).join(format!("{hash}.part"))
    }

    fn thumb_path(&self, hash: &PhotoHash) -> PathBuf {
        self.root.join(THUMBS).join(format!("{hash}.jpg"))
    }

    /// Moves the verified partial file into place.
    fn commit_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        let target = self.stored_path(hash);
        let dir = parent(&target);
        create_dir_durably(dir)?;
        fs::rename(self.partial_path(hash), &target)?;
        sync_dir(dir)?;
        sync_dir(&self.root.join(PARTIAL))
    }
}

impl PhotoBlobs for FolderBlobs {
    fn partial_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>> {
        file_len(&self.partial_path(hash))
    }

    fn begin_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        let path = self.partial_path(hash);
        File::create(&path)?.sync_all()?;
        sync_dir(parent(&path))
    }

    fn write_partial(&self, hash: &PhotoHash, at: u64, chunk: &[u8]) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .open(self.partial_path(hash))?;
        file.set_len(at)?;
        file.seek(SeekFrom::Start(at))?;
        file.write_all(chunk)?;
        file.sync_all()
    }

    fn seal_partial(&self, hash: &PhotoHash, size: u64) -> io::Result<bool> {
        if self.partial_len(hash)? != Some(size) {
            return Err(incomplete(hash, size));
        }
        if hash.matches_file(&self.partial_path(hash))? {
            self.commit_partial(hash)?;
            Ok(true)
        } else {
            remove_if_present(&self.partial_path(hash))?;
            Ok(false)
        }
    }

    fn stored_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>> {
        file_len(&self.stored_path(hash))
    }

    fn stored_matches(&self, hash: &PhotoHash) -> io::Result<bool> {
        match hash.matches_file(&self.stored_path(hash)) {
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            other => other,
        }
    }

    fn read_stored(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>> {
        read_if_present(&self.stored_path(hash))
    }

    /// Written beside its place, fsynced, renamed into place.
    fn put_stored(&self, hash: &PhotoHash, bytes: &[u8]) -> io::Result<()> {
        write_whole(&self.stored_path(hash), bytes)
    }

    fn discard_stored(&self, hash: &PhotoHash) -> io::Result<()> {
        remove_if_present(&self.stored_path(hash))
    }

    fn read_thumb(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>> {
        read_if_present(&self.thumb_path(hash))
    }

    fn write_thumb(&self, hash: &PhotoHash, jpeg: &[u8]) -> io::Result<()> {
        write_whole(&self.thumb_path(hash), jpeg)
    }
}

/// An upload whose held bytes fall short of its size when it should be whole.
pub(super) fn incomplete(hash: &PhotoHash, size: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("upload of {hash} holds fewer than its {size} bytes"),
    )
}

/// Writes `bytes` to a temporary file beside `target`, fsyncs it and renames it into place, so
/// readers see the whole file or none, and two writers at once each rename a whole file.
fn write_whole(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent(target);
    create_dir_durably(dir)?;
    let temp = target.with_extension(format!("{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut file = File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temp, target)?;
    sync_dir(dir)
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

/// Creates `dir` and any missing parents, fsyncing each parent so the new entries survive.
fn create_dir_durably(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    create_dir_durably(parent(dir))?;
    match fs::create_dir(dir) {
        Ok(()) => sync_dir(parent(dir)),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn file_len(path: &Path) -> io::Result<Option<u64>> {
    match fs::metadata(path) {
        Ok(meta) => Ok(Some(meta.len())),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn read_if_present(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::super::blobs::contract;
    use super::*;

    #[test]
    fn the_folder_keeps_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        contract::check(&FolderBlobs::open(dir.path()).unwrap());
    }

    #[test]
    fn stored_photos_are_spread_over_two_levels_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = FolderBlobs::open(dir.path()).unwrap();
        let photo = b"\xFF\xD8 a photo";
        let hash = contract::name(photo);
        blobs.begin_partial(&hash).unwrap();
        blobs.write_partial(&hash, 0, photo).unwrap();
        assert!(blobs.seal_partial(&hash, photo.len() as u64).unwrap());
        blobs.write_thumb(&hash, b"small").unwrap();
        let path = dir
            .path()
            .join(FOLDER)
            .join(&hash.as_str()[..2])
            .join(&hash.as_str()[2..4])
            .join(format!("{hash}.jpg"));
        assert!(path.is_file(), "{path:?}");
        let thumbs = fs::read_dir(dir.path().join(FOLDER).join(THUMBS)).unwrap();
        assert_eq!(thumbs.count(), 1, "no temporary files left");
        let partial = fs::read_dir(dir.path().join(FOLDER).join(PARTIAL)).unwrap();
        assert_eq!(partial.count(), 0);
    }
}
