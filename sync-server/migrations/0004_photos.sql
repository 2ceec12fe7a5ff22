-- Photos: content-addressed JPEG blobs in <data_dir>/photos, named by the lower-case hex SHA-256
-- of their bytes, uploaded in resumable chunks after the report that references them.

-- A photo stored whole and verified; its file is photos/<ab>/<cd>/<sha256>.jpg.
CREATE TABLE photos (
    sha256    TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size      INTEGER NOT NULL CHECK (size > 0),
    stored_at INTEGER NOT NULL,
    -- Who completed the upload.
    user_id   BLOB NOT NULL REFERENCES users(id),
    device_id BLOB NOT NULL REFERENCES devices(id)
) WITHOUT ROWID;

-- An upload under way: the first `offset` bytes are in photos/partial/<sha256>.part, fsynced.
-- The row, not the file's length, says how far it got: a crash may leave unacknowledged bytes.
CREATE TABLE photo_uploads (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size       INTEGER NOT NULL CHECK (size > 0),
    offset     INTEGER NOT NULL CHECK (offset >= 0 AND offset <= size),
    started_at INTEGER NOT NULL,
    -- Who started (or restarted) it.
    user_id    BLOB NOT NULL REFERENCES users(id),
    device_id  BLOB NOT NULL REFERENCES devices(id)
) WITHOUT ROWID;

-- Which photos the stored reports reference, read from the documents: the access check of the
-- photo endpoints. Filled lazily by document seq, so pushes pay nothing for it.
CREATE TABLE photo_refs (
    sha256 TEXT NOT NULL,
    doc_id BLOB NOT NULL REFERENCES docs(id),
    PRIMARY KEY (sha256, doc_id)
) WITHOUT ROWID;

CREATE INDEX photo_refs_by_doc ON photo_refs(doc_id);

-- The version (seq) of each document its photo_refs rows were read from. Its highest seq is how
-- far the index has caught up with the docs table.
CREATE TABLE photo_ref_docs (
    doc_id BLOB PRIMARY KEY REFERENCES docs(id),
    seq    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX photo_ref_docs_by_seq ON photo_ref_docs(seq);
