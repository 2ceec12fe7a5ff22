-- Channels that create cases without a field device: API keys for Open311 clients and sensor
-- gateways (only the SHA-256 of a key is stored), each bound to a system user and an intake
-- device that owns the cases it creates; and the contact of a public reporter, which stays on
-- the server (it is never written into a case document, so it never reaches a phone).

CREATE TABLE api_keys (
    key_hash   BLOB PRIMARY KEY CHECK (length(key_hash) = 32),
    name       TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('open311', 'sensor')),
    user_id    BLOB NOT NULL REFERENCES users(id),
    device_id  BLOB NOT NULL REFERENCES devices(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) WITHOUT ROWID;

CREATE TABLE case_contacts (
    doc_id     BLOB PRIMARY KEY REFERENCES docs(id),
    email      TEXT,
    name       TEXT,
    phone      TEXT,
    -- The client-supplied token of an Open311 request, if any.
    client_token TEXT
) WITHOUT ROWID;
