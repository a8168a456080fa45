use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::models::{AnswerRow, EventRow, QuestionRow, RegistrationRow};
use crate::db::schema::{event_questions, events, registration_answers, registrations};
use crate::db::states::Stored;
use crate::db::{DbConnection, MultiBackend as DbBackend};
use crate::domain::event::Event;
use crate::domain::registration::{Filter, Seats, Status};

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
    // seats_taken is kept by triggers on registrations (migration
    // 2026-12-05-000001): one row read, however many registered.
    let (quota, moderated, confirmed) = events::table
        .find(event_id)
        .select((events::seat_quota, events::moderated, events::seats_taken))
        .first::<(Option<i32>, bool, i32)>(conn)?;
    let seats = Seats {
        confirmed: u32::try_from(confirmed).unwrap_or(u32::MAX),
        quota: quota.map(|q| u32::try_from(q).unwrap_or(0)),
    };
    Ok((seats, moderated))
}

pub fn insert(conn: &mut DbConnection, row: &RegistrationRow) -> QueryResult<()> {
    diesel::insert_into(registrations::table)
        .values(row.clone())
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
            registrations::status.eq(status.stored()),
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
        .filter(registrations::status.eq(Status::Waitlisted.stored()))
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
        .filter(registrations::status.eq(status.stored()))
        .order((registrations::queued_at.asc(), registrations::id.asc()))
        .select(registrations::id)
        .load(conn)
}

/// Registrations of an event with one status, whole: whom a change of
/// the agenda reaches.
pub fn with_status(
    conn: &mut DbConnection,
    event_id: &str,
    status: Status,
) -> QueryResult<Vec<RegistrationRow>> {
    registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(status.stored()))
        .order(registrations::id.asc())
        .select(RegistrationRow::as_select())
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

pub fn find_by_confirmation(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .filter(registrations::confirmation_hash.eq(hash))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// A new confirmation link replaces the old one; `None` retires it.
/// The link's age counts from `updated_at`, stamped here.
pub fn set_confirmation(
    conn: &mut DbConnection,
    id: &str,
    hash: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(registrations::table.find(id))
        .set((
            registrations::confirmation_hash.eq(hash),
            registrations::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

/// A participant's registrations, newest event first.
pub fn of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> QueryResult<Vec<(RegistrationRow, Event)>> {
    let rows: Vec<(RegistrationRow, EventRow)> = registrations::table
        .inner_join(events::table)
        .filter(registrations::user_id.eq(user_id))
        .order(events::starts_at.desc())
        .select((RegistrationRow::as_select(), EventRow::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(registration, event)| (registration, super::events::into_event(event)))
        .collect())
}

fn filtered<'a>(event_id: &'a str, filter: &'a Filter) -> registrations::BoxedQuery<'a, DbBackend> {
    let mut query = registrations::table
        .filter(registrations::event_id.eq(event_id))
        .into_boxed();
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        query = query.filter(registrations::search_text.like(pattern).escape('\\'));
    }
    if let Some(status) = filter.status {
        query = query.filter(registrations::status.eq(status.stored()));
    }
    if let Some(code) = &filter.province_code {
        query = query.filter(registrations::province_code.eq(code));
    }
    if let Some(code) = &filter.regency_code {
        query = query.filter(registrations::regency_code.eq(code));
    }
    query
}

/// `text` matched as typed in a `LIKE` pattern escaped with `\`.
pub(super) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub fn count(conn: &mut DbConnection, event_id: &str, filter: &Filter) -> QueryResult<i64> {
    filtered(event_id, filter).count().get_result(conn)
}

/// One page of the list, newest first.
pub fn page(
    conn: &mut DbConnection,
    event_id: &str,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<RegistrationRow>> {
    filtered(event_id, filter)
        .order((registrations::created_at.desc(), registrations::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(RegistrationRow::as_select())
        .load(conn)
}

/// How many registrations of the event are in each state.
pub fn counts_by_status(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(Status, i64)>> {
    let counts: Vec<(String, i64)> = registrations::table
        .filter(registrations::event_id.eq(event_id))
        .group_by(registrations::status)
        .select((registrations::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(Status::ALL
        .into_iter()
        .map(|status| {
            let n = counts.iter().find(|(s, _)| s == status.stored());
            (status, n.map_or(0, |(_, n)| *n))
        })
        .collect())
}

/// One statement per answer: a multi-row insert is not available on both
/// backends through one connection type, and an event has few questions.
pub fn insert_answers(conn: &mut DbConnection, answers: &[AnswerRow]) -> QueryResult<()> {
    for answer in answers {
        diesel::insert_into(registration_answers::table)
            .values(answer)
            .execute(conn)?;
    }
    Ok(())
}

/// The answers of the given registrations (for a page of the list or an export).
pub fn answers_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<AnswerRow>> {
    let mut answers = Vec::new();
    // Bound parameters are limited per statement (SQLite: 32,766).
    for chunk in ids.chunks(10_000) {
        answers.extend(
            registration_answers::table
                .filter(registration_answers::registration_id.eq_any(chunk))
                .select(AnswerRow::as_select())
                .load(conn)?,
        );
    }
    Ok(answers)
}

pub fn questions(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<QuestionRow>> {
    event_questions::table
        .filter(event_questions::event_id.eq(event_id))
        .order((event_questions::position.asc(), event_questions::id.asc()))
        .select(QuestionRow::as_select())
        .load(conn)
}

pub fn insert_question(conn: &mut DbConnection, row: &QuestionRow) -> QueryResult<()> {
    diesel::insert_into(event_questions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn delete_question(conn: &mut DbConnection, event_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        event_questions::table
            .filter(event_questions::event_id.eq(event_id))
            .filter(event_questions::id.eq(id)),
    )
    .execute(conn)
}
