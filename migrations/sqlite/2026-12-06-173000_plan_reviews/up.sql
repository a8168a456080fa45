-- Reviewers: a role per event beside organiser and speaker, who read and
-- decide on the event's action plans. SQLite changes a CHECK by copying
-- the table.
CREATE TABLE event_members_new (
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('organiser', 'speaker', 'reviewer')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
INSERT INTO event_members_new (event_id, user_id, role, created_at)
    SELECT event_id, user_id, role, created_at FROM event_members;
DROP TABLE event_members;
ALTER TABLE event_members_new RENAME TO event_members;
CREATE INDEX event_members_user ON event_members (user_id);

-- A reviewer's decision on one submitted version of a plan: accepted, or
-- a revision asked, with a comment per section and a general one (JSON,
-- domain::action_plan::review::Comments). One decision per version: the
-- plan's state is changed in the same transaction, only from submitted.
CREATE TABLE action_plan_reviews (
    plan_id     TEXT NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('revision_asked', 'accepted')),
    comments    TEXT NOT NULL,
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, version),
    FOREIGN KEY (plan_id, version) REFERENCES action_plan_versions (plan_id, version)
);
CREATE INDEX action_plans_reviewer ON action_plans (event_id, reviewer_id);
