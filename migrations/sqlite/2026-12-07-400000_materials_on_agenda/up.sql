-- The public event page's agenda lists each session's materials (those not
-- hidden and not for organisers only): a change of what it lists raises the
-- event's content version (migration 2026-12-06-054000). A download, which
-- only counts, does not.
CREATE TRIGGER materials_added AFTER INSERT ON materials
BEGIN
    UPDATE events SET content_version = content_version + 1 WHERE id = NEW.event_id;
END;

CREATE TRIGGER materials_changed AFTER UPDATE OF title, visibility, availability, hidden, session_id
    ON materials
BEGIN
    UPDATE events SET content_version = content_version + 1 WHERE id = NEW.event_id;
END;

CREATE TRIGGER materials_removed AFTER DELETE ON materials
BEGIN
    UPDATE events SET content_version = content_version + 1 WHERE id = OLD.event_id;
END;
