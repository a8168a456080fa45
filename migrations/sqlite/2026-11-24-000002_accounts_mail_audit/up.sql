-- Everyone who signs in: administrators, organisers, speakers (e-mail and
-- password) and participants (a link by e-mail; no password).
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,   -- lower-cased
    name          TEXT NOT NULL,
    password_hash TEXT,                   -- argon2id PHC string; NULL until one is set
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    is_organiser  BOOLEAN NOT NULL DEFAULT FALSE, -- may create events (granted by an administrator)
    lang          TEXT NOT NULL DEFAULT 'id',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- Roles per event: one person may speak at one bimtek and organise another.
CREATE TABLE event_members (
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('organiser', 'speaker')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
CREATE INDEX event_members_user ON event_members (user_id);

-- Single-use links sent by e-mail (or printed, for the first administrator).
-- Only a SHA-256 of the secret is stored: a copy of the database opens nothing.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup', 'invitation', 'password_reset', 'sign_in')),
    user_id    TEXT REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Failed sign-ins, by account and by address, to slow guessing down.
CREATE TABLE sign_in_failures (
    id    TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,                  -- 'account:<email>' or 'address:<ip>'
    at    TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_scope_at ON sign_in_failures (scope, at);

-- Every e-mail, written in the transaction of the change that causes it and
-- sent by a job. The id is the Message-ID's local part and the job's dedup key.
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY NOT NULL,
    event_id    TEXT REFERENCES events (id) ON DELETE SET NULL,
    template    TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    reply_to    TEXT,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]', -- JSON: [{filename, content_type, base64}]
    status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP
);
CREATE INDEX outbox_event_created ON outbox (event_id, created_at);
CREATE INDEX outbox_created ON outbox (created_at);

-- Who did what, when: sign-ins, role changes and every organiser action.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT,                     -- no foreign key: the record outlives the account
    actor_email TEXT,
    action      TEXT NOT NULL,
    event_id    TEXT,
    subject     TEXT,
    address     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Installation-wide secrets generated on first start (the cookie key), so
-- that every instance sharing the database shares them.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
