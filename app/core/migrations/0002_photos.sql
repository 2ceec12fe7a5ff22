-- Photos waiting to reach the server. The JPEG itself is a file beside the database,
-- photos/<sha256>.jpg, written durably before its row; the report document references it by
-- the same SHA-256. A row leaves the queue (state 'uploaded') only once the server confirmed
-- storing the whole photo; the file stays for display.

CREATE TABLE photo_queue (
    sha256          TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    report_id       BLOB NOT NULL,               -- DocId of the report it was added to
    size            INTEGER NOT NULL CHECK (size > 0),
    uploaded_offset INTEGER NOT NULL DEFAULT 0,  -- bytes the server confirmed holding
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'uploaded', 'failed')),
    error           TEXT,                        -- why the last attempt failed, for the inspector
    taken_at        INTEGER NOT NULL,            -- when the photo was taken (ms since epoch)
    lat_e7          INTEGER NOT NULL,            -- where, in 1e-7 degrees (WGS84)
    lon_e7          INTEGER NOT NULL,
    added_at        INTEGER NOT NULL             -- when it was added to the report
) STRICT;

CREATE INDEX photo_queue_by_state ON photo_queue(state, added_at);
