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

-- Any other change of the row; this trigger's own update leaves the
-- version changed, so it does not count twice.
CREATE TRIGGER events_content_changed AFTER UPDATE ON events
WHEN NEW.content_version = OLD.content_version
BEGIN
    UPDATE events SET content_version = content_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER sessions_content_added AFTER INSERT ON sessions
BEGIN
    UPDATE events SET content_version = content_version + 1 WHERE id = NEW.event_id;
END;

CREATE TRIGGER sessions_content_changed AFTER UPDATE OF event_id, title, description,
    starts_at, ends_at, jp_override, mandatory, delivery, location ON sessions
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id IN (OLD.event_id, NEW.event_id);
END;

CREATE TRIGGER sessions_content_removed AFTER DELETE ON sessions
BEGIN
    UPDATE events SET content_version = content_version + 1 WHERE id = OLD.event_id;
END;

CREATE TRIGGER session_speakers_added AFTER INSERT ON session_speakers
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id = (SELECT event_id FROM sessions WHERE id = NEW.session_id);
END;

CREATE TRIGGER session_speakers_removed AFTER DELETE ON session_speakers
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id = (SELECT event_id FROM sessions WHERE id = OLD.session_id);
END;

CREATE TRIGGER users_speaker_renamed AFTER UPDATE OF name ON users
WHEN NEW.name <> OLD.name
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id IN (SELECT s.event_id FROM sessions s
                     JOIN session_speakers sp ON sp.session_id = s.id
                     WHERE sp.user_id = NEW.id);
END;
