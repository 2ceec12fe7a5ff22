-- Case documents (compacted Automerge saves), who may read them, and refused pushes.

CREATE TABLE docs (
    id           BLOB PRIMARY KEY CHECK (length(id) = 16),
    owner_user   BLOB NOT NULL REFERENCES users(id),
    owner_device BLOB NOT NULL REFERENCES devices(id),
    bytes        BLOB NOT NULL,
    -- The document's heads: sorted 32-byte change hashes, concatenated.
    heads        BLOB NOT NULL,
    -- Global change counter: every store takes the next value, so a cursor is a seq.
    seq          INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE UNIQUE INDEX docs_by_seq ON docs(seq);

CREATE TABLE doc_readers (
    user_id     BLOB NOT NULL REFERENCES users(id),
    doc_id      BLOB NOT NULL REFERENCES docs(id),
    -- The seq at which the grant was made: a device sees newly granted documents in its feed.
    granted_seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, doc_id)
) WITHOUT ROWID;

-- Changes the server refused: nothing of them is stored, but the attempt is kept for the admin.
CREATE TABLE refusals (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    user_id       BLOB NOT NULL,
    device_id     BLOB,
    doc_id        BLOB NOT NULL,
    status        INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    -- The refused change hashes: 32 bytes each, concatenated.
    change_hashes BLOB NOT NULL
);

CREATE INDEX refusals_by_at ON refusals(at);
