//! `cgt-server migrate-to-postgres`: an embedded installation into a deployment's stores — the
//! database file into PostgreSQL (table by table, counts and digests compared), and, when an
//! object store is configured, the photo folder into it (every photo the database records,
//! checked against its name after it is written). Both steps are restartable: run again, they
//! keep what is there and copy the rest.

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

/// Copies the installation under `settings.data_dir` into the PostgreSQL database at `url`
/// and into the object store `settings` configures, if any.
pub fn migrate(settings: &Settings, url: &str) -> anyhow::Result<Migration> {
    let tables = to_postgres::copy(&settings.data_dir, url)?;
    let Some(store_url) = settings.photo_store()? else {
        return Ok(Migration {
            tables,
            photos: None,
        });
    };
    let recorded = Storage::open(&settings.data_dir)?.stored_photos()?;
    let from = FolderBlobs::open(&settings.data_dir)
        .with_context(|| format!("无法打开照片目录 {}", settings.data_dir.display()))?;
    let into = ObjectBlobs::open(settings, &store_url)?;
    let photos = copy_photos(&from, &into, &recorded)
        .with_context(|| format!("无法复制照片到 {store_url} (photo copy failed)"))?;
    Ok(Migration {
        tables,
        photos: Some(photos),
    })
}
