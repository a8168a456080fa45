-- A speaker's profile, shown beside their name (the account's, with its
-- titles) on the agenda: institution, position, a short biography and a
-- photo; and the zone they read their own sessions' times in. Kept by the
-- speaker on /my/profile, or by an organiser of an event they speak at.
CREATE TABLE speaker_profiles (
    user_id      TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    institution  TEXT NOT NULL DEFAULT '',
    position     TEXT NOT NULL DEFAULT '',
    bio          TEXT NOT NULL DEFAULT '',
    photo_key    TEXT,               -- a JPEG in storage (integrations::storage), by content
    photo_width  INTEGER,
    photo_height INTEGER,
    time_zone    TEXT,               -- Asia/Jakarta, Asia/Makassar or Asia/Jayapura; none: each event's own
    updated_by   TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- The public event page shows the profiles of its speakers: a change of
-- what it shows raises the content version of every event they speak at
-- (migration 2026-12-06-054000); the zone of their own page does not.
CREATE TRIGGER speaker_profiles_added AFTER INSERT ON speaker_profiles
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id IN (SELECT s.event_id FROM sessions s
                     JOIN session_speakers sp ON sp.session_id = s.id
                     WHERE sp.user_id = NEW.user_id);
END;

CREATE TRIGGER speaker_profiles_changed AFTER UPDATE OF institution, position, bio,
    photo_key, photo_width, photo_height ON speaker_profiles
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id IN (SELECT s.event_id FROM sessions s
                     JOIN session_speakers sp ON sp.session_id = s.id
                     WHERE sp.user_id = NEW.user_id);
END;

CREATE TRIGGER speaker_profiles_removed AFTER DELETE ON speaker_profiles
BEGIN
    UPDATE events SET content_version = content_version + 1
        WHERE id IN (SELECT s.event_id FROM sessions s
                     JOIN session_speakers sp ON sp.session_id = s.id
                     WHERE sp.user_id = OLD.user_id);
END;
