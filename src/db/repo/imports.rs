//! Uploads kept between their preview and the organiser's confirmation:
//! participant lists (for an event) and Zoom participant reports (for one
//! of its sessions), each row holding what was read from the file.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::ImportRow;
use crate::db::schema::imports;

pub fn insert(conn: &mut DbConnection, row: &ImportRow) -> QueryResult<()> {
    diesel::insert_into(imports::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The upload `id` of the event, of `session_id` (`None`: a participant
/// list): an upload of one kind is never found as the other.
pub fn find(
    conn: &mut DbConnection,
    event_id: &str,
    session_id: Option<&str>,
    id: &str,
) -> QueryResult<Option<ImportRow>> {
    let of_event = imports::table
        .filter(imports::event_id.eq(event_id))
        .filter(imports::id.eq(id))
        .select(ImportRow::as_select());
    match session_id {
        Some(session) => of_event
            .filter(imports::session_id.eq(session))
            .first(conn)
            .optional(),
        None => of_event
            .filter(imports::session_id.is_null())
            .first(conn)
            .optional(),
    }
}

pub fn mark_imported(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set(imports::imported_at.eq(Some(now.naive_utc())))
        .execute(conn)
        .map(drop)
}
