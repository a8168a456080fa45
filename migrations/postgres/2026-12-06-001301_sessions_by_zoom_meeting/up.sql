-- Each Zoom webhook delivery is matched to its session by the meeting's
-- number: an index seek rather than a scan of every session held.
CREATE INDEX sessions_zoom_meeting ON sessions (zoom_meeting_id);
