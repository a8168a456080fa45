-- Sessions: the agenda of an event, each with its speakers and how it is held.
CREATE TABLE sessions (
    id                             TEXT PRIMARY KEY NOT NULL,
    event_id                       TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title                          TEXT NOT NULL,
    description                    TEXT NOT NULL DEFAULT '',
    starts_at                      TIMESTAMP NOT NULL,
    ends_at                        TIMESTAMP NOT NULL,
    jp_override                    INTEGER,                -- NULL: JP follow from the duration
    mandatory                      BOOLEAN NOT NULL,
    delivery                       TEXT NOT NULL CHECK (delivery IN ('zoom', 'link', 'in_person')),
    join_link                      TEXT,                   -- pasted by the organiser (delivery = 'link')
    location                       TEXT,                   -- delivery = 'in_person'
    zoom_host                      TEXT,                   -- Zoom user (e-mail or id) hosting a meeting bimtek creates
    speakers_are_alternative_hosts BOOLEAN NOT NULL,
    zoom_meeting_id                BIGINT,
    zoom_join_url                  TEXT,
    zoom_start_url                 TEXT,                   -- the host's link: never shown to anyone else
    zoom_status                    TEXT NOT NULL CHECK (zoom_status IN ('none', 'pending', 'ready', 'failed')),
    zoom_error                     TEXT,
    sequence                       INTEGER NOT NULL,       -- iCalendar SEQUENCE: raised when time or place changes
    created_at                     TIMESTAMP NOT NULL,
    updated_at                     TIMESTAMP NOT NULL
);
CREATE INDEX sessions_event ON sessions (event_id, starts_at);
CREATE INDEX sessions_zoom_host ON sessions (zoom_host, starts_at);

CREATE TABLE session_speakers (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_speakers_user ON session_speakers (user_id);
