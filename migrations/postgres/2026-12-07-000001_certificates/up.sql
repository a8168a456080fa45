-- Certificates (e-sertifikat): which types an event gives and how they
-- are numbered, what is printed on them, and every certificate issued.

-- One row per event and type. `next_number` is the type's counter: the
-- transaction that inserts a certificate takes it (UPDATE … RETURNING),
-- so on PostgreSQL the row lock serialises issuers of every instance and
-- a rolled-back issue gives its number back. It never goes down: a
-- revoked certificate's number is never reused.
CREATE TABLE certificate_types (
    event_id       TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('participant', 'speaker', 'committee')),
    enabled        BOOLEAN NOT NULL DEFAULT FALSE,
    number_pattern TEXT NOT NULL,      -- domain::certificate::number::Pattern
    next_number    INTEGER NOT NULL DEFAULT 1,
    -- What a participant needs; speakers and committee: 'none'.
    requirement    TEXT NOT NULL DEFAULT 'none'
                   CHECK (requirement IN ('attendance', 'plan', 'both', 'none')),
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, kind)
);

-- What an event's certificates print besides the holder: one row per
-- event. Pictures are storage keys (integrations::storage), PNG or JPEG.
CREATE TABLE certificate_settings (
    event_id       TEXT PRIMARY KEY NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_code     TEXT NOT NULL,      -- {kode} of the number patterns
    signing_place  TEXT NOT NULL,
    signing_date   TEXT,               -- YYYY-MM-DD; NULL: the event's last day
    signatories    TEXT NOT NULL,      -- JSON: domain::certificate::Signatory, one or two
    logo_key       TEXT,
    background_key TEXT,
    updated_at     TIMESTAMP NOT NULL
);

-- A certificate issued. Participants' hold a registration, speakers' and
-- committee members' an account. Holder, JP and number are fixed when
-- issued; the PDF is rendered by a job, which records it and queues its
-- e-mail (`mail_id`) in one transaction. A signed copy (TTE), imported
-- later, is kept beside the unsigned one.
CREATE TABLE certificates (
    id              TEXT PRIMARY KEY NOT NULL,
    event_id        TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('participant', 'speaker', 'committee')),
    registration_id TEXT REFERENCES registrations (id),
    account_id      TEXT REFERENCES users (id),
    holder_name     TEXT NOT NULL,     -- with titles, exactly as registered
    holder_detail   TEXT,              -- NIP and institution
    jp              INTEGER NOT NULL,
    sequence        INTEGER NOT NULL,  -- the running number of its type
    number          TEXT NOT NULL UNIQUE,
    code            TEXT NOT NULL UNIQUE, -- of /verify/{code}: 130 random bits
    issued_at       TIMESTAMP NOT NULL,
    issued_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at      TIMESTAMP,
    revoke_reason   TEXT,
    replaced_by     TEXT REFERENCES certificates (id),
    unsigned_key    TEXT,              -- the rendered PDF in storage
    unsigned_sha256 TEXT,              -- hex
    unsigned_len    BIGINT,
    signed_key      TEXT,
    signed_at       TIMESTAMP,
    signer          TEXT,
    mail_id         TEXT,              -- the outbox row that delivers it
    render_error    TEXT,
    UNIQUE (event_id, kind, sequence)
);
-- A holder has at most one certificate of a type per event in force.
CREATE UNIQUE INDEX certificates_registration_in_force
    ON certificates (event_id, kind, registration_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX certificates_account_in_force
    ON certificates (event_id, kind, account_id) WHERE revoked_at IS NULL;
CREATE INDEX certificates_of_registration ON certificates (registration_id);
CREATE INDEX certificates_of_account ON certificates (account_id);
