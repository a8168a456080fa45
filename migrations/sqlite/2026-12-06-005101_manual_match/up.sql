-- An organiser's entry by hand says so: matched_by 'manual', not the
-- e-mail it happened to carry. SQLite changes a CHECK by copying the table.
CREATE TABLE attendance_rows_new (
    id              TEXT PRIMARY KEY NOT NULL,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    source          TEXT NOT NULL CHECK (source IN ('webhook', 'report', 'csv', 'checkin', 'manual')),
    dedup_key       TEXT NOT NULL UNIQUE, -- the same join seen again updates its row
    meeting_uuid    TEXT,                 -- the Zoom meeting instance (webhook, report)
    import_id       TEXT,                 -- the CSV import it came from
    identity        TEXT NOT NULL,        -- what a person's rows in the session share: registrant id, e-mail, Zoom user id, or name
    display_name    TEXT NOT NULL,
    email           TEXT,
    registrant_id   TEXT,
    joined_at       TIMESTAMP,            -- NULL: not known (a "unique users" row, or a leave seen before its join)
    left_at         TIMESTAMP,            -- NULL: still in the meeting, or not known
    minutes         INTEGER,              -- a "unique users" row's total, when no times are given
    registration_id TEXT REFERENCES registrations (id) ON DELETE CASCADE,   -- NULL: awaiting review (or dismissed)
    matched_by      TEXT CHECK (matched_by IN ('registrant_id', 'email', 'organiser', 'checkin', 'manual')),
    created_at      TIMESTAMP NOT NULL
);
INSERT INTO attendance_rows_new (id, session_id, source, dedup_key, meeting_uuid, import_id, identity, display_name, email, registrant_id, joined_at, left_at, minutes, registration_id, matched_by, created_at)
    SELECT id, session_id, source, dedup_key, meeting_uuid, import_id, identity, display_name, email, registrant_id, joined_at, left_at, minutes, registration_id, matched_by, created_at FROM attendance_rows;
UPDATE attendance_rows_new SET matched_by = 'manual' WHERE source = 'manual' AND registration_id IS NOT NULL;
DROP TABLE attendance_rows;
ALTER TABLE attendance_rows_new RENAME TO attendance_rows;
CREATE INDEX attendance_rows_session ON attendance_rows (session_id, registration_id);
CREATE INDEX attendance_rows_identity ON attendance_rows (session_id, identity);
CREATE INDEX attendance_rows_registration ON attendance_rows (registration_id);
