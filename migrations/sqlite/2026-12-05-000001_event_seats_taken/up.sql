-- The confirmed seats of each event, kept by the database itself: the
-- public event page shows the seats left on every request, and counting an
-- event's registrations each time grew with them (10,000 index entries
-- read for one number). Every change of a registration's state, from any
-- code path, passes through these triggers in its own transaction.
ALTER TABLE events ADD COLUMN seats_taken INTEGER NOT NULL DEFAULT 0;
UPDATE events SET seats_taken =
    (SELECT count(*) FROM registrations r WHERE r.event_id = events.id AND r.status = 'confirmed');

CREATE TRIGGER registrations_seat_taken AFTER INSERT ON registrations
WHEN NEW.status = 'confirmed'
BEGIN
    UPDATE events SET seats_taken = seats_taken + 1 WHERE id = NEW.event_id;
END;

CREATE TRIGGER registrations_seat_freed AFTER DELETE ON registrations
WHEN OLD.status = 'confirmed'
BEGIN
    UPDATE events SET seats_taken = seats_taken - 1 WHERE id = OLD.event_id;
END;

CREATE TRIGGER registrations_seat_changed AFTER UPDATE OF status, event_id ON registrations
WHEN (OLD.status = 'confirmed') <> (NEW.status = 'confirmed')
    OR (NEW.status = 'confirmed' AND OLD.event_id <> NEW.event_id)
BEGIN
    UPDATE events SET seats_taken = seats_taken - 1
        WHERE id = OLD.event_id AND OLD.status = 'confirmed';
    UPDATE events SET seats_taken = seats_taken + 1
        WHERE id = NEW.event_id AND NEW.status = 'confirmed';
END;
