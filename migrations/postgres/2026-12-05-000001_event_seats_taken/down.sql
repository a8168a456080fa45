DROP TRIGGER registrations_seat_changed ON registrations;
DROP TRIGGER registrations_seat_freed ON registrations;
DROP TRIGGER registrations_seat_taken ON registrations;
DROP FUNCTION registrations_count_seats();
ALTER TABLE events DROP COLUMN seats_taken;
