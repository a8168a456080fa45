use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::SessionRow;
use crate::db::schema::{session_registrants, session_speakers, sessions, users};
use crate::db::states::Stored;
use crate::domain::session::{
    Delivery, Plan, Session, Speaker, ZoomMeeting, ZoomProblem, ZoomStatus,
};

/// Keeps host-conflict checks for one Zoom host apart from every other
/// advisory lock (the first key of the two-key form).
const PG_HOST_LOCK_CLASS: i32 = 0x7a6f_6f6d; // "zoom"

/// Serialises, until the transaction ends, every change that books `host`,
/// so that two sessions booked at once cannot both pass the conflict check.
/// `SELECT … FOR UPDATE` cannot do it: the host's first session has no row
/// yet to lock, so an advisory lock keyed by the host's name stands in.
/// SQLite's write transactions are serial already (`BEGIN IMMEDIATE`).
pub fn lock_host(conn: &mut DbConnection, host: &str) -> QueryResult<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind::<Integer, _>(PG_HOST_LOCK_CLASS)
            .bind::<Text, _>(host)
            .execute(pg)?;
    }
    Ok(())
}

/// The columns a plan sets: delivery in three, one of them filled.
fn place(plan: &Plan) -> (Option<String>, Option<String>, Option<String>) {
    match &plan.delivery {
        Delivery::Zoom { host } => (None, None, Some(host.clone())),
        Delivery::Link { url } => (Some(url.clone()), None, None),
        Delivery::InPerson { location } => (None, Some(location.clone()), None),
    }
}

fn jp_column(plan: &Plan) -> Option<i32> {
    plan.jp_override
        .map(|jp| i32::try_from(jp).unwrap_or(i32::MAX))
}

pub fn insert(
    conn: &mut DbConnection,
    event_id: &str,
    plan: &Plan,
    now: DateTime<Utc>,
) -> QueryResult<Session> {
    let (join_link, location, zoom_host) = place(plan);
    let row = SessionRow {
        id: Uuid::now_v7().to_string(),
        event_id: event_id.to_owned(),
        title: plan.title.clone(),
        description: plan.description.clone(),
        starts_at: plan.starts_at.naive_utc(),
        ends_at: plan.ends_at.naive_utc(),
        jp_override: jp_column(plan),
        mandatory: plan.mandatory,
        delivery: plan.delivery.kind().to_owned(),
        join_link,
        location,
        zoom_host,
        speakers_are_alternative_hosts: plan.speakers_are_alternative_hosts,
        zoom_meeting_id: None,
        zoom_join_url: None,
        zoom_start_url: None,
        zoom_status: ZoomStatus::None
            .after_planning(&plan.delivery)
            .stored()
            .to_owned(),
        zoom_error: None,
        sequence: 0,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    };
    diesel::insert_into(sessions::table)
        .values(&row)
        .execute(conn)?;
    set_speakers(conn, &row.id, &plan.speaker_ids)?;
    find(conn, &row.id)?.ok_or(diesel::result::Error::NotFound)
}

/// Replaces what organisers decide, with the Zoom state and invitation
/// sequence that follow from the change.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    plan: &Plan,
    zoom_status: ZoomStatus,
    sequence: u32,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let (join_link, location, zoom_host) = place(plan);
    diesel::update(sessions::table.find(id))
        .set((
            sessions::title.eq(&plan.title),
            sessions::description.eq(&plan.description),
            sessions::starts_at.eq(plan.starts_at.naive_utc()),
            sessions::ends_at.eq(plan.ends_at.naive_utc()),
            sessions::jp_override.eq(jp_column(plan)),
            sessions::mandatory.eq(plan.mandatory),
            sessions::delivery.eq(plan.delivery.kind()),
            sessions::join_link.eq(join_link),
            sessions::location.eq(location),
            sessions::zoom_host.eq(zoom_host),
            sessions::speakers_are_alternative_hosts.eq(plan.speakers_are_alternative_hosts),
            sessions::zoom_status.eq(zoom_status.stored()),
            sessions::sequence.eq(i32::try_from(sequence).unwrap_or(i32::MAX)),
            sessions::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    set_speakers(conn, id, &plan.speaker_ids)
}

/// Raises the invitation sequence of every session of the event (something
/// all their calendar entries show changed) and returns them as they are now.
pub fn raise_sequences(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<Session>> {
    diesel::update(sessions::table.filter(sessions::event_id.eq(event_id)))
        .set(sessions::sequence.eq(sessions::sequence + 1))
        .execute(conn)?;
    of_event(conn, event_id)
}

/// The session held in Zoom meeting `meeting_id`, if any of ours is.
pub fn by_zoom_meeting(conn: &mut DbConnection, meeting_id: i64) -> QueryResult<Option<String>> {
    sessions::table
        .filter(sessions::zoom_meeting_id.eq(meeting_id))
        .select(sessions::id)
        .first(conn)
        .optional()
}

/// The meeting Zoom made for a session: the session is ready. `false` when
/// the session was deleted meanwhile.
pub fn set_meeting(
    conn: &mut DbConnection,
    id: &str,
    meeting_id: i64,
    join_url: &str,
    start_url: &str,
) -> QueryResult<bool> {
    diesel::update(sessions::table.find(id))
        .set((
            sessions::zoom_meeting_id.eq(Some(meeting_id)),
            sessions::zoom_join_url.eq(Some(join_url)),
            sessions::zoom_start_url.eq(Some(start_url)),
            sessions::zoom_status.eq(ZoomStatus::Ready.stored()),
            sessions::zoom_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// The session's meeting is gone (or was never wanted): no meeting, and
/// `status` from here on.
pub fn clear_meeting(conn: &mut DbConnection, id: &str, status: ZoomStatus) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set((
            sessions::zoom_meeting_id.eq(None::<i64>),
            sessions::zoom_join_url.eq(None::<String>),
            sessions::zoom_start_url.eq(None::<String>),
            sessions::zoom_status.eq(status.stored()),
            sessions::zoom_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// The session's meeting `meeting_id` was deleted on Zoom's side: it is
/// forgotten, organisers see why the session waits for a new one, and the
/// invitation sequence is raised, so that the new meeting's links reach
/// participants as a change to the entry their calendars have. `false`
/// when the session has another meeting already (or is gone).
pub fn meeting_gone(conn: &mut DbConnection, id: &str, meeting_id: i64) -> QueryResult<bool> {
    let problem = ZoomProblem {
        key: "zoom.error.meeting_gone".into(),
        detail: String::new(),
        until: None,
    };
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::zoom_meeting_id.eq(meeting_id)),
    )
    .set((
        sessions::zoom_meeting_id.eq(None::<i64>),
        sessions::zoom_join_url.eq(None::<String>),
        sessions::zoom_start_url.eq(None::<String>),
        sessions::zoom_status.eq(ZoomStatus::Pending.stored()),
        sessions::zoom_error.eq(Some(problem.to_stored())),
        sessions::sequence.eq(sessions::sequence + 1),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Where the session's meeting stands, with the reason when it failed.
pub fn set_zoom_status(
    conn: &mut DbConnection,
    id: &str,
    status: ZoomStatus,
    error: Option<&ZoomProblem>,
) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set((
            sessions::zoom_status.eq(status.stored()),
            sessions::zoom_error.eq(error.map(ZoomProblem::to_stored)),
        ))
        .execute(conn)
        .map(drop)
}

/// The event's sessions held on Zoom.
pub fn zoom_ids_of_event(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<String>> {
    sessions::table
        .filter(sessions::event_id.eq(event_id))
        .filter(sessions::delivery.eq("zoom"))
        .select(sessions::id)
        .load(conn)
}

fn set_speakers(conn: &mut DbConnection, session_id: &str, user_ids: &[String]) -> QueryResult<()> {
    diesel::delete(session_speakers::table.filter(session_speakers::session_id.eq(session_id)))
        .execute(conn)?;
    for user_id in user_ids {
        diesel::insert_into(session_speakers::table)
            .values((
                session_speakers::session_id.eq(session_id),
                session_speakers::user_id.eq(user_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes a session (its speakers go with it); `false` when there was none.
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    Ok(diesel::delete(sessions::table.find(id)).execute(conn)? > 0)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Session>> {
    let row = sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_speakers(conn, row.into_iter().collect())?.pop())
}

/// An event's agenda, in order.
pub fn of_event(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<Session>> {
    let rows = sessions::table
        .filter(sessions::event_id.eq(event_id))
        .order((
            sessions::starts_at.asc(),
            sessions::ends_at.asc(),
            sessions::id.asc(),
        ))
        .select(SessionRow::as_select())
        .load(conn)?;
    with_speakers(conn, rows)
}

/// Sessions on `host`'s Zoom that start before `before`, except `except`:
/// those that can overlap a session ending then (the rule itself is
/// [`crate::domain::session::host_conflict`]).
pub fn on_host_starting_before(
    conn: &mut DbConnection,
    host: &str,
    before: DateTime<Utc>,
    except: Option<&str>,
) -> QueryResult<Vec<Session>> {
    let mut query = sessions::table
        .filter(sessions::zoom_host.eq(host))
        .filter(sessions::delivery.eq("zoom"))
        .filter(sessions::starts_at.lt(before.naive_utc()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(sessions::id.ne(id));
    }
    let rows = query
        .order(sessions::starts_at.desc())
        .select(SessionRow::as_select())
        .load(conn)?;
    with_speakers(conn, rows)
}

/// The sessions someone speaks at, in order.
pub fn of_speaker(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<Session>> {
    let rows = sessions::table
        .inner_join(session_speakers::table)
        .filter(session_speakers::user_id.eq(user_id))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select(SessionRow::as_select())
        .load(conn)?;
    with_speakers(conn, rows)
}

/// A participant's personal join links (from their Zoom registration), by
/// session.
pub fn personal_join_urls(
    conn: &mut DbConnection,
    registration_id: &str,
) -> QueryResult<std::collections::HashMap<String, String>> {
    Ok(session_registrants::table
        .filter(session_registrants::registration_id.eq(registration_id))
        .filter(session_registrants::join_url.is_not_null())
        .select((
            session_registrants::session_id,
            session_registrants::join_url,
        ))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .filter_map(|(session, url)| Some((session, url?)))
        .collect())
}

fn with_speakers(conn: &mut DbConnection, rows: Vec<SessionRow>) -> QueryResult<Vec<Session>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let speakers: Vec<(String, String, String, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        session_speakers::table
            .inner_join(users::table)
            .filter(session_speakers::session_id.eq_any(&ids))
            .order(users::name.asc())
            .select((
                session_speakers::session_id,
                users::id,
                users::name,
                users::email,
            ))
            .load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let speakers = speakers
                .iter()
                .filter(|(session_id, ..)| *session_id == row.id)
                .map(|(_, id, name, email)| Speaker {
                    id: id.clone(),
                    name: name.clone(),
                    email: email.clone(),
                })
                .collect();
            into_session(row, speakers)
        })
        .collect())
}

fn into_session(row: SessionRow, speakers: Vec<Speaker>) -> Session {
    let delivery = match row.delivery.as_str() {
        "zoom" => Delivery::Zoom {
            host: row.zoom_host.unwrap_or_default(),
        },
        "link" => Delivery::Link {
            url: row.join_link.unwrap_or_default(),
        },
        other => {
            if other != "in_person" {
                tracing::warn!(id = %row.id, delivery = other, "unknown delivery, shown as in person");
            }
            Delivery::InPerson {
                location: row.location.unwrap_or_default(),
            }
        }
    };
    Session {
        plan: Plan {
            title: row.title,
            description: row.description,
            starts_at: row.starts_at.and_utc(),
            ends_at: row.ends_at.and_utc(),
            jp_override: row.jp_override.and_then(|jp| u32::try_from(jp).ok()),
            mandatory: row.mandatory,
            delivery,
            speakers_are_alternative_hosts: row.speakers_are_alternative_hosts,
            speaker_ids: speakers.iter().map(|s| s.id.clone()).collect(),
        },
        zoom: ZoomMeeting {
            status: ZoomStatus::from_stored(&row.zoom_status).unwrap_or(ZoomStatus::None),
            meeting_id: row.zoom_meeting_id,
            join_url: row.zoom_join_url,
            start_url: row.zoom_start_url,
            error: row.zoom_error.as_deref().map(ZoomProblem::from_stored),
        },
        sequence: u32::try_from(row.sequence).unwrap_or(0),
        speakers,
        id: row.id,
        event_id: row.event_id,
    }
}
