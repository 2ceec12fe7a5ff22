-- Wrong-password records per account and per address (`account:<name>`, `address:<addr>`),
-- kept in the database so that every server process sharing it counts the same failures.
CREATE TABLE login_failures (
    key             TEXT PRIMARY KEY,
    count           INTEGER NOT NULL,
    last_ms         INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL
);
CREATE INDEX login_failures_by_last ON login_failures (last_ms);
