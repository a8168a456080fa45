DROP TABLE registrations;
ALTER TABLE events DROP COLUMN contact;
ALTER TABLE events DROP COLUMN registration_closes_at;
ALTER TABLE events DROP COLUMN registration_opens_at;
ALTER TABLE events DROP COLUMN moderated;
ALTER TABLE events DROP COLUMN seat_quota;
