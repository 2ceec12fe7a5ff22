-- Accounts: departments, users, their field devices and login sessions; server metadata.
-- Ids of users and devices are 16-byte UUIDs; instants are milliseconds since the Unix epoch.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE departments (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE users (
    id            BLOB PRIMARY KEY CHECK (length(id) = 16),
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,
    department_id INTEGER REFERENCES departments(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
    id            BLOB PRIMARY KEY CHECK (length(id) = 16),
    user_id       BLOB NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    app_version   TEXT,
    registered_at INTEGER NOT NULL,
    last_sync_at  INTEGER,
    revoked_at    INTEGER
) WITHOUT ROWID;

CREATE INDEX devices_by_user ON devices(user_id);

-- Only the SHA-256 of a token is stored: a copy of the database logs nobody in.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    BLOB NOT NULL REFERENCES users(id),
    device_id  BLOB REFERENCES devices(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions(user_id);
