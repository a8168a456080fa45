DROP INDEX action_plans_reviewer;
DROP TABLE action_plan_reviews;
DELETE FROM event_members WHERE role = 'reviewer';
CREATE TABLE event_members_new (
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('organiser', 'speaker')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
INSERT INTO event_members_new (event_id, user_id, role, created_at)
    SELECT event_id, user_id, role, created_at FROM event_members;
DROP TABLE event_members;
ALTER TABLE event_members_new RENAME TO event_members;
CREATE INDEX event_members_user ON event_members (user_id);
