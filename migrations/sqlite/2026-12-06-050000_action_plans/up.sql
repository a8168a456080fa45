-- Action plans (RTL): one per participant with a seat, written as a draft
-- and submitted; every submission kept as an immutable version, which
-- review and "what changed" read. The plan's content is JSON
-- (domain::action_plan::Content): a draft is kept as typed, also when it
-- could not be submitted as it is.

-- The event's deadline for plans (NULL: none) and what a later
-- submission gets: taken and marked late, or refused.
ALTER TABLE events ADD COLUMN plan_due_at TIMESTAMP;
ALTER TABLE events ADD COLUMN plan_late_accepted BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE action_plans (
    id              TEXT PRIMARY KEY NOT NULL,
    registration_id TEXT NOT NULL UNIQUE REFERENCES registrations (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'revision_asked', 'accepted')),
    content         TEXT NOT NULL,        -- the working copy: the draft, or the last version submitted
    attachment_key  TEXT,                 -- in storage (integrations::storage), by content
    attachment_name TEXT,                 -- as shown, made safe (web::upload::safe_name)
    attachment_kind TEXT,                 -- pdf, docx, xlsx, jpeg or png, as its content showed
    version         INTEGER NOT NULL DEFAULT 0,   -- the last version submitted; 0: never
    late            BOOLEAN NOT NULL DEFAULT FALSE, -- a version was submitted after the deadline
    reviewer_id     TEXT REFERENCES users (id) ON DELETE SET NULL, -- NULL: any of the event's reviewers
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    submitted_at    TIMESTAMP             -- of the last version
);
CREATE INDEX action_plans_event ON action_plans (event_id, state);

CREATE TABLE action_plan_versions (
    plan_id         TEXT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,     -- 1, 2, … per plan
    content         TEXT NOT NULL,        -- as submitted, never changed
    attachment_key  TEXT,
    attachment_name TEXT,
    attachment_kind TEXT,
    late            BOOLEAN NOT NULL,
    submitted_by    TEXT NOT NULL REFERENCES users (id),
    submitted_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, version)
);
