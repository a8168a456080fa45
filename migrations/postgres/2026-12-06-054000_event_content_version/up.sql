-- A version of what the public event page shows, raised by the database
-- itself whenever any of it changes, from any code path and any instance:
-- each instance keeps the page it made and compares this number on every
-- visit (one small read), so that none shows a stale page. It counts
-- changes of the event's row (its seats too: the seat triggers update
-- it), of its sessions, of who speaks at them and of a speaker's name.
-- Of a session's columns only those the page shows count (a column the
-- page comes to show joins the list): Zoom's bookkeeping (meeting, links,
-- status, sequence) changes often, in jobs that lock the session's row
-- first, and would otherwise take the event's row after it, the reverse
-- of an event's edit, which raises its sessions' sequence.
ALTER TABLE events ADD COLUMN content_version BIGINT NOT NULL DEFAULT 0;

-- Any other change of the row raises it in the same write; an update that
-- raises it itself (the triggers below) is left as it is.
CREATE FUNCTION events_raise_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.content_version := OLD.content_version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER events_content_changed BEFORE UPDATE ON events
FOR EACH ROW WHEN (NEW.content_version = OLD.content_version)
EXECUTE FUNCTION events_raise_content_version();

CREATE FUNCTION sessions_raise_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE events SET content_version = content_version + 1 WHERE id = OLD.event_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.event_id <> OLD.event_id) THEN
        UPDATE events SET content_version = content_version + 1 WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_content_changed AFTER INSERT OR DELETE
    OR UPDATE OF event_id, title, description, starts_at, ends_at, jp_override, mandatory,
        delivery, location ON sessions
FOR EACH ROW EXECUTE FUNCTION sessions_raise_content_version();

CREATE FUNCTION session_speakers_raise_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_session TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed_session := OLD.session_id;
    ELSE
        changed_session := NEW.session_id;
    END IF;
    UPDATE events SET content_version = content_version + 1
        WHERE id = (SELECT event_id FROM sessions WHERE id = changed_session);
    RETURN NULL;
END
$$;

CREATE TRIGGER session_speakers_changed AFTER INSERT OR DELETE ON session_speakers
FOR EACH ROW EXECUTE FUNCTION session_speakers_raise_content_version();

CREATE FUNCTION users_raise_speakers_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id IN (SELECT s.event_id FROM sessions s
                     JOIN session_speakers sp ON sp.session_id = s.id
                     WHERE sp.user_id = NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER users_speaker_renamed AFTER UPDATE OF name ON users
FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
EXECUTE FUNCTION users_raise_speakers_content_version();
