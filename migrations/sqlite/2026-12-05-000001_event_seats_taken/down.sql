DROP TRIGGER registrations_seat_changed;
DROP TRIGGER registrations_seat_freed;
DROP TRIGGER registrations_seat_taken;
ALTER TABLE events DROP COLUMN seats_taken;
