//! Photos from one home into another (a backup folder, or the data folder into an object
//! store): each photo a database records that the target lacks (or holds at another size) is
//! read, checked against its name, written, and read back and checked again. Photos never
//! change once stored, so a repeated copy only copies the new ones, and a copy cut short is
//! simply run again.

use super::PhotoHash;
use super::blobs::PhotoBlobs;
use std::io;

/// What copying the photos did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoCopy {
    pub copied: u64,
    pub bytes_copied: u64,
    pub already_there: u64,
    /// Recorded as stored, but not in the source (or not matching their name there).
    pub missing: Vec<String>,
}

impl PhotoCopy {
    /// What this run copied, as the commands print it.
    pub fn summary(&self) -> String {
        format!(
            "本次复制 {} 张 {:.1} MB, 已有 {} 张",
            self.copied,
            self.bytes_copied as f64 / 1_048_576.0,
            self.already_there
        )
    }

    /// Fails, naming them, if photos the database records could not be copied whole.
    pub fn require_complete(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.missing.is_empty(),
            "{} 张照片在数据目录中缺失或损坏,未能复制 (photos missing or damaged in the data folder): {}",
            self.missing.len(),
            self.missing.join(", ")
        );
        Ok(())
    }
}

/// Copies the `photos` (SHA-256 name, size) from `from` into `into`.
pub fn copy_photos(
    from: &dyn PhotoBlobs,
    into: &dyn PhotoBlobs,
    photos: &[(String, u64)],
) -> io::Result<PhotoCopy> {
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
        let bytes = from
            .read_stored(&hash)?
            .filter(|bytes| bytes.len() as u64 == *size && PhotoHash::of_bytes(bytes) == hash);
        let Some(bytes) = bytes else {
            done.missing.push(name.clone());
            continue;
        };
        into.put_stored(&hash, &bytes)?;
        if into.stored_matches(&hash)? {
            done.copied += 1;
            done.bytes_copied += size;
        } else {
            into.discard_stored(&hash)?;
            done.missing.push(name.clone());
        }
    }
    Ok(done)
}
