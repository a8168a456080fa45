DROP INDEX action_plans_reviewer;
DROP TABLE action_plan_reviews;
DELETE FROM event_members WHERE role = 'reviewer';
ALTER TABLE event_members DROP CONSTRAINT event_members_role_check;
ALTER TABLE event_members ADD CONSTRAINT event_members_role_check
    CHECK (role IN ('organiser', 'speaker'));
