DROP TRIGGER users_speaker_renamed ON users;
DROP FUNCTION users_raise_speakers_content_version();
DROP TRIGGER session_speakers_changed ON session_speakers;
DROP FUNCTION session_speakers_raise_content_version();
DROP TRIGGER sessions_content_changed ON sessions;
DROP FUNCTION sessions_raise_content_version();
DROP TRIGGER events_content_changed ON events;
DROP FUNCTION events_raise_content_version();
ALTER TABLE events DROP COLUMN content_version;
