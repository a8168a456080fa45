-- The public event page's agenda lists each session's materials (those not
-- hidden and not for organisers only): a change of what it lists raises the
-- event's content version (migration 2026-12-06-054000). A download, which
-- only counts, does not.
CREATE FUNCTION materials_raise_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE events SET content_version = content_version + 1 WHERE id = OLD.event_id;
    ELSE
        UPDATE events SET content_version = content_version + 1 WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER materials_changed AFTER INSERT OR DELETE
    OR UPDATE OF title, visibility, availability, hidden, session_id
    ON materials
FOR EACH ROW EXECUTE FUNCTION materials_raise_content_version();
