DROP TABLE action_plan_versions;
DROP TABLE action_plans;
ALTER TABLE events DROP COLUMN plan_late_accepted;
ALTER TABLE events DROP COLUMN plan_due_at;
