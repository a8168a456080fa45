use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::DbConnection;
use crate::db::models::RegistrationRow;
use crate::db::schema::{events, registrations};
use crate::domain::registration::{Seats, Status};

/// Serialises seat decisions for one event until the transaction ends.
/// SQLite's write transactions are serial already (`BEGIN IMMEDIATE`).
pub fn lock_event(conn: &mut DbConnection, event_id: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM events WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(event_id)
            .execute(pg)?;
    }
    Ok(())
}

/// Seats taken and the quota, read under the event's lock.
pub fn seats(conn: &mut DbConnection, event_id: &str) -> QueryResult<(Seats, bool)> {
    let (quota, moderated) = events::table
        .find(event_id)
        .select((events::seat_quota, events::moderated))
        .first::<(Option<i32>, bool)>(conn)?;
    let confirmed = registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(Status::Confirmed.as_str()))
        .count()
        .get_result::<i64>(conn)?;
    let seats = Seats {
        confirmed: u32::try_from(confirmed).unwrap_or(u32::MAX),
        quota: quota.map(|q| u32::try_from(q).unwrap_or(0)),
    };
    Ok((seats, moderated))
}

pub fn insert(conn: &mut DbConnection, row: &RegistrationRow) -> QueryResult<()> {
    diesel::insert_into(registrations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .find(id)
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(
    conn: &mut DbConnection,
    event_id: &str,
    email: &str,
) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::email.eq(email))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// Moves a registration to `status`; joining the waiting list stamps its place in line.
pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    status: Status,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let now = now.naive_utc();
    let queued_at = (status == Status::Waitlisted).then_some(now);
    diesel::update(registrations::table.find(id))
        .set((
            registrations::status.eq(status.as_str()),
            registrations::queued_at.eq(queued_at),
            registrations::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn mark_address_confirmed(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(registrations::table.find(id))
        .set(registrations::address_confirmed_at.eq(Some(now.naive_utc())))
        .execute(conn)
        .map(drop)
}

/// The first in line on the waiting list.
pub fn first_waiting(conn: &mut DbConnection, event_id: &str) -> QueryResult<Option<String>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(Status::Waitlisted.as_str()))
        .order((registrations::queued_at.asc(), registrations::id.asc()))
        .select(registrations::id)
        .first(conn)
        .optional()
}

/// Registrations of an event by status, in line order (for tests and lists).
pub fn ids_with_status(
    conn: &mut DbConnection,
    event_id: &str,
    status: Status,
) -> QueryResult<Vec<String>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(status.as_str()))
        .order((registrations::queued_at.asc(), registrations::id.asc()))
        .select(registrations::id)
        .load(conn)
}

pub fn set_seats(
    conn: &mut DbConnection,
    event_id: &str,
    quota: Option<i32>,
    moderated: bool,
) -> QueryResult<()> {
    diesel::update(events::table.find(event_id))
        .set((
            events::seat_quota.eq(quota),
            events::moderated.eq(moderated),
        ))
        .execute(conn)
        .map(drop)
}
