-- A webhook delivery's row is matched by the registrant id Zoom gave the
-- participant for the session's meeting: looked up alone, per delivery.
CREATE INDEX session_registrants_zoom_registrant ON session_registrants (session_id, zoom_registrant_id);
