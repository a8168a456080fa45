UPDATE attendance_rows SET matched_by = 'email' WHERE matched_by = 'manual';
ALTER TABLE attendance_rows DROP CONSTRAINT attendance_rows_matched_by_check;
ALTER TABLE attendance_rows ADD CONSTRAINT attendance_rows_matched_by_check
    CHECK (matched_by IN ('registrant_id', 'email', 'organiser', 'checkin'));
