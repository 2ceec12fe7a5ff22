-- Patrol tracks (principle 9): shifts (上班 → 下班) and the points recorded during them, each
-- point written the moment it passes the filters. Points are grouped in numbered append-only
-- segments; a segment is sent whole again while it grows, and the server keeps the longest
-- version it received, so a resend changes nothing.

CREATE TABLE shifts (
    id          BLOB PRIMARY KEY NOT NULL,   -- 16-byte UUID, made on the device
    user_id     BLOB NOT NULL,               -- the inspector on shift
    started_at  INTEGER NOT NULL,            -- ms since epoch
    ended_at    INTEGER,                     -- NULL while on shift
    -- What the server has confirmed: 0 nothing, 1 the start, 2 the start and the end.
    reported    INTEGER NOT NULL DEFAULT 0 CHECK (reported IN (0, 1, 2))
) STRICT;

CREATE TABLE track_points (
    shift_id    BLOB NOT NULL REFERENCES shifts(id),
    segment     INTEGER NOT NULL,
    at          INTEGER NOT NULL,            -- ms since epoch
    lat_e7      INTEGER NOT NULL,            -- WGS84, 1e-7 degrees
    lon_e7      INTEGER NOT NULL,
    accuracy_dm INTEGER NOT NULL,            -- decimetres
    speed_cms   INTEGER,                     -- cm/s, NULL when the source gave none
    mock        INTEGER NOT NULL CHECK (mock IN (0, 1)),
    PRIMARY KEY (shift_id, at)
) STRICT;

CREATE INDEX track_points_by_segment ON track_points(shift_id, segment, at);

CREATE TABLE track_segments (
    shift_id    BLOB NOT NULL REFERENCES shifts(id),
    segment     INTEGER NOT NULL,
    points      INTEGER NOT NULL DEFAULT 0,  -- points recorded in it
    sent_points INTEGER NOT NULL DEFAULT 0,  -- points the server confirmed storing
    error       TEXT,                        -- why the last upload failed, for the inspector
    PRIMARY KEY (shift_id, segment)
) STRICT;
