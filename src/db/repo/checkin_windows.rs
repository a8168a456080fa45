//! Sessions' check-in windows: one per session, replaced when it is opened
//! again (with a new code), its end moved to now when it is closed early.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{attendance_rows, checkin_windows, registrations, sessions};
use crate::db::states::Stored;
use crate::domain::attendance::Source;
use crate::domain::attendance::checkin::Window;
use crate::domain::registration::Status;

pub fn find(conn: &mut DbConnection, session_id: &str) -> QueryResult<Option<Window>> {
    checkin_windows::table
        .find(session_id)
        .select((
            checkin_windows::code,
            checkin_windows::opens_at,
            checkin_windows::closes_at,
        ))
        .first::<(String, chrono::NaiveDateTime, chrono::NaiveDateTime)>(conn)
        .optional()
        .map(|found| {
            found.map(|(code, opens_at, closes_at)| Window {
                code,
                opens_at: opens_at.and_utc(),
                closes_at: closes_at.and_utc(),
            })
        })
}

/// Opens the session's window, replacing any earlier one and its code.
pub fn open(
    conn: &mut DbConnection,
    session_id: &str,
    window: &Window,
    opened_by: &str,
) -> QueryResult<()> {
    let values = (
        checkin_windows::session_id.eq(session_id),
        checkin_windows::code.eq(&window.code),
        checkin_windows::opens_at.eq(window.opens_at.naive_utc()),
        checkin_windows::closes_at.eq(window.closes_at.naive_utc()),
        checkin_windows::opened_by.eq(opened_by),
    );
    let upsert = diesel::insert_into(checkin_windows::table)
        .values(values)
        .on_conflict(checkin_windows::session_id)
        .do_update()
        .set(values);
    // The derived multi-backend has no ON CONFLICT; each backend has.
    match conn {
        DbConnection::Pg(pg) => upsert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => upsert.execute(sqlite)?,
    };
    Ok(())
}

/// Ends the session's window at `now` if it is still open; whether it was.
pub fn close(conn: &mut DbConnection, session_id: &str, now: DateTime<Utc>) -> QueryResult<bool> {
    let now = now.naive_utc();
    diesel::update(
        checkin_windows::table
            .find(session_id)
            .filter(checkin_windows::closes_at.gt(now)),
    )
    .set(checkin_windows::closes_at.eq(now))
    .execute(conn)
    .map(|changed| changed > 0)
}

/// How many have checked in to the session.
pub fn checked_in(conn: &mut DbConnection, session_id: &str) -> QueryResult<i64> {
    attendance_rows::table
        .filter(attendance_rows::session_id.eq(session_id))
        .filter(attendance_rows::source.eq(Source::CheckIn.stored()))
        .count()
        .get_result(conn)
}

/// The sessions whose window is open at `now` in the events where this
/// user holds a confirmed seat, and where they have not checked in yet.
pub fn open_for(
    conn: &mut DbConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<Vec<String>> {
    let now = now.naive_utc();
    checkin_windows::table
        .inner_join(sessions::table)
        .inner_join(registrations::table.on(registrations::event_id.eq(sessions::event_id)))
        .left_join(
            attendance_rows::table.on(attendance_rows::session_id
                .eq(checkin_windows::session_id)
                .and(attendance_rows::registration_id.eq(registrations::id.nullable()))
                .and(attendance_rows::source.eq(Source::CheckIn.stored()))),
        )
        .filter(attendance_rows::id.is_null())
        .filter(registrations::user_id.eq(user_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .filter(checkin_windows::opens_at.le(now))
        .filter(checkin_windows::closes_at.gt(now))
        .select(checkin_windows::session_id)
        .load(conn)
}
