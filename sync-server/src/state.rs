//! What every handler shares: settings, storage, the category table, the document locks and
//! the case loop's calendar and time limits.

use crate::caseflow::summary::Rules;
use crate::demo::{self, DemoError};
use crate::guard::{KeyGuard, LoginGuard};
use crate::photos::{PhotoStore, PhotoStoreError};
use crate::settings::Settings;

use crate::storage::{StorageError, Store, open_store};
use crate::sync::locks::{DocGuard, DocLocks};
use cgt_shared::CategoryTable;
use cgt_shared::DocId;
use cgt_shared::caseflow::calendar::WorkCalendar;
use cgt_shared::caseflow::limits::{TimeLimits, yellow_at};
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
    #[error("工作日历或处置时限文件 {path} 无效 ({reason})")]
    RulesFile { path: PathBuf, reason: String },
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error(transparent)]
    Photos(#[from] PhotoStoreError),
}

/// Password checks (argon2, 19 MiB each) that run at once: one, so a login flood keeps the
/// other core for sync and reads.
const PASSWORD_HASHERS: usize = 1;

/// Cheap to clone; handlers get it through axum's `State`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    storage: Arc<dyn Store>,
    table: CategoryTable,
    locks: DocLocks,
    photos: PhotoStore,
    calendar: WorkCalendar,
    limits: TimeLimits,
    logins: LoginGuard,
    keys: KeyGuard,
}

impl AppState {
    /// Opens and migrates storage, loads the category table, and seeds the demo city when
    /// `settings.demo` is set and the database has no users. Blocking.
    pub fn open(settings: Settings) -> Result<AppState, StartError> {
        let table = load_categories(&settings)?;
        let storage = open_store(&settings)?;
        if settings.demo
            && let Some(summary) = demo::seed(storage.as_ref(), settings.demo_scale)?
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
        let photos = PhotoStore::open(&settings)?;
        let calendar = load_rules(&settings.calendar_file, WorkCalendar::builtin, |text| {
            WorkCalendar::from_toml(text).map_err(|e| e.to_string())
        })?;
        let limits = load_rules(&settings.time_limits_file, TimeLimits::builtin, |text| {
            TimeLimits::from_toml(text).map_err(|e| e.to_string())
        })?;
        let filled =
            storage.fill_step_yellow(&|deadline, limit| yellow_at(&calendar, deadline, limit))?;
        if filled > 0 {
            tracing::info!(cases = filled, "filled in when running steps turn yellow");
        }
        Ok(AppState {
            inner: Arc::new(Inner {
                settings,
                storage,
                table,
                locks: DocLocks::default(),
                photos,
                calendar,
                limits,
                logins: LoginGuard::new(PASSWORD_HASHERS),
                keys: KeyGuard::default(),
            }),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn storage(&self) -> &dyn Store {
        self.inner.storage.as_ref()
    }

    /// The store, to move into a blocking task.
    pub(crate) fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.inner.storage)
    }

    pub(crate) fn table(&self) -> &CategoryTable {
        &self.inner.table
    }

    /// Holds documents from loading them until their new versions are committed: the
    /// in-process stripes, then the store's lease against other processes.
    pub(crate) fn lock_docs(&self, ids: &[DocId]) -> Result<DocGuard<'_>, StorageError> {
        let local = self.inner.locks.lock_all(ids.iter().copied());
        let lease = self.inner.storage.lease_docs(ids)?;
        Ok(DocGuard::new(local, lease))
    }

    pub(crate) fn photos(&self) -> &PhotoStore {
        &self.inner.photos
    }

    pub(crate) fn logins(&self) -> &LoginGuard {
        &self.inner.logins
    }

    pub(crate) fn keys(&self) -> &KeyGuard {
        &self.inner.keys
    }

    /// The working calendar and time limits of the case loop.
    pub(crate) fn rules(&self) -> Rules<'_> {
        Rules {
            calendar: &self.inner.calendar,
            limits: &self.inner.limits,
        }
    }
}

/// A city's own rules file, or the built-in rules when none is configured.
fn load_rules<T>(
    file: &Option<PathBuf>,
    builtin: impl FnOnce() -> T,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, StartError> {
    let Some(path) = file else {
        return Ok(builtin());
    };
    let invalid = |reason| StartError::RulesFile {
        path: path.clone(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
    parse(&text).map_err(invalid)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar(file: &Option<PathBuf>) -> Result<WorkCalendar, StartError> {
        load_rules(file, WorkCalendar::builtin, |text| {
            WorkCalendar::from_toml(text).map_err(|e| e.to_string())
        })
    }

    #[test]
    fn a_city_calendar_file_replaces_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calendar.toml");
        std::fs::write(
            &path,
            "utc_offset_minutes = 480\nworking_hours = [\"09:00-17:00\"]\n\
             holidays = [\"2026-11-25\"]\nworkdays = [\"2026-11-28\"]\n",
        )
        .unwrap();
        let builtin = calendar(&None).unwrap();
        let city = calendar(&Some(path)).unwrap();
        assert!(builtin.is_working_date(2026, 11, 25));
        assert!(!city.is_working_date(2026, 11, 25), "a local holiday");
        assert!(!builtin.is_working_date(2026, 11, 28));
        assert!(city.is_working_date(2026, 11, 28), "a make-up Saturday");
    }

    #[test]
    fn a_missing_or_invalid_rules_file_stops_the_start_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.toml");
        let err = calendar(&Some(missing.clone())).unwrap_err().to_string();
        assert!(err.contains(&missing.display().to_string()), "{err}");
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "working_hours = [\"25:00-26:00\"]\n").unwrap();
        let err = calendar(&Some(bad.clone())).unwrap_err().to_string();
        assert!(
            err.contains("工作日历或处置时限文件") && err.contains("bad.toml"),
            "{err}"
        );
    }
}
