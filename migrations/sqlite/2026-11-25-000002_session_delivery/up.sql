-- What reaches participants for each session: their personal Zoom
-- registration (and its join link), a private calendar feed, and the
-- event's reminder and join-link timing.
CREATE TABLE session_registrants (
    session_id         TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    registration_id    TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    status             TEXT NOT NULL CHECK (status IN ('pending', 'added', 'cancelled', 'failed')),
    zoom_registrant_id TEXT,                 -- Zoom's registrant_id once added
    join_url           TEXT,                 -- the participant's personal link: theirs alone
    error              TEXT,                 -- Zoom's last refusal, in plain words
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, registration_id)
);
CREATE INDEX session_registrants_registration ON session_registrants (registration_id);
CREATE INDEX session_registrants_status ON session_registrants (session_id, status);

CREATE TABLE calendar_feeds (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,        -- SHA-256 of the secret in the feed's URL
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP                    -- NULL: the feed works
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);

ALTER TABLE events ADD COLUMN reminder_minutes TEXT NOT NULL DEFAULT '1440,60';   -- minutes before each session, comma-separated
ALTER TABLE events ADD COLUMN join_links_before_minutes INTEGER NOT NULL DEFAULT 60; -- join links shown this long before a session
