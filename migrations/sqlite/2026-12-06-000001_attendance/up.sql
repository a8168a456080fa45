-- Attendance: what was seen of each person in each session and from where,
-- and what organisers decided about it. Results are computed from these
-- rows by domain::attendance, never stored, so a late report or a new
-- decision changes them everywhere at once.

-- The thresholds of domain::attendance::Rules, set per event.
ALTER TABLE events ADD COLUMN late_after_minutes INTEGER NOT NULL DEFAULT 15;
ALTER TABLE events ADD COLUMN left_early_minutes INTEGER NOT NULL DEFAULT 15;
ALTER TABLE events ADD COLUMN session_percent INTEGER NOT NULL DEFAULT 80;
ALTER TABLE events ADD COLUMN event_percent INTEGER NOT NULL DEFAULT 80;

-- Zoom's webhook deliveries, kept as received (before answering 200) and
-- processed by a job; a redelivery has the same key and is not stored twice.
CREATE TABLE zoom_webhooks (
    id           TEXT PRIMARY KEY NOT NULL,
    dedup_key    TEXT NOT NULL UNIQUE,    -- event, meeting instance, participant's per-join id and time
    event        TEXT NOT NULL,           -- Zoom's event name, e.g. meeting.participant_joined
    event_ts     BIGINT NOT NULL,         -- when it happened on Zoom's side, Unix milliseconds
    body         TEXT NOT NULL,           -- the raw body whose signature was checked
    received_at  TIMESTAMP NOT NULL,
    processed_at TIMESTAMP                -- NULL: its job has not run yet
);
CREATE INDEX zoom_webhooks_unprocessed ON zoom_webhooks (processed_at, received_at);

-- Each run (instance) of a session's Zoom meeting, and whether Zoom's
-- participant report for it has been read: the report is the source of
-- truth, webhooks the live view until it arrives.
CREATE TABLE zoom_meeting_instances (
    session_id     TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    meeting_uuid   TEXT NOT NULL,
    started_at     TIMESTAMP,
    ended_at       TIMESTAMP,
    report_read_at TIMESTAMP,             -- NULL: still to fetch (or Zoom said not ready yet)
    PRIMARY KEY (session_id, meeting_uuid)
);

-- Evidence of presence: one row per join (webhook, report or CSV per-join
-- row), per "unique users" CSV row (minutes without times), per check-in,
-- or per organiser entry. A row counts for a participant only once
-- registration_id is set: by registrant id or exact e-mail on arrival, or by
-- an organiser from the review queue; never by a guess.
CREATE TABLE attendance_rows (
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
    matched_by      TEXT CHECK (matched_by IN ('registrant_id', 'email', 'organiser', 'checkin')),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX attendance_rows_session ON attendance_rows (session_id, registration_id);
CREATE INDEX attendance_rows_identity ON attendance_rows (session_id, identity);
CREATE INDEX attendance_rows_registration ON attendance_rows (registration_id);

-- An organiser's answer from the review queue, for everything seen of one
-- identity in a session: these rows are this participant's, or nobody of
-- ours (registration_id NULL). Kept apart from the rows so it also holds
-- for rows that arrive later (the report replacing the webhooks' rows).
CREATE TABLE attendance_assignments (
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    identity        TEXT NOT NULL,
    registration_id TEXT REFERENCES registrations (id) ON DELETE CASCADE,   -- NULL: dismissed
    decided_by      TEXT NOT NULL REFERENCES users (id),
    decided_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, identity)
);

-- An organiser's excuse for one session (sick leave, assignment): it wins
-- over the minutes, and the session leaves both sides of the event's sum.
CREATE TABLE attendance_excuses (
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    decided_by      TEXT NOT NULL REFERENCES users (id),
    decided_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, registration_id)
);

-- An organiser's word on the event's result, with its reason; it wins over
-- the computed one and is shown as such.
CREATE TABLE attendance_overrides (
    event_id        TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    passed          BOOLEAN NOT NULL,
    reason          TEXT NOT NULL,
    decided_by      TEXT NOT NULL REFERENCES users (id),
    decided_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, registration_id)
);

-- Self check-in for sessions not on Zoom: a short code shown in the room
-- while the window is open. The code is shown again to organisers, so it
-- is kept as is; it is worth nothing once the window closes.
CREATE TABLE checkin_windows (
    session_id TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    opens_at   TIMESTAMP NOT NULL,
    closes_at  TIMESTAMP NOT NULL,
    opened_by  TEXT NOT NULL REFERENCES users (id)
);
