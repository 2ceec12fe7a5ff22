//! `cgt-server migrate-to-postgres`: an embedded installation into a deployment's stores — the
//! database file into PostgreSQL (table by table, counts and digests compared), and, when an
//! object store is configured, the photo folder into it (every photo the database records,
//! checked against its name after it is written), photos first. Both steps are restartable:
//! run again, they keep what is there and copy the rest.

use crate::photos::{FolderBlobs, ObjectBlobs, PhotoCopy, copy_photos};
use crate::settings::Settings;
use crate::storage::Storage;
use crate::storage::to_postgres::{self, TableCopy};
use anyhow::Context;

/// What a migration copied and checked.
#[derive(Debug)]
pub struct Migration {
    pub tables: Vec<TableCopy>,
    /// `None` when no object store is configured: the photos stay in the data folder.
    pub photos: Option<PhotoCopy>,
}

/// Copies the installation under `settings.data_dir` into the object store `settings`
/// configures, if any, then into the PostgreSQL database at `url`: photos first, so a database
/// that records a photo as stored never comes before its bytes (missing photos stop the
/// migration before any table is copied).
pub fn migrate(settings: &Settings, url: &str) -> anyhow::Result<Migration> {
    let photos = match settings.photo_store()? {
        None => None,
        Some(store_url) => {
            let recorded = Storage::open(&settings.data_dir)?.stored_photos()?;
            let from = FolderBlobs::open(&settings.data_dir)
                .with_context(|| format!("无法打开照片目录 {}", settings.data_dir.display()))?;
            let into = ObjectBlobs::open(settings, &store_url)?;
            let copied = copy_photos(&from, &into, &recorded)
                .with_context(|| format!("无法复制照片到 {store_url} (photo copy failed)"))?;
            copied.require_complete()?;
            Some(copied)
        }
    };
    let tables = to_postgres::copy(&settings.data_dir, url)?;
    Ok(Migration { tables, photos })
}
