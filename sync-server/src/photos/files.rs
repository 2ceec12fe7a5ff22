//! The blob folder `<data_dir>/photos`: stored photos at `ab/cd/<sha256>.jpg`, uploads under
//! way at `partial/<sha256>.part`, cached thumbnails at `thumbs/<sha256>.jpg`.
//!
//! Durability: bytes are fsynced before they are acknowledged; a photo moves into place by
//! rename (atomic) after its partial file was fsynced, and the directory is fsynced after, so a
//! photo the database calls stored is on disk whole.

use super::hash::PhotoHash;
use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const FOLDER: &str = "photos";
const PARTIAL: &str = "partial";
const THUMBS: &str = "thumbs";

pub struct Blobs {
    root: PathBuf,
}

impl Blobs {
    /// Opens (creating) the folder under `data_dir`.
    pub fn open(data_dir: &Path) -> io::Result<Blobs> {
        let root = data_dir.join(FOLDER);
        for dir in [root.clone(), root.join(PARTIAL), root.join(THUMBS)] {
            create_dir_durably(&dir)?;
        }
        Ok(Blobs { root })
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

    /// The length of the partial file, or `None` if there is none.
    pub fn partial_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>> {
        file_len(&self.partial_path(hash))
    }

    /// An empty partial file, durably created.
    pub fn begin_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        let path = self.partial_path(hash);
        File::create(&path)?.sync_all()?;
        sync_dir(parent(&path))
    }

    /// Writes `chunk` at `at`, dropping whatever unacknowledged bytes followed, and fsyncs.
    pub fn write_partial(&self, hash: &PhotoHash, at: u64, chunk: &[u8]) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .open(self.partial_path(hash))?;
        file.set_len(at)?;
        file.seek(SeekFrom::Start(at))?;
        file.write_all(chunk)?;
        file.sync_all()
    }

    pub fn partial_matches(&self, hash: &PhotoHash) -> io::Result<bool> {
        hash.matches_file(&self.partial_path(hash))
    }

    pub fn discard_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        remove_if_present(&self.partial_path(hash))
    }

    /// Moves the verified partial file into place.
    pub fn commit_partial(&self, hash: &PhotoHash) -> io::Result<()> {
        let target = self.stored_path(hash);
        let dir = parent(&target);
        create_dir_durably(dir)?;
        fs::rename(self.partial_path(hash), &target)?;
        sync_dir(dir)?;
        sync_dir(&self.root.join(PARTIAL))
    }

    /// The length of the stored photo's file, or `None` if there is none.
    pub fn stored_len(&self, hash: &PhotoHash) -> io::Result<Option<u64>> {
        file_len(&self.stored_path(hash))
    }

    pub fn stored_matches(&self, hash: &PhotoHash) -> io::Result<bool> {
        hash.matches_file(&self.stored_path(hash))
    }

    pub fn discard_stored(&self, hash: &PhotoHash) -> io::Result<()> {
        remove_if_present(&self.stored_path(hash))
    }

    /// Copies a stored photo into another blob folder (a backup): written beside its place,
    /// fsynced, renamed into place. `false` when this folder does not hold it.
    pub fn copy_stored_to(&self, other: &Blobs, hash: &PhotoHash) -> io::Result<bool> {
        let target = other.stored_path(hash);
        let dir = parent(&target);
        create_dir_durably(dir)?;
        let temp = target.with_extension("copy");
        match fs::copy(self.stored_path(hash), &temp) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
        File::open(&temp)?.sync_all()?;
        fs::rename(&temp, &target)?;
        sync_dir(dir)?;
        Ok(true)
    }

    pub fn read_stored(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>> {
        read_if_present(&self.stored_path(hash))
    }

    pub fn read_thumb(&self, hash: &PhotoHash) -> io::Result<Option<Vec<u8>>> {
        read_if_present(&self.thumb_path(hash))
    }

    /// Caches a thumbnail: written to a temporary file, fsynced, renamed into place. Two
    /// requests making the same thumbnail at once each rename a whole file.
    pub fn write_thumb(&self, hash: &PhotoHash, jpeg: &[u8]) -> io::Result<()> {
        let target = self.thumb_path(hash);
        let temp = target.with_extension(format!("{}.tmp", uuid::Uuid::new_v4().simple()));
        let mut file = File::create(&temp)?;
        file.write_all(jpeg)?;
        file.sync_all()?;
        fs::rename(&temp, &target)?;
        sync_dir(parent(&target))
    }
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
    use super::*;

    fn name(bytes: &[u8]) -> PhotoHash {
        use sha2::Digest;
        PhotoHash::try_from(hex::encode(sha2::Sha256::digest(bytes))).unwrap()
    }

    #[test]
    fn a_partial_file_grows_by_chunks_and_moves_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let photo = b"\xFF\xD8 a photo in three chunks";
        let hash = name(photo);
        assert_eq!(blobs.partial_len(&hash).unwrap(), None);
        blobs.begin_partial(&hash).unwrap();
        blobs.write_partial(&hash, 0, &photo[..10]).unwrap();
        blobs.write_partial(&hash, 10, &photo[10..20]).unwrap();
        // A crash left bytes that were never acknowledged: the next chunk overwrites them.
        blobs.write_partial(&hash, 20, b"garbage garbage").unwrap();
        blobs.write_partial(&hash, 20, &photo[20..]).unwrap();
        assert_eq!(blobs.partial_len(&hash).unwrap(), Some(photo.len() as u64));
        assert!(blobs.partial_matches(&hash).unwrap());

        blobs.commit_partial(&hash).unwrap();
        assert_eq!(blobs.partial_len(&hash).unwrap(), None);
        assert!(blobs.stored_matches(&hash).unwrap());
        assert_eq!(blobs.stored_len(&hash).unwrap(), Some(photo.len() as u64));
        assert_eq!(blobs.read_stored(&hash).unwrap().unwrap(), photo);
        let path = dir
            .path()
            .join(FOLDER)
            .join(&hash.as_str()[..2])
            .join(&hash.as_str()[2..4])
            .join(format!("{hash}.jpg"));
        assert!(path.is_file(), "{path:?}");
    }

    #[test]
    fn thumbnails_are_cached_whole() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let hash = name(b"x");
        assert_eq!(blobs.read_thumb(&hash).unwrap(), None);
        blobs.write_thumb(&hash, b"small").unwrap();
        blobs.write_thumb(&hash, b"small").unwrap();
        assert_eq!(blobs.read_thumb(&hash).unwrap().unwrap(), b"small");
        let entries = fs::read_dir(dir.path().join(FOLDER).join(THUMBS)).unwrap();
        assert_eq!(entries.count(), 1, "no temporary files left");
    }
}
