-- Security events for the admin: logins locked after wrong passwords, refused keys.
CREATE TABLE security_events (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    address TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE INDEX security_events_at ON security_events (at);
