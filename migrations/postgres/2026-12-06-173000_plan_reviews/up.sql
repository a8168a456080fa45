-- Reviewers: a role per event beside organiser and speaker, who read and
-- decide on the event's action plans.
ALTER TABLE event_members DROP CONSTRAINT event_members_role_check;
ALTER TABLE event_members ADD CONSTRAINT event_members_role_check
    CHECK (role IN ('organiser', 'speaker', 'reviewer'));

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
