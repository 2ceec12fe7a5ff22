//! The `docs` table (one row per case document and what the server acknowledged of it) and
//! the `push_in_doubt` table (a push whose answer has not arrived).

use crate::error::ClientError;
use crate::model::SyncState;
use automerge::AutoCommit;
use cgt_shared::plan::{self, LocalDoc};
use cgt_shared::wire::{FeedEntry, Head};
use cgt_shared::{DocId, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocRow {
    pub id: DocId,
    /// The automerge document, compacted.
    pub bytes: Vec<u8>,
    pub heads: Vec<Head>,
    /// Heads the server acknowledged storing; empty if none.
    pub synced: Vec<Head>,
    pub refused: bool,
    pub error: Option<String>,
    pub received_at: Option<Timestamp>,
    pub changed_at: Timestamp,
}

impl DocRow {
    pub(crate) fn load(&self) -> Result<AutoCommit, ClientError> {
        Ok(AutoCommit::load(&self.bytes)?)
    }

    pub(crate) fn local(&self) -> LocalDoc {
        LocalDoc {
            id: self.id,
            heads: self.heads.clone(),
            synced: self.synced.clone(),
        }
    }

    pub(crate) fn state(&self) -> SyncState {
        state_of(&self.local(), self.refused)
    }
}

/// What sync planning needs of a row: no document bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyncMeta {
    pub doc: LocalDoc,
    pub refused: bool,
}

pub(crate) fn state_of(doc: &LocalDoc, refused: bool) -> SyncState {
    if refused {
        SyncState::Refused
    } else if plan::needs_push(doc) {
        SyncState::Pending
    } else {
        SyncState::Synced
    }
}

/// Heads as one blob: sorted and concatenated, so equal sets give equal blobs.
fn heads_blob(heads: &[Head]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort_unstable();
    sorted.concat()
}

fn heads_of(blob: &[u8]) -> Vec<Head> {
    blob.chunks_exact(32)
        .map(|chunk| {
            let mut head = [0u8; 32];
            head.copy_from_slice(chunk);
            head
        })
        .collect()
}

const ROW_COLUMNS: &str = "id, bytes, heads, synced_heads, refused, error, received_at, changed_at";

fn row(r: &Row) -> rusqlite::Result<DocRow> {
    Ok(DocRow {
        id: DocId::from_bytes(r.get(0)?),
        bytes: r.get(1)?,
        heads: heads_of(&r.get::<_, Vec<u8>>(2)?),
        synced: heads_of(&r.get::<_, Vec<u8>>(3)?),
        refused: r.get(4)?,
        error: r.get(5)?,
        received_at: r.get::<_, Option<i64>>(6)?.map(Timestamp),
        changed_at: Timestamp(r.get(7)?),
    })
}

pub(crate) fn get(conn: &Connection, id: DocId) -> Result<Option<DocRow>, ClientError> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM docs WHERE id = ?1");
    Ok(conn.query_row(&sql, [id.as_bytes()], row).optional()?)
}

pub(crate) fn all(conn: &Connection) -> Result<Vec<DocRow>, ClientError> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM docs ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], row)?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub(crate) fn ids(conn: &Connection) -> Result<Vec<DocId>, ClientError> {
    let mut stmt = conn.prepare("SELECT id FROM docs ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| Ok(DocId::from_bytes(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

pub(crate) fn sync_metas(conn: &Connection) -> Result<Vec<SyncMeta>, ClientError> {
    let mut stmt = conn.prepare("SELECT id, heads, synced_heads, refused FROM docs ORDER BY id")?;
    let metas = stmt
        .query_map([], |r| {
            Ok(SyncMeta {
                doc: LocalDoc {
                    id: DocId::from_bytes(r.get(0)?),
                    heads: heads_of(&r.get::<_, Vec<u8>>(1)?),
                    synced: heads_of(&r.get::<_, Vec<u8>>(2)?),
                },
                refused: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(metas)
}

/// Inserts or replaces a whole row.
pub(crate) fn put(conn: &Connection, doc: &DocRow) -> Result<(), ClientError> {
    conn.execute(
        "INSERT INTO docs (id, bytes, heads, synced_heads, refused, error, received_at, changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET
            bytes = excluded.bytes, heads = excluded.heads, synced_heads = excluded.synced_heads,
            refused = excluded.refused, error = excluded.error,
            received_at = excluded.received_at, changed_at = excluded.changed_at",
        params![
            doc.id.as_bytes(),
            doc.bytes,
            heads_blob(&doc.heads),
            heads_blob(&doc.synced),
            doc.refused,
            doc.error,
            doc.received_at.map(Timestamp::millis),
            doc.changed_at.millis(),
        ],
    )?;
    Ok(())
}

/// The server stored the document up to `heads`. Whether it is then synced depends on whether
/// it was edited since those heads were taken.
pub(crate) fn mark_stored(
    conn: &Connection,
    id: DocId,
    heads: &[Head],
    received_at: Option<Timestamp>,
) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE docs SET synced_heads = ?2, refused = 0, error = NULL,
                received_at = COALESCE(received_at, ?3)
         WHERE id = ?1",
        params![
            id.as_bytes(),
            heads_blob(heads),
            received_at.map(Timestamp::millis)
        ],
    )?;
    Ok(())
}

/// The server lacks what the device thought it had: the next push sends the whole document.
pub(crate) fn mark_missing_deps(conn: &Connection, id: DocId) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE docs SET synced_heads = X'' WHERE id = ?1",
        [id.as_bytes()],
    )?;
    Ok(())
}

pub(crate) fn mark_refused(conn: &Connection, id: DocId, reason: &str) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE docs SET refused = 1, error = ?2 WHERE id = ?1",
        params![id.as_bytes(), reason],
    )?;
    Ok(())
}

pub(crate) fn set_error(conn: &Connection, id: DocId, message: &str) -> Result<(), ClientError> {
    conn.execute(
        "UPDATE docs SET error = ?2 WHERE id = ?1",
        params![id.as_bytes(), message],
    )?;
    Ok(())
}

/// The documents of the push whose answer never arrived, with the heads sent.
pub(crate) fn in_doubt(conn: &Connection) -> Result<Vec<FeedEntry>, ClientError> {
    let mut stmt = conn.prepare("SELECT id, heads FROM push_in_doubt ORDER BY id")?;
    let entries = stmt
        .query_map([], |r| {
            Ok(FeedEntry {
                id: DocId::from_bytes(r.get(0)?),
                heads: heads_of(&r.get::<_, Vec<u8>>(1)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(entries)
}

pub(crate) fn set_in_doubt(conn: &Connection, sent: &[FeedEntry]) -> Result<(), ClientError> {
    clear_in_doubt(conn)?;
    let mut stmt = conn.prepare("INSERT INTO push_in_doubt (id, heads) VALUES (?1, ?2)")?;
    for entry in sent {
        stmt.execute(params![entry.id.as_bytes(), heads_blob(&entry.heads)])?;
    }
    Ok(())
}

pub(crate) fn clear_in_doubt(conn: &Connection) -> Result<(), ClientError> {
    conn.execute("DELETE FROM push_in_doubt", [])?;
    Ok(())
}
