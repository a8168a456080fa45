DROP TABLE imports;
DROP TABLE registration_answers;
DROP TABLE event_questions;
DROP INDEX registrations_event_created;
DROP INDEX registrations_confirmation;
ALTER TABLE registrations DROP COLUMN search_text;
ALTER TABLE registrations DROP COLUMN added_by;
ALTER TABLE registrations DROP COLUMN confirmation_hash;
