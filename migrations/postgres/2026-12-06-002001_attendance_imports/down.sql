DROP INDEX imports_session;
ALTER TABLE imports DROP COLUMN session_id;
