//! `cgt-server backup`: a copy of an embedded installation that is itself a data folder — the
//! database copied consistently while the server keeps serving, then every photo that copy
//! records, verified by its hash. Run it again to bring a backup up to date: only new photos
//! are copied. To restore, stop the server and serve from the backup folder (or copy it back).

use crate::photos::{FolderBlobs, PhotoCopy, copy_photos};
use crate::storage::{DB_FILE, SnapshotContents, Storage};
use anyhow::Context;
use std::path::Path;

/// What a backup holds and what this run copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    pub database: SnapshotContents,
    pub photos: PhotoCopy,
}

/// Backs up the installation under `data_dir` into `to`.
pub fn backup(data_dir: &Path, to: &Path) -> anyhow::Result<BackupReport> {
    // Opening would create an empty database: a mistyped folder must not back up nothing.
    anyhow::ensure!(
        data_dir.join(DB_FILE).is_file(),
        "{} 中没有数据库 {DB_FILE} (no database in the data folder)",
        data_dir.display()
    );
    let storage = Storage::open(data_dir)
        .with_context(|| format!("无法打开数据库 {} (cannot open)", data_dir.display()))?;
    let database = storage
        .snapshot_to(to)
        .with_context(|| format!("无法复制数据库到 {} (database copy failed)", to.display()))?;
    let photos = FolderBlobs::open(data_dir)
        .and_then(|from| copy_photos(&from, &FolderBlobs::open(to)?, &database.photos))
        .with_context(|| format!("无法复制照片到 {} (photo copy failed)", to.display()))?;
    Ok(BackupReport { database, photos })
}
