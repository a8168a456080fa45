-- Retries are counted in time from the first failure of a run of
-- failures, not in attempts: forty one-second rate limits are not a day
-- of outage.
ALTER TABLE jobs ADD COLUMN failing_since TIMESTAMP;
ALTER TABLE jobs DROP COLUMN max_attempts;
