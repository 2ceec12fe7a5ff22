-- Reference data of a city: unit grids (单元网格), work grids (工作网格) and components (部件).
-- Coordinates are WGS84 degrees.

CREATE TABLE work_grids (
    code           TEXT PRIMARY KEY CHECK (length(code) = 15),
    name           TEXT NOT NULL,
    inspector_user BLOB REFERENCES users(id)
) WITHOUT ROWID;

CREATE TABLE unit_grids (
    code           TEXT PRIMARY KEY CHECK (length(code) = 15),
    street_code    TEXT NOT NULL,
    street_name    TEXT NOT NULL,
    community_code TEXT NOT NULL,
    community_name TEXT NOT NULL,
    work_grid      TEXT REFERENCES work_grids(code),
    min_lon        REAL NOT NULL,
    min_lat        REAL NOT NULL,
    max_lon        REAL NOT NULL,
    max_lat        REAL NOT NULL
) WITHOUT ROWID;

CREATE INDEX unit_grids_by_work_grid ON unit_grids(work_grid);

CREATE TABLE components (
    id                    TEXT PRIMARY KEY CHECK (length(id) = 16),
    class                 INTEGER NOT NULL,
    subclass              INTEGER NOT NULL,
    lon                   REAL NOT NULL,
    lat                   REAL NOT NULL,
    unit_grid             TEXT NOT NULL REFERENCES unit_grids(code),
    owner_department      INTEGER REFERENCES departments(id),
    maintainer_department INTEGER REFERENCES departments(id)
) WITHOUT ROWID;

CREATE INDEX components_by_unit_grid ON components(unit_grid);
