//! Photos into a backup folder: each photo a database copy records and the backup lacks (or
//! holds at another size) is copied and checked against its name. Photos never change once
//! stored, so a repeated backup copies only the new ones.

use super::PhotoHash;
use super::files::Blobs;
use std::io;
use std::path::Path;

/// What copying the photos did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoCopy {
    pub copied: u64,
    pub bytes_copied: u64,
    pub already_there: u64,
    /// Recorded as stored, but not in the data folder (or not matching their name there).
    pub missing: Vec<String>,
}

/// Copies the `photos` (SHA-256 name, size) from `data_dir`'s photo folder into `backup_dir`'s.
pub fn copy_photos(
    data_dir: &Path,
    backup_dir: &Path,
    photos: &[(String, u64)],
) -> io::Result<PhotoCopy> {
    let (from, into) = (Blobs::open(data_dir)?, Blobs::open(backup_dir)?);
    let mut done = PhotoCopy::default();
    for (name, size) in photos {
        let Ok(hash) = PhotoHash::try_from(name.clone()) else {
            done.missing.push(name.clone());
            continue;
        };
        if into.stored_len(&hash)? == Some(*size) {
            done.already_there += 1;
            continue;
        }
        if from.copy_stored_to(&into, &hash)? && into.stored_matches(&hash)? {
            done.copied += 1;
            done.bytes_copied += size;
        } else {
            into.discard_stored(&hash)?;
            done.missing.push(name.clone());
        }
    }
    Ok(done)
}
