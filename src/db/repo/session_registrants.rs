//! Each confirmed participant's registration for each Zoom session's
//! meeting: `pending` until Zoom has them, then `added` with their personal
//! link; `cancelled` once they no longer take part.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use crate::db::DbConnection;
use crate::db::models::SessionRegistrantRow;
use crate::db::schema::{registrations, session_registrants as rows};
use crate::db::states::Stored;
use crate::domain::registrant::{LinkStanding, RegistrantStatus};
use crate::domain::registration::Status;

/// Someone to register with Zoom.
#[derive(Clone, Debug, Queryable)]
pub struct Person {
    pub registration_id: String,
    pub email: String,
    pub name: String,
}

/// Someone whose Zoom registration is to be cancelled.
#[derive(Clone, Debug, Queryable)]
pub struct Leaver {
    pub registration_id: String,
    pub email: String,
    pub registrant_id: Option<String>,
}

/// Which rows an insert covers: one participant in every Zoom session of
/// the event, or every confirmed participant in one session.
pub enum Scope<'a> {
    Registration(&'a str),
    Session(&'a str),
}

/// Queues the participants of `scope` for Zoom. A row that was cancelled
/// or failed is queued again (the participant is back, or is retried); an
/// existing one is left alone.
pub fn add_pending(
    conn: &mut DbConnection,
    event_id: &str,
    scope: Scope<'_>,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let (filter, key) = match scope {
        Scope::Registration(id) => ("r.id", id),
        Scope::Session(id) => ("s.id", id),
    };
    // Numbered parameters: PostgreSQL writes them $n, SQLite ?n.
    let sql = |p: char| {
        format!(
            "INSERT INTO session_registrants (session_id, registration_id, status, created_at, updated_at) \
             SELECT s.id, r.id, 'pending', {p}3, {p}3 FROM sessions s \
             JOIN registrations r ON r.event_id = s.event_id \
             WHERE s.event_id = {p}1 AND s.delivery = 'zoom' AND r.status = '{confirmed}' AND {filter} = {p}2 \
             ON CONFLICT (session_id, registration_id) DO UPDATE \
             SET status = 'pending', error = NULL, updated_at = excluded.updated_at \
             WHERE session_registrants.status IN ('cancelled', 'failed')",
            confirmed = Status::Confirmed.stored(),
        )
    };
    let now = now.naive_utc();
    match conn {
        DbConnection::Pg(pg) => diesel::sql_query(sql('$'))
            .bind::<Text, _>(event_id)
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(now)
            .execute(pg),
        DbConnection::Sqlite(sqlite) => diesel::sql_query(sql('?'))
            .bind::<Text, _>(event_id)
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(now)
            .execute(sqlite),
    }
}

/// Up to `limit` confirmed participants still to register for the session,
/// in a stable order.
pub fn pending(conn: &mut DbConnection, session_id: &str, limit: i64) -> QueryResult<Vec<Person>> {
    rows::table
        .inner_join(registrations::table)
        .filter(rows::session_id.eq(session_id))
        .filter(rows::status.eq(RegistrantStatus::Pending.stored()))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .order(rows::registration_id.asc())
        .limit(limit)
        .select((
            rows::registration_id,
            registrations::email,
            registrations::full_name,
        ))
        .load(conn)
}

/// Participants registered with Zoom (or queued) who no longer take part.
pub fn leavers(conn: &mut DbConnection, session_id: &str) -> QueryResult<Vec<Leaver>> {
    rows::table
        .inner_join(registrations::table)
        .filter(rows::session_id.eq(session_id))
        .filter(rows::status.eq_any([
            RegistrantStatus::Pending.stored(),
            RegistrantStatus::Added.stored(),
        ]))
        .filter(registrations::status.ne(Status::Confirmed.stored()))
        .select((
            rows::registration_id,
            registrations::email,
            rows::zoom_registrant_id,
        ))
        .load(conn)
}

pub fn mark_added(
    conn: &mut DbConnection,
    session_id: &str,
    registration_id: &str,
    registrant_id: &str,
    join_url: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(rows::table.find((session_id, registration_id)))
        .set((
            rows::status.eq(RegistrantStatus::Added.stored()),
            rows::zoom_registrant_id.eq(registrant_id),
            rows::join_url.eq(join_url),
            rows::error.eq(None::<String>),
            rows::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets `status` (and `error`) on some participants' rows of a session.
pub fn mark(
    conn: &mut DbConnection,
    session_id: &str,
    registration_ids: &[String],
    status: RegistrantStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        rows::table
            .filter(rows::session_id.eq(session_id))
            .filter(rows::registration_id.eq_any(registration_ids)),
    )
    .set((
        rows::status.eq(status.stored()),
        rows::error.eq(error),
        rows::updated_at.eq(now.naive_utc()),
    ))
    .execute(conn)
    .map(drop)
}

/// Whether Zoom refused this participant for this session: no personal
/// link is coming until someone acts.
pub fn refused(
    conn: &mut DbConnection,
    session_id: &str,
    registration_id: &str,
) -> QueryResult<bool> {
    let status: Option<String> = rows::table
        .find((session_id, registration_id))
        .select(rows::status)
        .first(conn)
        .optional()?;
    Ok(status.as_deref() == Some(RegistrantStatus::Failed.stored()))
}

/// Forgets a session's registrants: its meeting, and their links, are gone.
pub fn clear(conn: &mut DbConnection, session_id: &str) -> QueryResult<()> {
    diesel::delete(rows::table.filter(rows::session_id.eq(session_id)))
        .execute(conn)
        .map(drop)
}

/// Where each confirmed participant of an event's Zoom sessions stands,
/// per session.
pub fn standings(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<HashMap<String, LinkStanding>> {
    let found: Vec<(String, String, String, String, Option<String>)> = rows::table
        .inner_join(registrations::table)
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .order((rows::session_id, registrations::full_name))
        .select((
            rows::session_id,
            rows::status,
            registrations::full_name,
            registrations::email,
            rows::error,
        ))
        .load(conn)?;
    let mut standings: HashMap<String, LinkStanding> = HashMap::new();
    for (session_id, status, name, email, error) in found {
        let Some(status) = RegistrantStatus::from_stored(&status) else {
            continue;
        };
        standings
            .entry(session_id)
            .or_default()
            .count(status, name, email, error.as_deref());
    }
    Ok(standings)
}

pub fn of_session(
    conn: &mut DbConnection,
    session_id: &str,
) -> QueryResult<Vec<SessionRegistrantRow>> {
    rows::table
        .filter(rows::session_id.eq(session_id))
        .order(rows::registration_id.asc())
        .select(SessionRegistrantRow::as_select())
        .load(conn)
}
