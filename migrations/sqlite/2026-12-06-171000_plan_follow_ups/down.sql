DROP TABLE follow_up_evidence;
DROP TABLE follow_up_reports;
DROP TABLE plan_follow_ups;
