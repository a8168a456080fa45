//! Attendance evidence as stored: the rows each source brings, and the
//! organisers' answers from the review queue that decide whose they are.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::AttendanceRow;
use crate::db::schema::{
    attendance_assignments, attendance_rows, registrations, session_registrants, sessions,
};
use crate::db::states::Stored;
use crate::domain::registration::Status;

/// The confirmed participants of a session's event, with the registrant id
/// Zoom gave them for this session's meeting: what a row may be matched to.
pub fn roster(
    conn: &mut DbConnection,
    session_id: &str,
) -> QueryResult<Vec<(String, String, Option<String>)>> {
    registrations::table
        .inner_join(sessions::table.on(sessions::event_id.eq(registrations::event_id)))
        .left_join(
            session_registrants::table.on(session_registrants::registration_id
                .eq(registrations::id)
                .and(session_registrants::session_id.eq(sessions::id))),
        )
        .filter(sessions::id.eq(session_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .select((
            registrations::id,
            registrations::email,
            session_registrants::zoom_registrant_id.nullable(),
        ))
        .load(conn)
}

/// The organiser's answer for an identity: `Some(Some(id))` assigned to a
/// participant, `Some(None)` dismissed, `None` not decided.
pub fn assignment(
    conn: &mut DbConnection,
    session_id: &str,
    identity: &str,
) -> QueryResult<Option<Option<String>>> {
    attendance_assignments::table
        .find((session_id, identity))
        .select(attendance_assignments::registration_id)
        .first(conn)
        .optional()
}

pub fn find_by_key(conn: &mut DbConnection, dedup_key: &str) -> QueryResult<Option<AttendanceRow>> {
    attendance_rows::table
        .filter(attendance_rows::dedup_key.eq(dedup_key))
        .select(AttendanceRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &AttendanceRow) -> QueryResult<()> {
    diesel::insert_into(attendance_rows::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// Writes back what a later sighting of the same join added (its other
/// end, a name or e-mail the first one lacked, the match that follows).
pub fn update(conn: &mut DbConnection, row: &AttendanceRow) -> QueryResult<()> {
    diesel::update(attendance_rows::table.find(&row.id))
        .set((
            attendance_rows::identity.eq(&row.identity),
            attendance_rows::display_name.eq(&row.display_name),
            attendance_rows::email.eq(&row.email),
            attendance_rows::registrant_id.eq(&row.registrant_id),
            attendance_rows::joined_at.eq(row.joined_at),
            attendance_rows::left_at.eq(row.left_at),
            attendance_rows::minutes.eq(row.minutes),
            attendance_rows::registration_id.eq(&row.registration_id),
            attendance_rows::matched_by.eq(&row.matched_by),
        ))
        .execute(conn)
        .map(drop)
}
