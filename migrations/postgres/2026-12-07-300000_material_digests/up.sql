-- The materials the event's registered participants were told of in
-- their daily digest (services::material_digests), each once: written in
-- the transaction that queues the digest's e-mails, so that a digest run
-- again after a crash tells nothing twice and leaves nothing out.
CREATE TABLE material_digests (
    material_id  TEXT PRIMARY KEY NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,      -- the digest's day in the event's zone, YYYY-MM-DD
    announced_at TIMESTAMP NOT NULL
);
CREATE INDEX material_digests_event ON material_digests (event_id);
