-- Monitored vehicles (渣土车, 环卫车): registered by an admin, posting positions over the
-- OsmAnd protocol with their id and key; alarms are recomputed for the whole (China) day a
-- position falls in, so positions that arrive late or out of order are judged too.

CREATE TABLE vehicles (
    id            TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),  -- the unit's device id
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('muck_truck', 'sanitation')),
    -- SHA-256 (hex) of the key the unit sends with every position.
    key_sha256    TEXT NOT NULL CHECK (length(key_sha256) = 64),
    -- cgt_shared::vehicle::VehicleRules as JSON.
    rules         TEXT NOT NULL CHECK (json_valid(rules)),
    registered_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE vehicle_positions (
    vehicle_id  TEXT NOT NULL REFERENCES vehicles(id),
    at          INTEGER NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    speed_mps   REAL,
    bearing     REAL,
    accuracy_m  REAL NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (vehicle_id, at)
) WITHOUT ROWID;

CREATE TABLE vehicle_alarms (
    vehicle_id TEXT NOT NULL REFERENCES vehicles(id),
    day        INTEGER NOT NULL,              -- days since 1970-01-01 in China Standard Time
    kind       TEXT NOT NULL,
    from_at    INTEGER NOT NULL,
    to_at      INTEGER NOT NULL,
    peak       REAL NOT NULL,
    PRIMARY KEY (vehicle_id, day, kind, from_at)
) WITHOUT ROWID;

CREATE INDEX vehicle_alarms_by_time ON vehicle_alarms(from_at);
