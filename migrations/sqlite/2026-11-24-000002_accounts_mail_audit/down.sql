DROP TABLE secrets;
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE sign_in_failures;
DROP TABLE tokens;
DROP TABLE event_members;
DROP TABLE users;
