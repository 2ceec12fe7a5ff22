-- Reference data downloaded from the server: read-only on the device, replaced by a snapshot or
-- updated by a delta, and what the offline queries use (unit grid at a point, components near
-- the inspector, the category table). Coordinates are WGS84 degrees.

-- One row: the reference version held, whose work grids these are, and the last update.
CREATE TABLE reference_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    user_id    TEXT NOT NULL,
    updated_at INTEGER,            -- last successful update (ms since epoch)
    error      TEXT                -- why the last update failed; NULL after a success
) STRICT;

-- One row: the downloaded category table as JSON. Absent: the built-in table applies.
CREATE TABLE categories (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL
) STRICT;

CREATE TABLE departments (
    id   INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE work_grids (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
) STRICT;

-- The bbox columns prefilter point lookups in SQL before the exact polygon test.
CREATE TABLE unit_grids (
    code      TEXT PRIMARY KEY NOT NULL,
    work_grid TEXT NOT NULL,
    street    TEXT NOT NULL,
    community TEXT NOT NULL,
    polygon   TEXT NOT NULL,       -- JSON ring of [lon, lat] pairs
    min_lon   REAL NOT NULL,
    min_lat   REAL NOT NULL,
    max_lon   REAL NOT NULL,
    max_lat   REAL NOT NULL
) STRICT;

CREATE INDEX unit_grids_by_work_grid ON unit_grids(work_grid);
CREATE INDEX unit_grids_by_bbox ON unit_grids(min_lon, max_lon);

CREATE TABLE components (
    id                    TEXT PRIMARY KEY NOT NULL,
    class                 INTEGER NOT NULL,
    subclass              INTEGER NOT NULL,
    lon                   REAL NOT NULL,
    lat                   REAL NOT NULL,
    unit_grid             TEXT NOT NULL,
    owner_department      INTEGER,
    maintainer_department INTEGER
) STRICT;

CREATE INDEX components_by_unit_grid ON components(unit_grid);
CREATE INDEX components_by_position ON components(lon, lat);
CREATE INDEX components_by_class ON components(class, subclass);
