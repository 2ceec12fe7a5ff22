//! What every handler shares: settings, storage, the category table, the document locks and
//! the case loop's calendar and time limits.

use crate::caseflow::summary::Rules;
use crate::demo::{self, DemoError};
use crate::photos::PhotoStore;
use crate::settings::Settings;
use crate::storage::{Storage, StorageError};
use crate::sync::locks::DocLocks;
use cgt_shared::CategoryTable;
use cgt_shared::caseflow::calendar::WorkCalendar;
use cgt_shared::caseflow::limits::TimeLimits;
use cgt_shared::category::CategoryError;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("无法读取类别表 {path} ({reason})")]
    CategoriesFile { path: PathBuf, reason: String },
    #[error("类别表 {path} 无效 ({source})")]
    Categories {
        path: PathBuf,
        source: CategoryError,
    },
    #[error(transparent)]
    Demo(#[from] DemoError),
}

/// Cheap to clone; handlers get it through axum's `State`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    storage: Storage,
    table: CategoryTable,
    locks: DocLocks,
    photos: PhotoStore,
    calendar: WorkCalendar,
    limits: TimeLimits,
}

impl AppState {
    /// Opens and migrates storage, loads the category table, and seeds the demo city when
    /// `settings.demo` is set and the database has no users. Blocking.
    pub fn open(settings: Settings) -> Result<AppState, StartError> {
        let table = load_categories(&settings)?;
        let storage = Storage::open(&settings.data_dir)?;
        if settings.demo
            && let Some(summary) = demo::seed(&storage)?
        {
            tracing::info!(
                users = summary.users,
                departments = summary.departments,
                unit_grids = summary.unit_grids,
                work_grids = summary.work_grids,
                components = summary.components,
                "seeded the demo city"
            );
        }
        storage.record_categories(&table)?;
        let photos = PhotoStore::open(&settings.data_dir, settings.max_photo_bytes)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                settings,
                storage,
                table,
                locks: DocLocks::default(),
                photos,
                calendar: WorkCalendar::builtin(),
                limits: TimeLimits::builtin(),
            }),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn storage(&self) -> &Storage {
        &self.inner.storage
    }

    pub(crate) fn table(&self) -> &CategoryTable {
        &self.inner.table
    }

    pub(crate) fn locks(&self) -> &DocLocks {
        &self.inner.locks
    }

    pub(crate) fn photos(&self) -> &PhotoStore {
        &self.inner.photos
    }

    /// The working calendar and time limits of the case loop.
    pub(crate) fn rules(&self) -> Rules<'_> {
        Rules {
            calendar: &self.inner.calendar,
            limits: &self.inner.limits,
        }
    }
}

fn load_categories(settings: &Settings) -> Result<CategoryTable, StartError> {
    let Some(path) = &settings.categories_file else {
        return Ok(CategoryTable::builtin().clone());
    };
    let text = std::fs::read_to_string(path).map_err(|e| StartError::CategoriesFile {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    CategoryTable::from_toml(&text).map_err(|source| StartError::Categories {
        path: path.clone(),
        source,
    })
}
