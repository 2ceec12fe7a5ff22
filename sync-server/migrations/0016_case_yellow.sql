-- When the running step of a case turns yellow (a fifth of its working-time limit left before
-- its deadline), written with the rest of the summary, so that a queue filtered by warning
-- colour is filtered in the query. Rows from before are filled in by the server at start
-- (`caseflow::yellow::backfill`), which has the working calendar.
ALTER TABLE cases ADD COLUMN step_yellow_at INTEGER;
