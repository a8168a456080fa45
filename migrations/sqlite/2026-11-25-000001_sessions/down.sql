DROP TABLE session_speakers;
DROP TABLE sessions;
