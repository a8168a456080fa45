//! Session materials and their file versions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::{MaterialRow, MaterialVersionRow};
use crate::db::schema::{
    material_digests, material_versions, materials, registrations, session_speakers, sessions,
};
use crate::db::states::Stored;
use crate::domain::registration::Status;

pub fn insert(conn: &mut DbConnection, row: &MaterialRow) -> QueryResult<()> {
    diesel::insert_into(materials::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn insert_version(conn: &mut DbConnection, row: &MaterialVersionRow) -> QueryResult<()> {
    diesel::insert_into(material_versions::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<MaterialRow>> {
    materials::table
        .find(id)
        .select(MaterialRow::as_select())
        .first(conn)
        .optional()
}

/// The event's materials, by their session's start, then as added.
pub fn of_event(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<MaterialRow>> {
    materials::table
        .inner_join(sessions::table)
        .filter(materials::event_id.eq(event_id))
        .order((
            sessions::starts_at.asc(),
            materials::session_id.asc(),
            materials::created_at.asc(),
            materials::id.asc(),
        ))
        .select(MaterialRow::as_select())
        .load(conn)
}

/// Every version of the materials, the newest of each first.
pub fn versions_of(
    conn: &mut DbConnection,
    material_ids: &[String],
) -> QueryResult<Vec<MaterialVersionRow>> {
    if material_ids.is_empty() {
        return Ok(Vec::new());
    }
    material_versions::table
        .filter(material_versions::material_id.eq_any(material_ids))
        .order((
            material_versions::material_id.asc(),
            material_versions::version.desc(),
        ))
        .select(MaterialVersionRow::as_select())
        .load(conn)
}

/// The number the next version of a material gets.
pub fn next_version(conn: &mut DbConnection, material_id: &str) -> QueryResult<i32> {
    let last: Option<i32> = material_versions::table
        .filter(material_versions::material_id.eq(material_id))
        .select(diesel::dsl::max(material_versions::version))
        .first(conn)?;
    Ok(last.unwrap_or(0) + 1)
}

pub fn touch(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(materials::table.find(id))
        .set(materials::updated_at.eq(at))
        .execute(conn)
        .map(drop)
}

pub fn set_hidden(
    conn: &mut DbConnection,
    id: &str,
    hidden: bool,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(materials::table.find(id))
        .set((materials::hidden.eq(hidden), materials::updated_at.eq(at)))
        .execute(conn)
        .map(drop)
}

/// Removes the material and its versions (their files stay in storage:
/// a file is kept by its content and may be another material's too).
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(material_versions::table.filter(material_versions::material_id.eq(id)))
        .execute(conn)?;
    diesel::delete(materials::table.find(id))
        .execute(conn)
        .map(drop)
}

/// One more download of each, counted by the database so that
/// concurrent ones all count.
pub fn count_downloads(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    diesel::update(materials::table.filter(materials::id.eq_any(ids)))
        .set(materials::downloads.eq(materials::downloads + 1))
        .execute(conn)
        .map(drop)
}

pub fn speaks_at(conn: &mut DbConnection, session_id: &str, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        session_speakers::table
            .filter(session_speakers::session_id.eq(session_id))
            .filter(session_speakers::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// The sessions of the event someone speaks at.
pub fn sessions_spoken(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
) -> QueryResult<Vec<String>> {
    session_speakers::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .filter(session_speakers::user_id.eq(user_id))
        .select(session_speakers::session_id)
        .load(conn)
}

/// Whether someone holds a confirmed seat in the event.
pub fn holds_seat(conn: &mut DbConnection, event_id: &str, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        registrations::table
            .filter(registrations::event_id.eq(event_id))
            .filter(registrations::user_id.eq(user_id))
            .filter(registrations::status.eq(Status::Confirmed.stored())),
    ))
    .get_result(conn)
}

/// The event's materials its participants were told of in a digest.
pub fn announced(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<String>> {
    material_digests::table
        .filter(material_digests::event_id.eq(event_id))
        .select(material_digests::material_id)
        .load(conn)
}

/// Records that the digest of `day` told of these materials of the event.
pub fn record_announced(
    conn: &mut DbConnection,
    event_id: &str,
    material_ids: &[String],
    day: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    for id in material_ids {
        diesel::insert_into(material_digests::table)
            .values((
                material_digests::material_id.eq(id),
                material_digests::event_id.eq(event_id),
                material_digests::day.eq(day),
                material_digests::announced_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
