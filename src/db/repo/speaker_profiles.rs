//! Speakers' profiles.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::SpeakerProfileRow;
use crate::db::schema::{event_members, session_speakers, sessions, speaker_profiles};
use crate::domain::account::EventRole;

pub fn find(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<SpeakerProfileRow>> {
    speaker_profiles::table
        .find(user_id)
        .select(SpeakerProfileRow::as_select())
        .first(conn)
        .optional()
}

/// The profiles of these people that exist.
pub fn of_users(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> QueryResult<Vec<SpeakerProfileRow>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    speaker_profiles::table
        .filter(speaker_profiles::user_id.eq_any(user_ids))
        .select(SpeakerProfileRow::as_select())
        .load(conn)
}

/// Writes the profile, whether it existed or not.
pub fn save(conn: &mut DbConnection, row: &SpeakerProfileRow) -> QueryResult<()> {
    let updated = diesel::update(speaker_profiles::table.find(&row.user_id))
        .set(row.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(speaker_profiles::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// Whether someone speaks in the event: one of its speakers, or named at
/// one of its sessions.
pub fn speaks_in(conn: &mut DbConnection, event_id: &str, user_id: &str) -> QueryResult<bool> {
    let member: bool = diesel::select(diesel::dsl::exists(
        event_members::table
            .filter(event_members::event_id.eq(event_id))
            .filter(event_members::user_id.eq(user_id))
            .filter(event_members::role.eq(EventRole::Speaker.as_str())),
    ))
    .get_result(conn)?;
    if member {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        session_speakers::table
            .inner_join(sessions::table)
            .filter(sessions::event_id.eq(event_id))
            .filter(session_speakers::user_id.eq(user_id)),
    ))
    .get_result(conn)
}
