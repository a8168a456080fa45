DROP INDEX sessions_zoom_meeting;
