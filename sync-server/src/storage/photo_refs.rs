//! The index of which stored documents reference which photo (`photo_refs`, with the seq of the
//! version each document was indexed at in `photo_ref_docs`). What a document references is
//! read by `photos::refs`; this keeps the index and answers the access question.

use super::{Storage, StorageError};
use crate::photos::PhotoHash;
use crate::storage::PhotoRefIndex;
use cgt_shared::UserId;
use rusqlite::Connection;

/// A stored document version not indexed yet.
pub struct DocVersion {
    pub doc: Vec<u8>,
    pub seq: i64,
    pub bytes: Vec<u8>,
}

/// One document version and the photos it references.
pub struct PhotoRefs {
    pub doc: Vec<u8>,
    pub seq: i64,
    pub photos: Vec<String>,
}

impl PhotoRefIndex for Storage {
    fn unindexed_docs(&self, limit: usize) -> Result<Vec<DocVersion>, StorageError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, seq, bytes FROM docs
                 WHERE seq > (SELECT coalesce(max(seq), 0) FROM photo_ref_docs)
                 ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok(DocVersion {
                    doc: r.get(0)?,
                    seq: r.get(1)?,
                    bytes: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn index_photo_refs(&self, batch: Vec<PhotoRefs>) -> Result<(), StorageError> {
        self.write(move |c| write_batch(c, &batch))
    }

    fn photo_readable_by(&self, hash: &PhotoHash, user: UserId) -> Result<bool, StorageError> {
        self.read(|c| readable_by(c, hash, user))
    }
}

fn write_batch(c: &Connection, batch: &[PhotoRefs]) -> Result<(), StorageError> {
    for entry in batch {
        let claimed = c
            .prepare_cached(
                "INSERT INTO photo_ref_docs (doc_id, seq) VALUES (?1, ?2)
                 ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq
                 WHERE excluded.seq > photo_ref_docs.seq",
            )?
            .execute((&entry.doc, entry.seq))?;
        if claimed == 0 {
            continue;
        }
        c.prepare_cached("DELETE FROM photo_refs WHERE doc_id = ?1")?
            .execute([&entry.doc])?;
        let mut insert = c.prepare_cached(
            "INSERT INTO photo_refs (sha256, doc_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for photo in &entry.photos {
            insert.execute((photo, &entry.doc))?;
        }
    }
    Ok(())
}

fn readable_by(c: &Connection, hash: &PhotoHash, user: UserId) -> Result<bool, StorageError> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM photo_refs p
                        JOIN doc_readers r ON r.doc_id = p.doc_id
                        WHERE p.sha256 = ?1 AND r.user_id = ?2)",
    )?
    .query_row((hash.as_str(), user.as_bytes()), |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE photo_refs (sha256 TEXT, doc_id BLOB, PRIMARY KEY (sha256, doc_id));
             CREATE TABLE photo_ref_docs (doc_id BLOB PRIMARY KEY, seq INTEGER NOT NULL);",
        )
        .unwrap();
        c
    }

    fn version(doc: u8, seq: i64, photos: &[&str]) -> PhotoRefs {
        PhotoRefs {
            doc: vec![doc; 16],
            seq,
            photos: photos.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn refs(c: &Connection) -> Vec<(String, u8, i64)> {
        let mut stmt = c
            .prepare(
                "SELECT p.sha256, p.doc_id, d.seq FROM photo_refs p
                 JOIN photo_ref_docs d USING (doc_id) ORDER BY p.sha256",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get::<_, Vec<u8>>(1)?[0], r.get(2)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn a_newer_version_replaces_the_references_and_an_older_one_does_not() {
        let c = index();
        write_batch(&c, &[version(1, 3, &["a", "b"]), version(2, 4, &[])]).unwrap();
        assert_eq!(refs(&c), [("a".into(), 1, 3), ("b".into(), 1, 3)]);

        // The report dropped photo b and took c.
        write_batch(&c, &[version(1, 9, &["a", "c"])]).unwrap();
        assert_eq!(refs(&c), [("a".into(), 1, 9), ("c".into(), 1, 9)]);

        // A slower catch-up that read the old version writes nothing.
        write_batch(&c, &[version(1, 3, &["a", "b"])]).unwrap();
        assert_eq!(refs(&c), [("a".into(), 1, 9), ("c".into(), 1, 9)]);
    }
}
