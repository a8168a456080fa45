-- Materials of a session (slides, handouts, a link to a video): put up by
-- the session's speakers and the event's organisers, read by participants
-- as each material's visibility and availability allow.

-- One material. A file material has one or more versions
-- (material_versions), the newest shown; a link material has `link` and
-- no version.
CREATE TABLE materials (
    id           TEXT PRIMARY KEY NOT NULL,
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    session_id   TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    visibility   TEXT NOT NULL,      -- registered, public or organisers
    availability TEXT NOT NULL,      -- now, session_start or session_end
    link         TEXT,               -- http(s) address of a link material
    hidden       BOOLEAN NOT NULL DEFAULT FALSE,
    downloads    BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX materials_event ON materials (event_id, session_id);

-- Every file uploaded for a material, the earlier ones kept.
CREATE TABLE material_versions (
    material_id TEXT NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    file_key    TEXT NOT NULL,       -- in storage (integrations::storage), by content
    name        TEXT NOT NULL,       -- the sender's name, made safe (web::upload::safe_name)
    kind        TEXT NOT NULL,       -- pdf, pptx, docx, xlsx, jpg or png, as its content showed
    size        BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (material_id, version)
);
