-- Seats and moderation per event; registrations and their place in line.
ALTER TABLE events ADD COLUMN seat_quota INTEGER;                         -- NULL: no limit
ALTER TABLE events ADD COLUMN moderated BOOLEAN NOT NULL DEFAULT FALSE;   -- organisers approve each registration
ALTER TABLE events ADD COLUMN registration_opens_at TIMESTAMP;            -- NULL: open from publication
ALTER TABLE events ADD COLUMN registration_closes_at TIMESTAMP;           -- NULL: until the event starts
ALTER TABLE events ADD COLUMN contact TEXT NOT NULL DEFAULT '';            -- who answers participants' questions

CREATE TABLE registrations (
    id                   TEXT PRIMARY KEY NOT NULL,
    event_id             TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id              TEXT NOT NULL REFERENCES users (id),
    status               TEXT NOT NULL CHECK (status IN
                         ('unconfirmed', 'awaiting_approval', 'waitlisted', 'confirmed', 'rejected', 'cancelled')),
    full_name            TEXT NOT NULL,           -- with academic titles, exactly as typed
    email                TEXT NOT NULL,           -- lower-cased
    whatsapp             TEXT NOT NULL,           -- +62…
    nip                  TEXT,                    -- 18 digits, checked; NULL for non-civil servants
    institution          TEXT NOT NULL,
    position             TEXT NOT NULL,
    province_code        TEXT NOT NULL REFERENCES regions (code),
    regency_code         TEXT NOT NULL REFERENCES regions (code),
    library_type         TEXT NOT NULL,
    gender               TEXT NOT NULL,
    disability           TEXT,                    -- sensitive (UU PDP): shown to organisers only
    consent_at           TIMESTAMP NOT NULL,      -- consent to processing, with its purpose
    address_confirmed_at TIMESTAMP,
    queued_at            TIMESTAMP,               -- joined the waiting list: the place in line
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (event_id, email)
);
CREATE INDEX registrations_event_status ON registrations (event_id, status, queued_at);
CREATE INDEX registrations_user ON registrations (user_id);
