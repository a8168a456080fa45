-- An organiser's entry by hand says so: matched_by 'manual', not the
-- e-mail it happened to carry.
ALTER TABLE attendance_rows DROP CONSTRAINT attendance_rows_matched_by_check;
ALTER TABLE attendance_rows ADD CONSTRAINT attendance_rows_matched_by_check
    CHECK (matched_by IN ('registrant_id', 'email', 'organiser', 'checkin', 'manual'));
UPDATE attendance_rows SET matched_by = 'manual' WHERE source = 'manual' AND registration_id IS NOT NULL;
