//! The device's local store: one SQLite file with settings and the case documents.
//!
//! Durability: WAL with `synchronous=FULL`, so a committed transaction survives power loss, and
//! every local write is one transaction, so killing the app at any point loses nothing that a
//! call had returned.

pub(crate) mod docs;
mod migrate;
pub(crate) mod settings;

use crate::error::ClientError;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

pub(crate) struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl Store {
    pub(crate) fn open(path: &Path) -> Result<Store, ClientError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(Duration::from_secs(5))?;
        migrate::apply(&mut conn)?;
        Ok(Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        f(&self.lock())
    }

    /// Runs `f` in one immediate transaction, committed only if `f` succeeds.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// A panic inside a transaction rolled it back when the transaction dropped, so the
    /// connection is still sound after a poisoned lock.
    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
