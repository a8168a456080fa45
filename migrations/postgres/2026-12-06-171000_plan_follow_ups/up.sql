-- Follow-up of action plans, months after the bimtek: the organisers set
-- one or more dates per event; on each, every participant with an
-- accepted plan is asked by e-mail to report how each planned activity
-- went, with evidence files.

-- One follow-up date of an event. `due_at` is 08:00 of the date in the
-- event's zone: when its e-mails go out and its report opens.
CREATE TABLE plan_follow_ups (
    id         TEXT PRIMARY KEY NOT NULL,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    due_at     TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, due_at)
);

-- A participant's report for one follow-up of their accepted plan. The
-- content is JSON (domain::action_plan::follow_up::Report), kept as typed
-- on every save; `submitted_at` is set once it was sent complete.
CREATE TABLE follow_up_reports (
    id           TEXT PRIMARY KEY NOT NULL,
    follow_up_id TEXT NOT NULL REFERENCES plan_follow_ups (id) ON DELETE CASCADE,
    plan_id      TEXT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    content      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    UNIQUE (follow_up_id, plan_id)
);

-- Photos and documents showing what was done, several per report.
CREATE TABLE follow_up_evidence (
    id         TEXT PRIMARY KEY NOT NULL,
    report_id  TEXT NOT NULL REFERENCES follow_up_reports (id) ON DELETE CASCADE,
    file_key   TEXT NOT NULL,      -- in storage (integrations::storage), by content
    name       TEXT NOT NULL,      -- as shown, made safe (web::upload::safe_name)
    kind       TEXT NOT NULL,      -- pdf, jpeg or png, as its content showed
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_up_evidence_report ON follow_up_evidence (report_id);
