ALTER TABLE events DROP COLUMN join_links_before_minutes;
ALTER TABLE events DROP COLUMN reminder_minutes;
DROP TABLE calendar_feeds;
DROP TABLE session_registrants;
