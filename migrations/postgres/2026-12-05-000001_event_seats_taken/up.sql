-- The confirmed seats of each event, kept by the database itself: the
-- public event page shows the seats left on every request, and counting an
-- event's registrations each time grew with them (10,000 index entries
-- read for one number). Every change of a registration's state, from any
-- code path, passes through these triggers in its own transaction; the
-- transactions that move seats hold the event's row lock already.
ALTER TABLE events ADD COLUMN seats_taken INTEGER NOT NULL DEFAULT 0;
UPDATE events SET seats_taken =
    (SELECT count(*) FROM registrations r WHERE r.event_id = events.id AND r.status = 'confirmed');

CREATE FUNCTION registrations_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'confirmed' THEN
        UPDATE events SET seats_taken = seats_taken - 1 WHERE id = OLD.event_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'confirmed' THEN
        UPDATE events SET seats_taken = seats_taken + 1 WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER registrations_seat_taken AFTER INSERT ON registrations
FOR EACH ROW WHEN (NEW.status = 'confirmed')
EXECUTE FUNCTION registrations_count_seats();

CREATE TRIGGER registrations_seat_freed AFTER DELETE ON registrations
FOR EACH ROW WHEN (OLD.status = 'confirmed')
EXECUTE FUNCTION registrations_count_seats();

CREATE TRIGGER registrations_seat_changed AFTER UPDATE OF status, event_id ON registrations
FOR EACH ROW WHEN ((OLD.status = 'confirmed') <> (NEW.status = 'confirmed')
    OR (NEW.status = 'confirmed' AND OLD.event_id <> NEW.event_id))
EXECUTE FUNCTION registrations_count_seats();
