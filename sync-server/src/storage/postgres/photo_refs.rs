//! The index of which stored documents reference which photo on PostgreSQL (`photo_refs`, with
//! the seq of the version each document was indexed at in `photo_ref_docs`). What a document
//! references is read by `photos::refs`; this keeps the index and answers the access question.
//!
//! Several processes may catch up at once. Each document's references are replaced only by
//! the transaction whose upsert of `photo_ref_docs` raised the document's seq: that upsert
//! locks the document's row until commit, so a concurrent writer of the same document waits
//! and then finds the newer seq (and writes nothing) or an older one (and replaces it). The
//! rows are locked in document order, so two overlapping batches cannot deadlock.
//!
//! The high-water mark (the highest indexed seq) skips nothing only because document seqs
//! become visible in seq order: `docs` takes its seq under the `DOC_SEQ` lock held to commit.

use super::super::StorageError;
use super::super::photo_refs::{DocVersion, PhotoRefs};
use super::super::ports::PhotoRefIndex;
use super::PgStorage;
use crate::photos::PhotoHash;
use cgt_shared::UserId;
use postgres::Transaction;

impl PhotoRefIndex for PgStorage {
    fn unindexed_docs(&self, limit: usize) -> Result<Vec<DocVersion>, StorageError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(move |tx| {
            tx.query(
                "SELECT id, seq, bytes FROM docs
                 WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM photo_ref_docs)
                 ORDER BY seq LIMIT $1",
                &[&limit],
            )?
            .iter()
            .map(|r| -> Result<DocVersion, StorageError> {
                Ok(DocVersion {
                    doc: r.try_get(0)?,
                    seq: r.try_get(1)?,
                    bytes: r.try_get(2)?,
                })
            })
            .collect()
        })
    }

    fn index_photo_refs(&self, mut batch: Vec<PhotoRefs>) -> Result<(), StorageError> {
        // Stable: versions of one document keep their order (the seq check decides anyway).
        batch.sort_by(|a, b| a.doc.cmp(&b.doc));
        self.write(move |tx| write_batch(tx, &batch))
    }

    fn photo_readable_by(&self, hash: &PhotoHash, user: UserId) -> Result<bool, StorageError> {
        let hash = hash.clone();
        self.read(move |tx| {
            let user: &[u8] = user.as_bytes();
            Ok(tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM photo_refs p
                                    JOIN doc_readers r ON r.doc_id = p.doc_id
                                    WHERE p.sha256 = $1 AND r.user_id = $2)",
                    &[&hash.as_str(), &user],
                )?
                .try_get(0)?)
        })
    }
}

fn write_batch(tx: &mut Transaction<'_>, batch: &[PhotoRefs]) -> Result<(), StorageError> {
    let claim = tx.prepare(
        "INSERT INTO photo_ref_docs (doc_id, seq) VALUES ($1, $2)
         ON CONFLICT (doc_id) DO UPDATE SET seq = EXCLUDED.seq
         WHERE EXCLUDED.seq > photo_ref_docs.seq",
    )?;
    let clear = tx.prepare("DELETE FROM photo_refs WHERE doc_id = $1")?;
    let insert = tx.prepare(
        "INSERT INTO photo_refs (sha256, doc_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )?;
    for entry in batch {
        if tx.execute(&claim, &[&entry.doc, &entry.seq])? == 0 {
            continue;
        }
        tx.execute(&clear, &[&entry.doc])?;
        for photo in &entry.photos {
            tx.execute(&insert, &[photo, &entry.doc])?;
        }
    }
    Ok(())
}
