//! The PostgreSQL backend: the same port as the embedded SQLite store, for a city that runs
//! a database server and several server processes against it.
//!
//! The tables mirror the embedded schema column for column (integers as `BIGINT`, reals as
//! `DOUBLE PRECISION`, blobs as `BYTEA`), so both backends read and write the same values.
//! Every method runs in one transaction on a connection worker: reads in a read-only
//! repeatable-read snapshot, writes committed before the method returns. Work that must be
//! serialized across processes takes a transaction-scoped advisory lock.

mod accounts;
mod case_export;
mod case_writes;
mod cases;
mod columns;
mod device_pending;
mod docs;
mod intake;
mod lease;
mod locks;
mod login_failures;
mod migrate;
mod open311;
mod photo_refs;
mod photos;
mod reference;
mod security;
mod stats;
mod tracks;
mod users;
mod vehicles;
mod warnings;
mod workers;

use super::StorageError;
use super::ports::Store;
use automerge::ActorId;
use postgres::{IsolationLevel, Transaction};
use std::sync::Arc;
use workers::Workers;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct PgStorage {
    inner: Arc<Inner>,
}

struct Inner {
    workers: Workers,
    /// Connections that hold document leases (`lease.rs`), apart from the workers' so a
    /// lease never waits for the work it guards.
    leases: Workers,
    /// Connections that hold photo uploads' leases, apart from the documents' so a slow object
    /// store never holds up a push.
    photo_leases: Workers,
    server_actor: ActorId,
}

impl PgStorage {
    /// Connects to `url` (a `postgres://` URL or key=value string), applies pending migrations
    /// and reads the server actor.
    pub fn open(url: &str, connections: usize) -> Result<PgStorage, StorageError> {
        let workers = Workers::start(url, connections)?;
        workers.run(|client| {
            migrate::apply(client)?;
            Ok(())
        })?;
        let server_actor = workers.run(|client| {
            let mut tx = client.transaction()?;
            let actor = server_actor(&mut tx)?;
            tx.commit()?;
            Ok(actor)
        })?;
        Ok(PgStorage {
            inner: Arc::new(Inner {
                workers,
                leases: Workers::start(url, connections)?,
                photo_leases: Workers::start(url, connections.div_ceil(4))?,
                server_actor,
            }),
        })
    }

    /// Runs `f` in a read-only snapshot (every query of `f` sees the same database state).
    fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        self.inner.workers.run(move |client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let value = f(&mut tx)?;
            tx.commit()?;
            Ok(value)
        })
    }

    /// Runs `f` in one read-committed transaction and returns once it is committed. An error
    /// from `f` rolls all of `f` back.
    fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        self.inner.workers.run(move |client| {
            let mut tx = client.transaction()?;
            let value = f(&mut tx)?;
            tx.commit()?;
            Ok(value)
        })
    }
}

impl Store for PgStorage {
    fn server_actor(&self) -> &ActorId {
        &self.inner.server_actor
    }
}

/// The server's actor id, created on first start and kept in `meta`. Several processes
/// starting at once agree on one: the insert keeps the first.
fn server_actor(tx: &mut Transaction<'_>) -> Result<ActorId, StorageError> {
    const KEY: &str = "server_actor";
    let fresh = uuid::Uuid::new_v4().as_bytes().to_vec();
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        &[&KEY, &fresh],
    )?;
    let bytes: Vec<u8> = tx
        .query_one("SELECT value FROM meta WHERE key = $1", &[&KEY])?
        .get(0);
    Ok(ActorId::from(bytes))
}
