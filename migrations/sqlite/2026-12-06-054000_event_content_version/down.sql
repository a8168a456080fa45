DROP TRIGGER users_speaker_renamed;
DROP TRIGGER session_speakers_removed;
DROP TRIGGER session_speakers_added;
DROP TRIGGER sessions_content_removed;
DROP TRIGGER sessions_content_changed;
DROP TRIGGER sessions_content_added;
DROP TRIGGER events_content_changed;
ALTER TABLE events DROP COLUMN content_version;
