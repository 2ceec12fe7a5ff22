-- Wrong-password records per account and per address (SQLite migration 0017): every server
-- process sharing the database counts the same failures.
CREATE TABLE login_failures (
    key             TEXT COLLATE "C" PRIMARY KEY,
    count           BIGINT NOT NULL,
    last_ms         BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_by_last ON login_failures (last_ms);
