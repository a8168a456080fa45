DROP INDEX registrations_event_order;
CREATE INDEX registrations_event_created ON registrations (event_id, created_at);
