//! Case documents, their readers, the change feed and refused pushes.

use super::codec::{heads_from_blob, heads_to_blob, uuid_from};
use super::{DocLease, Storage, StorageError};
use crate::caseflow::summary::CaseRow;
use crate::storage::DocumentStore;
use cgt_shared::doc::authz::Owner;
use cgt_shared::wire::Head;
use cgt_shared::{DeviceId, DocId, Timestamp, UserId};
use rusqlite::Connection;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A stored document as a push or a pull needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDoc {
    /// The compacted Automerge save.
    pub bytes: Vec<u8>,
    pub owner: Owner,
    pub heads: Vec<Head>,
    pub received_at: Timestamp,
    /// Whether the user it was loaded for may read it.
    pub readable: bool,
}

/// A stored document with its bookkeeping, for the admin view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocRow {
    pub doc: StoredDoc,
    pub seq: u64,
}

/// What one pushed document leaves in the database.
#[derive(Clone, Debug, PartialEq)]
pub enum DocWrite {
    /// Store the merged document (creating it with `owner` if it is new) and bump its seq.
    Store {
        id: DocId,
        bytes: Vec<u8>,
        heads: Vec<Head>,
        owner: Owner,
        /// The case summary to write beside it.
        case: Option<Box<CaseRow>>,
    },
    /// Record a refused push; nothing of the document is stored.
    Refusal {
        doc: DocId,
        status: u16,
        reason: String,
        changes: Vec<Head>,
    },
}

/// One document of a user's feed, with the server's heads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedRow {
    pub id: DocId,
    pub heads: Vec<Head>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ToSchema)]
pub struct RefusalRecord {
    pub at: Timestamp,
    pub user: UserId,
    pub username: Option<String>,
    pub device: Option<DeviceId>,
    pub doc_id: DocId,
    pub status: u16,
    pub reason: String,
    /// Hex change hashes of the refused changes.
    pub changes: Vec<String>,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Loads a document for `reader` (on a read connection the caller holds).
pub(super) fn load_doc(
    c: &Connection,
    id: DocId,
    reader: UserId,
) -> Result<Option<DocRow>, StorageError> {
    let mut stmt = c.prepare_cached(
        "SELECT d.bytes, d.owner_user, d.owner_device, d.heads, d.received_at, d.seq,
                EXISTS (SELECT 1 FROM doc_readers r WHERE r.doc_id = d.id AND r.user_id = ?2)
         FROM docs d WHERE d.id = ?1",
    )?;
    let mut rows = stmt.query((id.as_bytes(), reader.as_bytes()))?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    Ok(Some(DocRow {
        doc: StoredDoc {
            bytes: row.get(0)?,
            owner: Owner {
                user: UserId(uuid_from(&row.get::<_, Vec<u8>>(1)?)?),
                device: DeviceId(uuid_from(&row.get::<_, Vec<u8>>(2)?)?),
            },
            heads: heads_from_blob(&row.get::<_, Vec<u8>>(3)?)?,
            received_at: Timestamp(row.get(4)?),
            readable: row.get(6)?,
        },
        seq: u64::try_from(row.get::<_, i64>(5)?).unwrap_or(0),
    }))
}

impl DocumentStore for Storage {
    fn commit_push(
        &self,
        user: UserId,
        device: DeviceId,
        writes: Vec<DocWrite>,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            for write in &writes {
                match write {
                    DocWrite::Store {
                        id,
                        bytes,
                        heads,
                        owner,
                        case,
                    } => {
                        store_doc(c, *id, bytes, heads, owner, now)?;
                        if let Some(case) = case {
                            super::cases::upsert_case(c, case)?;
                        }
                    }
                    DocWrite::Refusal {
                        doc,
                        status,
                        reason,
                        changes,
                    } => {
                        c.prepare_cached(
                            "INSERT INTO refusals
                               (at, user_id, device_id, doc_id, status, reason, change_hashes)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        )?
                        .execute((
                            now.millis(),
                            user.as_bytes(),
                            device.as_bytes(),
                            doc.as_bytes(),
                            status,
                            reason,
                            heads_to_blob(changes),
                        ))?;
                    }
                }
            }
            super::device_pending::touch_device(c, device, now)
        })
    }

    fn feed(&self, user: UserId, since: u64) -> Result<(Vec<FeedRow>, u64), StorageError> {
        self.read(|c| {
            let snapshot = c.unchecked_transaction()?;
            let cursor: i64 =
                snapshot.query_row("SELECT coalesce(max(seq), 0) FROM docs", [], |r| r.get(0))?;
            let since = feed_since(since, cursor);
            let mut stmt = snapshot.prepare_cached(
                "SELECT d.id, d.heads FROM doc_readers r JOIN docs d ON d.id = r.doc_id
                 WHERE r.user_id = ?1 AND (d.seq > ?2 OR r.granted_seq > ?2)
                 ORDER BY d.seq",
            )?;
            let mut rows = stmt.query((user.as_bytes(), since))?;
            let mut feed = Vec::new();
            while let Some(row) = rows.next()? {
                feed.push(FeedRow {
                    id: DocId(uuid_from(&row.get::<_, Vec<u8>>(0)?)?),
                    heads: heads_from_blob(&row.get::<_, Vec<u8>>(1)?)?,
                });
            }
            drop(rows);
            drop(stmt);
            snapshot.commit()?;
            Ok((feed, u64::try_from(cursor).unwrap_or(0)))
        })
    }

    fn doc(&self, id: DocId, reader: UserId) -> Result<Option<DocRow>, StorageError> {
        self.read(|c| load_doc(c, id, reader))
    }

    fn docs(&self, ids: &[DocId], reader: UserId) -> Result<HashMap<DocId, DocRow>, StorageError> {
        self.read(|c| {
            let mut found = HashMap::with_capacity(ids.len());
            for &id in ids {
                if let Some(row) = load_doc(c, id, reader)? {
                    found.insert(id, row);
                }
            }
            Ok(found)
        })
    }

    fn refusals(&self, limit: u32) -> Result<Vec<RefusalRecord>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT r.at, r.user_id, u.username, r.device_id, r.doc_id, r.status, r.reason,
                        r.change_hashes
                 FROM refusals r LEFT JOIN users u ON u.id = r.user_id
                 ORDER BY r.id DESC LIMIT ?1",
            )?;
            let mut rows = stmt.query([limit])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(RefusalRecord {
                    at: Timestamp(row.get(0)?),
                    user: UserId(uuid_from(&row.get::<_, Vec<u8>>(1)?)?),
                    username: row.get(2)?,
                    device: row
                        .get::<_, Option<Vec<u8>>>(3)?
                        .map(|b| uuid_from(&b).map(DeviceId))
                        .transpose()?,
                    doc_id: DocId(uuid_from(&row.get::<_, Vec<u8>>(4)?)?),
                    status: row.get(5)?,
                    reason: row.get(6)?,
                    changes: heads_from_blob(&row.get::<_, Vec<u8>>(7)?)?
                        .iter()
                        .map(hex::encode)
                        .collect(),
                });
            }
            Ok(out)
        })
    }

    fn lease_docs(&self, _ids: &[DocId]) -> Result<DocLease, StorageError> {
        Ok(DocLease::single_process())
    }
}

/// The seq a feed lists changes after: `since`, or 0 when `since` is beyond the highest seq
/// (`cursor`), so comes from another database (restored or replaced). Shared by both backends.
pub(super) fn feed_since(since: u64, cursor: i64) -> i64 {
    let since = to_i64(since);
    if since > cursor { 0 } else { since }
}

/// Stores a document (creating it with `owner` if new) under the next seq, which it returns.
pub(super) fn store_doc(
    c: &Connection,
    id: DocId,
    bytes: &[u8],
    heads: &[Head],
    owner: &Owner,
    now: Timestamp,
) -> Result<i64, StorageError> {
    let seq: i64 = c
        .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM docs")?
        .query_row([], |r| r.get(0))?;
    c.prepare_cached(
        "INSERT INTO docs (id, owner_user, owner_device, bytes, heads, seq, received_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (id) DO UPDATE SET
           bytes = excluded.bytes, heads = excluded.heads, seq = excluded.seq,
           updated_at = excluded.updated_at",
    )?
    .execute((
        id.as_bytes(),
        owner.user.as_bytes(),
        owner.device.as_bytes(),
        bytes,
        heads_to_blob(heads),
        seq,
        now.millis(),
    ))?;
    c.prepare_cached(
        "INSERT INTO doc_readers (user_id, doc_id, granted_seq) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?
    .execute((owner.user.as_bytes(), id.as_bytes(), seq))?;
    Ok(seq)
}
