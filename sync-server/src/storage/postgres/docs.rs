//! Case documents, their readers, the change feed and refused pushes, in PostgreSQL.
//!
//! Every store takes the next value of the global `seq` counter and a feed cursor is a seq, so
//! seqs must become visible in the order they are taken: a reader that saw seq 11 committed
//! before seq 10 would move its cursor past 10 and never list that document. Several
//! transactions (and several server processes) write at once here, so every transaction that
//! takes a seq first takes the advisory lock [`DOC_SEQ`] ([`Seqs::lock`]): seqs are then
//! taken and committed one transaction after the other.

use super::super::DocLease;
use super::super::StorageError;
use super::super::codec::{heads_from_blob, heads_to_blob, uuid_from};
use super::super::docs::{DocRow, DocWrite, FeedRow, RefusalRecord, StoredDoc, feed_since};
use super::PgStorage;
use super::locks::DOC_SEQ;
use crate::storage::DocumentStore;
use cgt_shared::doc::authz::Owner;
use cgt_shared::wire::Head;
use cgt_shared::{DeviceId, DocId, Timestamp, UserId};
use postgres::{Statement, Transaction};
use std::collections::HashMap;

/// The doc seqs one transaction hands out. Made only by [`Seqs::lock`], so no seq is taken
/// without the lock.
pub(super) struct Seqs {
    last: i64,
}

impl Seqs {
    /// Takes the transaction-scoped lock that orders doc seqs (released at commit or
    /// rollback), then reads the highest seq: that read sees every seq committed before, and
    /// the seqs taken here commit before the next holder reads. Taken before any row lock, so
    /// no two writers wait on each other.
    pub(super) fn lock(tx: &mut Transaction<'_>) -> Result<Seqs, StorageError> {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&DOC_SEQ])?;
        let last: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM docs", &[])?
            .try_get(0)?;
        Ok(Seqs { last })
    }

    fn next(&mut self) -> i64 {
        self.last += 1;
        self.last
    }
}

/// Loads those of `ids` that are stored, for `reader` (inside the caller's transaction).
pub(super) fn load_docs(
    tx: &mut Transaction<'_>,
    ids: &[DocId],
    reader: UserId,
) -> Result<HashMap<DocId, DocRow>, StorageError> {
    let keys: Vec<&[u8]> = ids.iter().map(|id| id.as_bytes().as_slice()).collect();
    let user: &[u8] = reader.as_bytes();
    let rows = tx.query(
        "SELECT d.id, d.bytes, d.owner_user, d.owner_device, d.heads, d.received_at, d.seq,
                EXISTS (SELECT 1 FROM doc_readers r WHERE r.doc_id = d.id AND r.user_id = $2)
         FROM docs d WHERE d.id = ANY($1)",
        &[&keys, &user],
    )?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in &rows {
        let id = DocId(uuid_from(row.try_get::<_, &[u8]>(0)?)?);
        let doc = DocRow {
            doc: StoredDoc {
                bytes: row.try_get(1)?,
                owner: Owner {
                    user: UserId(uuid_from(row.try_get::<_, &[u8]>(2)?)?),
                    device: DeviceId(uuid_from(row.try_get::<_, &[u8]>(3)?)?),
                },
                heads: heads_from_blob(row.try_get::<_, &[u8]>(4)?)?,
                received_at: Timestamp(row.try_get(5)?),
                readable: row.try_get(7)?,
            },
            seq: u64::try_from(row.try_get::<_, i64>(6)?).unwrap_or(0),
        };
        found.insert(id, doc);
    }
    Ok(found)
}

/// Stores a document (creating it with `owner` if new) under the next seq, which it returns.
pub(super) fn store_doc(
    tx: &mut Transaction<'_>,
    statements: &DocStatements,
    seqs: &mut Seqs,
    id: DocId,
    (bytes, heads): (&[u8], &[Head]),
    owner: &Owner,
    now: Timestamp,
) -> Result<i64, StorageError> {
    let seq = seqs.next();
    let (doc, owner_user, owner_device): (&[u8], &[u8], &[u8]) = (
        id.as_bytes(),
        owner.user.as_bytes(),
        owner.device.as_bytes(),
    );
    tx.execute(
        &statements.store,
        &[
            &doc,
            &owner_user,
            &owner_device,
            &bytes,
            &heads_to_blob(heads),
            &seq,
            &now.millis(),
        ],
    )?;
    Ok(seq)
}

/// The statements that store documents with their case rows, prepared once per transaction
/// (a push frame stores hundreds: one round trip each instead of three).
pub(super) struct DocStatements {
    store: Statement,
    pub(super) case: Statement,
}

impl DocStatements {
    pub(super) fn prepare(tx: &mut Transaction<'_>) -> Result<DocStatements, StorageError> {
        Ok(DocStatements {
            store: tx.prepare(
                "WITH stored AS (
                   INSERT INTO docs (id, owner_user, owner_device, bytes, heads, seq,
                                     received_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                   ON CONFLICT (id) DO UPDATE SET
                     bytes = EXCLUDED.bytes, heads = EXCLUDED.heads, seq = EXCLUDED.seq,
                     updated_at = EXCLUDED.updated_at
                   RETURNING id)
                 INSERT INTO doc_readers (user_id, doc_id, granted_seq)
                 SELECT $2, id, $6 FROM stored
                 ON CONFLICT DO NOTHING",
            )?,
            case: tx.prepare(super::cases::UPSERT_CASE)?,
        })
    }
}

impl DocumentStore for PgStorage {
    fn commit_push(
        &self,
        user: UserId,
        device: DeviceId,
        writes: Vec<DocWrite>,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |tx| {
            // Only a push that stores something takes seqs, and so the lock.
            let mut storing = if writes.iter().any(|w| matches!(w, DocWrite::Store { .. })) {
                Some((Seqs::lock(tx)?, DocStatements::prepare(tx)?))
            } else {
                None
            };
            for write in &writes {
                match write {
                    DocWrite::Store {
                        id,
                        bytes,
                        heads,
                        owner,
                        case,
                    } => {
                        let (seqs, statements) = storing.as_mut().ok_or_else(|| {
                            StorageError::Corrupt("a store without the seq lock".into())
                        })?;
                        store_doc(tx, statements, seqs, *id, (bytes, heads), owner, now)?;
                        if let Some(case) = case {
                            super::cases::upsert_case(tx, &statements.case, case)?;
                        }
                    }
                    DocWrite::Refusal {
                        doc,
                        status,
                        reason,
                        changes,
                    } => {
                        let (user_id, device_id, doc_id): (&[u8], &[u8], &[u8]) =
                            (user.as_bytes(), device.as_bytes(), doc.as_bytes());
                        tx.execute(
                            "INSERT INTO refusals
                               (at, user_id, device_id, doc_id, status, reason, change_hashes)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            &[
                                &now.millis(),
                                &user_id,
                                &device_id,
                                &doc_id,
                                &i64::from(*status),
                                reason,
                                &heads_to_blob(changes),
                            ],
                        )?;
                    }
                }
            }
            super::device_pending::touch_device(tx, device, now)
        })
    }

    fn feed(&self, user: UserId, since: u64) -> Result<(Vec<FeedRow>, u64), StorageError> {
        // `read` is one repeatable-read snapshot: the cursor and the rows agree.
        self.read(move |tx| {
            let cursor: i64 = tx
                .query_one("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM docs", &[])?
                .try_get(0)?;
            let since = feed_since(since, cursor);
            let user: &[u8] = user.as_bytes();
            let rows = tx.query(
                "SELECT d.id, d.heads FROM doc_readers r JOIN docs d ON d.id = r.doc_id
                 WHERE r.user_id = $1 AND (d.seq > $2 OR r.granted_seq > $2)
                 ORDER BY d.seq",
                &[&user, &since],
            )?;
            let mut feed = Vec::with_capacity(rows.len());
            for row in &rows {
                feed.push(FeedRow {
                    id: DocId(uuid_from(row.try_get::<_, &[u8]>(0)?)?),
                    heads: heads_from_blob(row.try_get::<_, &[u8]>(1)?)?,
                });
            }
            Ok((feed, u64::try_from(cursor).unwrap_or(0)))
        })
    }

    fn doc(&self, id: DocId, reader: UserId) -> Result<Option<DocRow>, StorageError> {
        self.read(move |tx| Ok(load_docs(tx, &[id], reader)?.remove(&id)))
    }

    fn docs(&self, ids: &[DocId], reader: UserId) -> Result<HashMap<DocId, DocRow>, StorageError> {
        let ids = ids.to_vec();
        self.read(move |tx| load_docs(tx, &ids, reader))
    }

    fn refusals(&self, limit: u32) -> Result<Vec<RefusalRecord>, StorageError> {
        self.read(move |tx| {
            let rows = tx.query(
                "SELECT r.at, r.user_id, u.username, r.device_id, r.doc_id, r.status, r.reason,
                        r.change_hashes
                 FROM refusals r LEFT JOIN users u ON u.id = r.user_id
                 ORDER BY r.id DESC LIMIT $1",
                &[&i64::from(limit)],
            )?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let status: i64 = row.try_get(5)?;
                out.push(RefusalRecord {
                    at: Timestamp(row.try_get(0)?),
                    user: UserId(uuid_from(row.try_get::<_, &[u8]>(1)?)?),
                    username: row.try_get(2)?,
                    device: row
                        .try_get::<_, Option<&[u8]>>(3)?
                        .map(|b| uuid_from(b).map(DeviceId))
                        .transpose()?,
                    doc_id: DocId(uuid_from(row.try_get::<_, &[u8]>(4)?)?),
                    status: u16::try_from(status)
                        .map_err(|_| StorageError::Corrupt(format!("refusal status {status}")))?,
                    reason: row.try_get(6)?,
                    changes: heads_from_blob(row.try_get::<_, &[u8]>(7)?)?
                        .iter()
                        .map(hex::encode)
                        .collect(),
                });
            }
            Ok(out)
        })
    }

    fn lease_docs(&self, ids: &[DocId]) -> Result<DocLease, StorageError> {
        self.lease(ids)
    }
}
