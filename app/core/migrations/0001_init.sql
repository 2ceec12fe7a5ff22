-- The local store of a 城管通 device: settings and one row per case document.
-- Heads are stored as their 32-byte hashes, sorted and concatenated, so that two head sets are
-- equal exactly when their blobs are.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE docs (
    id           BLOB PRIMARY KEY NOT NULL,   -- DocId, 16 bytes
    bytes        BLOB NOT NULL,               -- the automerge document, compacted (save())
    heads        BLOB NOT NULL,               -- the document's heads
    synced_heads BLOB NOT NULL,               -- heads the server acknowledged storing (empty: none)
    refused      INTEGER NOT NULL DEFAULT 0,  -- 1: the server refused the last push; wait for an edit
    error        TEXT,                        -- why the last attempt failed or was refused
    received_at  INTEGER,                     -- when the server first stored it (ms since epoch)
    changed_at   INTEGER NOT NULL             -- last change on this device (ms since epoch)
) STRICT;

-- The documents of a push whose answer has not arrived yet, with the heads sent. Non-empty
-- means the next sync first asks the server which of them it stored.
CREATE TABLE push_in_doubt (
    id    BLOB PRIMARY KEY NOT NULL,
    heads BLOB NOT NULL
) STRICT;
