//! Storage: one SQLite file (WAL, `synchronous=FULL`) behind a small API.
//!
//! Reads run on pooled connections; every write goes through one writer thread that commits
//! the jobs waiting at that moment in a single transaction (group commit), so many devices
//! share one fsync and nothing is acknowledged before it is durable. The methods are
//! blocking: async callers run them on the blocking pool. Another backend (PostgreSQL) would
//! implement the same methods.

pub mod accounts;
mod case_export;
mod case_query;
mod case_rows;
mod case_writes;
mod cases;
mod codec;
mod columns;
pub mod device_pending;
mod docs;
mod import_rows;
mod intake;
mod lease;
mod login_failures;
mod migrate;
mod open311;
mod photo_refs;
mod photos;
mod ports;
mod postgres;
mod reference;
mod security;
mod snapshot;
mod stats;
pub mod to_postgres;
mod tracks;
mod users;
mod vehicles;
mod warnings;
mod writer;

pub use accounts::{DeviceLogin, DeviceRecord, LoginOutcome, LoginRecord, NewUser, SessionRecord};
pub use case_writes::{CaseIntake, CaseVersion, NewReaders};
pub use cases::{CaseFilter, CaseListRow, Department};
pub use docs::{DocWrite, FeedRow, RefusalRecord, StoredDoc};
pub use import_rows::{Applied, Held, ImportBase, ImportPlan, Retirements};
pub use intake::{ApiKeyOwner, Contact};
pub use lease::DocLease;
pub use open311::Open311Fields;
pub use photo_refs::PhotoRefs;
pub use ports::{
    AccountStore, CaseExport, CaseStore, CaseWriter, CategoryStore, CityStore, DevicePendingStore,
    DocumentStore, IntakeStore, LoginFailureStore, Open311Store, PhotoIndex, PhotoRefIndex,
    ReferenceAnswers, ReferenceCatalog, ReferenceEditor, ReferenceImport, SecurityLog, StatsStore,
    Store, TrackStore, UserStore, VehicleStore, WarningStore,
};
pub use postgres::PgStorage;
pub(crate) use reference::in_service;
pub use reference::{CitySeed, CitySummary, ComponentRow, DepartmentRow, UnitGridRow, WorkGridRow};
pub use security::SecurityEvent;
pub use snapshot::SnapshotContents;
pub use stats::Stats;
pub use tracks::ReportedAt;
pub(crate) use users::is_active_inspector;
pub use users::{UserChange, UserListing};

use crate::settings::Settings;
use automerge::ActorId;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use thiserror::Error;
use writer::WriterHandle;

/// The database file inside the data directory.
pub const DB_FILE: &str = "cgt.sqlite3";
/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 64;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("数据库错误 (sqlite: {0})")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据库错误 (postgres: {})", postgres_detail(.0))]
    Postgres(::postgres::Error),
    #[error("文本含有数据库无法保存的字符 (text the database cannot store: {0})")]
    UnstorableText(String),
    #[error("无法创建数据目录 {path} ({source})")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("数据库迁移 {version} 失败 ({reason})")]
    Migration { version: u32, reason: String },
    #[error("数据库版本 {found} 比本程序 ({known}) 新,请升级服务器 (database schema is newer)")]
    SchemaTooNew { found: u32, known: u32 },
    #[error("数据库中的数据无效 ({0})")]
    Corrupt(String),
    #[error("用户名已存在: {0}")]
    UsernameTaken(String),
    #[error("部门 {0} 不存在或已停用 (unknown department)")]
    UnknownDepartment(i64),
    #[error("数据库写入未完成 (write aborted: the writer stopped or its transaction failed)")]
    WriterGone,
    #[error("提交失败 (commit failed: {0})")]
    Commit(String),
}

/// What the server said, when it said something (the driver's own text is only "db error").
fn postgres_detail(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} [{}]", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl From<::postgres::Error> for StorageError {
    /// Text PostgreSQL refuses to store (NUL, invalid encoding) is the caller's error, not the
    /// server's: a clear 400 where input validation missed it.
    fn from(e: ::postgres::Error) -> StorageError {
        use ::postgres::error::SqlState;
        let unstorable = [
            SqlState::CHARACTER_NOT_IN_REPERTOIRE,
            SqlState::UNTRANSLATABLE_CHARACTER,
        ];
        match e.code() {
            Some(code) if unstorable.contains(code) => StorageError::UnstorableText(
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |db| db.message().to_string()),
            ),
            _ => StorageError::Postgres(e),
        }
    }
}

/// Opens the store `settings` name: the PostgreSQL database of `database_url` when it is set,
/// else the embedded file under `data_dir`. Blocking.
pub fn open_store(settings: &Settings) -> Result<Arc<dyn Store>, StorageError> {
    Ok(match &settings.database_url {
        Some(url) => Arc::new(PgStorage::open(url, settings.database_connections)?),
        None => Arc::new(Storage::open(&settings.data_dir)?),
    })
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    writer: WriterHandle,
    server_actor: ActorId,
}

impl Storage {
    /// Opens (creating if needed) `<data_dir>/cgt.sqlite3` and applies pending migrations.
    pub fn open(data_dir: &Path) -> Result<Storage, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let mut conn = connect(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate::apply(&mut conn)?;
        let server_actor = server_actor(&conn)?;
        Ok(Storage {
            inner: Arc::new(Inner {
                path,
                readers: Mutex::new(Vec::new()),
                writer: WriterHandle::spawn(conn)?,
                server_actor,
            }),
        })
    }

    /// Runs `f` on a read connection (a pooled one, or a new one when all are busy).
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => connect(&self.inner.path)?,
        };
        let result = f(&conn);
        let mut idle = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// Runs `f` inside the writer's next group transaction and returns once that is committed.
    /// An error from `f` rolls back `f`'s writes only.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        self.inner.writer.run(f)
    }
}

impl Store for Storage {
    fn server_actor(&self) -> &ActorId {
        &self.inner.server_actor
    }
}

/// Opens a connection with the settings every connection needs.
fn connect(path: &Path) -> Result<Connection, StorageError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// The server's actor id, created on first start and kept in `meta`.
fn server_actor(conn: &Connection) -> Result<ActorId, StorageError> {
    const KEY: &str = "server_actor";
    let existing: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [KEY], |r| r.get(0))
        .optional()?;
    let bytes = match existing {
        Some(bytes) => bytes,
        None => {
            let fresh = uuid::Uuid::new_v4().as_bytes().to_vec();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                (KEY, &fresh),
            )?;
            fresh
        }
    };
    Ok(ActorId::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_actor_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let first = Storage::open(dir.path()).unwrap().server_actor().clone();
        let second = Storage::open(dir.path()).unwrap().server_actor().clone();
        assert_eq!(first, second);
    }

    #[test]
    fn a_failing_write_rolls_back_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        let put = |key: &'static str, fail: bool| {
            storage.write(move |c| {
                c.execute("INSERT INTO meta (key, value) VALUES (?1, x'00')", [key])?;
                if fail {
                    Err(StorageError::Corrupt("test".into()))
                } else {
                    Ok(())
                }
            })
        };
        assert!(put("kept", false).is_ok());
        assert!(put("dropped", true).is_err());
        let keys: Vec<String> = storage
            .read(|c| {
                let mut stmt = c.prepare("SELECT key FROM meta ORDER BY key")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert_eq!(keys, vec!["kept", "reference_version", "server_actor"]);
    }
}
