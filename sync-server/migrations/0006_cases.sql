-- The case summary: one flat row per case document, rewritten in the same storage job as every
-- workflow event (and every pushed report), so work queues, warnings and evaluation read an
-- indexed table instead of Automerge documents. The documents stay the record; this is derived.

CREATE TABLE cases (
    doc_id             BLOB PRIMARY KEY CHECK (length(doc_id) = 16) REFERENCES docs(id),
    source             TEXT NOT NULL,
    status             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    class              INTEGER NOT NULL,
    subclass           INTEGER NOT NULL,
    description        TEXT NOT NULL,
    unit_grid          TEXT NOT NULL,
    -- The 街道 code: the first 9 digits of the unit grid code.
    area               TEXT NOT NULL,
    lon                REAL NOT NULL,
    lat                REAL NOT NULL,
    -- The inspector who reported (监督员上报 only).
    reporter           BLOB,
    urgent             INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    self_handled       INTEGER NOT NULL DEFAULT 0 CHECK (self_handled IN (0, 1)),
    reported_at        INTEGER NOT NULL,
    registered         INTEGER NOT NULL DEFAULT 0 CHECK (registered IN (0, 1)),
    department         INTEGER,
    dispatched_at      INTEGER,
    handled_at         INTEGER,
    handle_deadline    INTEGER,
    closed_at          INTEGER,
    close_deadline     INTEGER,
    reworks            INTEGER NOT NULL DEFAULT 0,
    supervised         INTEGER NOT NULL DEFAULT 0 CHECK (supervised IN (0, 1)),
    satisfaction       TEXT,
    bonus_tenths       INTEGER NOT NULL DEFAULT 0,
    verifier           BLOB,
    verify_assigned_at INTEGER,
    verified_at        INTEGER,
    verify_deadline    INTEGER,
    checker            BLOB,
    check_assigned_at  INTEGER,
    checked_at         INTEGER,
    check_deadline     INTEGER,
    -- Open tasks (cleared when done).
    verify_assignee    BLOB,
    check_assignee     BLOB,
    on_hold            INTEGER NOT NULL DEFAULT 0 CHECK (on_hold IN (0, 1)),
    in_conflict        INTEGER NOT NULL DEFAULT 0 CHECK (in_conflict IN (0, 1)),
    -- The running step and its deadline (NULL when the case is finished).
    step               TEXT,
    step_started_at    INTEGER,
    step_deadline      INTEGER,
    step_limit_ms      INTEGER,
    updated_at         INTEGER NOT NULL
) WITHOUT ROWID;

-- The 发案率 baseline counts three months of dispatches per department from this narrow index.
CREATE INDEX cases_by_dispatch ON cases(dispatched_at, department);
-- Covers the department evaluation (综合评价): a month of dispatched cases is one range scan.
CREATE INDEX cases_for_evaluation ON cases(dispatched_at, department, source, handled_at,
    handle_deadline, closed_at, close_deadline, reworks, supervised, satisfaction, bonus_tenths);
CREATE INDEX cases_by_reported ON cases(reported_at);
CREATE INDEX cases_by_status ON cases(status, reported_at);
CREATE INDEX cases_by_department ON cases(department, status);
CREATE INDEX cases_by_category ON cases(kind, class, subclass, reported_at);
CREATE INDEX cases_by_verify_task ON cases(verify_assignee) WHERE verify_assignee IS NOT NULL;
CREATE INDEX cases_by_check_task ON cases(check_assignee) WHERE check_assignee IS NOT NULL;
CREATE INDEX cases_in_conflict ON cases(in_conflict) WHERE in_conflict = 1;
CREATE INDEX cases_supervised ON cases(supervised) WHERE supervised = 1;
