//! The global reference version kept in `meta`: every reference row carries the version at
//! which it last changed, so a device asks for what changed after the version it holds.
//! `meta.value` is BYTEA, so the version is stored as 8 big-endian bytes (`int8send`).

use super::super::locks::REFERENCE_VERSION;
use crate::storage::StorageError;
use crate::storage::reference::version::to_sql;
use postgres::Transaction;

const KEY: &str = "reference_version";

/// Makes every other reference write, in any server process, wait until this transaction
/// ends. Taken once per transaction, before the first read of anything the write depends on.
pub(super) fn lock(tx: &mut Transaction<'_>) -> Result<(), StorageError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&REFERENCE_VERSION])?;
    Ok(())
}

pub(super) fn current(tx: &mut Transaction<'_>) -> Result<u64, StorageError> {
    let row = tx
        .query_opt("SELECT value FROM meta WHERE key = $1", &[&KEY])?
        .ok_or_else(|| StorageError::Corrupt(format!("{KEY} missing")))?;
    decode(row.try_get(0)?)
}

/// Moves the version on by one and returns it. The caller holds [`lock`]: the read and the
/// write of the counter are then one step for every process, and a version is committed only
/// after every smaller one, so a reader never sees a version without its rows or the reverse.
pub(super) fn bump(tx: &mut Transaction<'_>) -> Result<u64, StorageError> {
    let next = current(tx)? + 1;
    tx.execute(
        "UPDATE meta SET value = $2 WHERE key = $1",
        &[&KEY, &to_sql(next).to_be_bytes().as_slice()],
    )?;
    Ok(next)
}

/// The version from its 8 stored bytes.
fn decode(bytes: &[u8]) -> Result<u64, StorageError> {
    let value = <[u8; 8]>::try_from(bytes)
        .map(i64::from_be_bytes)
        .map_err(|_| StorageError::Corrupt(format!("{KEY} of {} bytes", bytes.len())))?;
    u64::try_from(value).map_err(|_| StorageError::Corrupt(format!("{KEY} = {value}")))
}
