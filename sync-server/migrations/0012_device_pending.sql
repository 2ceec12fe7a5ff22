-- What each field device last reported it still holds to send (待传), with the time of the
-- report. One row a device, replaced by every newer report; counts are never negative.

CREATE TABLE device_pending (
    device_id      BLOB PRIMARY KEY REFERENCES devices(id),
    reports        INTEGER NOT NULL CHECK (reports >= 0),
    photos         INTEGER NOT NULL CHECK (photos >= 0),
    photo_bytes    INTEGER NOT NULL CHECK (photo_bytes >= 0),
    track_segments INTEGER NOT NULL CHECK (track_segments >= 0),
    failed         INTEGER NOT NULL CHECK (failed >= 0),
    reported_at    INTEGER NOT NULL,
    -- The first of the unbroken run of reports with something pending or failed; NULL when the
    -- latest report had nothing.
    pending_since  INTEGER
) WITHOUT ROWID;
