-- An uploaded Zoom participant report (CSV) waits in imports between its
-- preview and the organiser's confirmation, as a participant list does;
-- it belongs to one session. NULL: a participant list, for the whole event.
ALTER TABLE imports ADD COLUMN session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX imports_session ON imports (session_id);
