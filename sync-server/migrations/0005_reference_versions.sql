-- Versioned reference data: it flows one way, server to device, as snapshots and deltas.
-- `meta.reference_version` is a global counter; every reference row carries the version at
-- which it last changed, so a device asks for "everything after version N". Rows are never
-- deleted, only retired, so a delta can tell a device what to drop.

INSERT INTO meta (key, value) VALUES ('reference_version', 1);

ALTER TABLE departments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE departments ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE work_grids ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE work_grids ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE unit_grids ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE unit_grids ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE components ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE components ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));

-- The outline of a unit grid: a JSON ring of [lon, lat] pairs (WGS84 degrees), closed (the
-- last pair repeats the first). The bbox columns bound it. Existing grids were rectangles.
ALTER TABLE unit_grids ADD COLUMN polygon TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(polygon));
UPDATE unit_grids SET polygon = json_array(
    json_array(min_lon, max_lat), json_array(max_lon, max_lat), json_array(max_lon, min_lat),
    json_array(min_lon, min_lat), json_array(min_lon, max_lat));

CREATE INDEX departments_by_version ON departments(version);
CREATE INDEX work_grids_by_inspector ON work_grids(inspector_user);
CREATE INDEX work_grids_by_version ON work_grids(version);
CREATE INDEX unit_grids_by_version ON unit_grids(version);
CREATE INDEX components_by_version ON components(version);

-- Every category table the server has served, as JSON, under the version it appeared at.
CREATE TABLE category_tables (
    version     INTEGER PRIMARY KEY,
    body        TEXT NOT NULL CHECK (json_valid(body)),
    recorded_at INTEGER NOT NULL
);

CREATE TRIGGER departments_are_retired_not_deleted BEFORE DELETE ON departments
BEGIN SELECT RAISE(ABORT, 'reference rows are retired, never deleted'); END;
CREATE TRIGGER work_grids_are_retired_not_deleted BEFORE DELETE ON work_grids
BEGIN SELECT RAISE(ABORT, 'reference rows are retired, never deleted'); END;
CREATE TRIGGER unit_grids_are_retired_not_deleted BEFORE DELETE ON unit_grids
BEGIN SELECT RAISE(ABORT, 'reference rows are retired, never deleted'); END;
CREATE TRIGGER components_are_retired_not_deleted BEFORE DELETE ON components
BEGIN SELECT RAISE(ABORT, 'reference rows are retired, never deleted'); END;
