-- When the running step of a case turns yellow (a fifth of its working-time limit left before
-- its deadline), written with the rest of the summary, so that a queue filtered by warning
-- colour is filtered in the query. Rows from before are filled in by the server at start
-- (`WarningStore::fill_step_yellow`, called by `AppState::open`), which has the working calendar.
ALTER TABLE cases ADD COLUMN step_yellow_at INTEGER;
-- The rows still to fill in, so that the check at every start reads nothing once they are done.
CREATE INDEX cases_without_yellow ON cases(doc_id)
    WHERE step_deadline IS NOT NULL AND step_yellow_at IS NULL;
