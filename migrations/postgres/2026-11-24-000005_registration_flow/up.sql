-- The registration flow: address confirmation, who added a registration,
-- a search column, per-event extra questions and their answers, and
-- spreadsheet imports kept between preview and confirmation.
ALTER TABLE registrations ADD COLUMN confirmation_hash TEXT;             -- SHA-256 of the e-mailed link's secret
ALTER TABLE registrations ADD COLUMN added_by TEXT REFERENCES users (id); -- NULL: the participant registered themselves
ALTER TABLE registrations ADD COLUMN search_text TEXT NOT NULL DEFAULT ''; -- lower-cased name, e-mail, institution, numbers
CREATE UNIQUE INDEX registrations_confirmation ON registrations (confirmation_hash);
CREATE INDEX registrations_event_created ON registrations (event_id, created_at);

CREATE TABLE event_questions (
    id          TEXT PRIMARY KEY NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'choice', 'yes_no')),
    label       TEXT NOT NULL,
    choices     TEXT NOT NULL DEFAULT '',   -- one per line, for kind = 'choice'
    required    BOOLEAN NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX event_questions_event ON event_questions (event_id, position);

CREATE TABLE registration_answers (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL REFERENCES event_questions (id) ON DELETE CASCADE,
    answer          TEXT NOT NULL,
    PRIMARY KEY (registration_id, question_id)
);

CREATE TABLE imports (
    id          TEXT PRIMARY KEY NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL REFERENCES users (id),
    filename    TEXT NOT NULL,
    rows        TEXT NOT NULL,              -- JSON: the checked rows and each one's errors
    created_at  TIMESTAMP NOT NULL,
    imported_at TIMESTAMP                   -- NULL: still a preview
);
