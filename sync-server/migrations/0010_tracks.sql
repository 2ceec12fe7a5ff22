-- Patrol tracks (principle 9): append-only streams, not documents. A device reports its shifts
-- (上班 / 下班) and sends the points of a shift as numbered segments, each the codec bytes of
-- cgt_shared::track::codec. A segment is keyed by (device, shift, number); the longest version
-- received is kept, so a resend changes nothing.

CREATE TABLE track_shifts (
    id          BLOB PRIMARY KEY,             -- made on the device
    device_id   BLOB NOT NULL REFERENCES devices(id),
    user_id     BLOB NOT NULL REFERENCES users(id),
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX track_shifts_by_user ON track_shifts(user_id, started_at);

CREATE TABLE track_segments (
    device_id   BLOB NOT NULL REFERENCES devices(id),
    shift_id    BLOB NOT NULL,
    segment     INTEGER NOT NULL CHECK (segment > 0),
    user_id     BLOB NOT NULL REFERENCES users(id),
    first_at    INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    points      INTEGER NOT NULL CHECK (points > 0),
    -- The last point, for the list of people on shift (在线人员).
    last_lat    REAL NOT NULL,
    last_lon    REAL NOT NULL,
    data        BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, shift_id, segment)
) WITHOUT ROWID;

CREATE INDEX track_segments_by_user_time ON track_segments(user_id, first_at);
CREATE INDEX track_segments_by_last ON track_segments(last_at);
