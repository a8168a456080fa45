use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::EventRow;
use crate::db::schema::events;
use crate::domain::action_plan::{LateRule, PlanRules};
use crate::domain::attendance::Rules;
use crate::domain::event::{Event, NewEvent, Seating};
use crate::domain::timing::{SessionTiming, format_reminder_minutes, parse_reminder_minutes};

/// A count of minutes (or a percentage) as its column holds it.
fn minutes_column(minutes: u32) -> i32 {
    i32::try_from(minutes).unwrap_or(i32::MAX)
}

fn minutes_of(column: i32) -> u32 {
    u32::try_from(column).unwrap_or(0)
}

pub fn insert(conn: &mut DbConnection, new: &NewEvent, now: DateTime<Utc>) -> QueryResult<Event> {
    let row = EventRow {
        id: Uuid::now_v7().to_string(),
        slug: new.slug.clone(),
        title: new.title.trim().to_owned(),
        description: new.description.trim().to_owned(),
        organiser_office: new.organiser_office.trim().to_owned(),
        starts_at: new.starts_at.naive_utc(),
        ends_at: new.ends_at.naive_utc(),
        time_zone: new.time_zone.name().to_owned(),
        published: new.published,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
        seat_quota: new
            .seats
            .quota
            .map(|q| i32::try_from(q).unwrap_or(i32::MAX)),
        moderated: new.seats.moderated,
        registration_opens_at: new.seats.registration_opens_at.map(|at| at.naive_utc()),
        registration_closes_at: new.seats.registration_closes_at.map(|at| at.naive_utc()),
        contact: new.seats.contact.clone(),
        reminder_minutes: format_reminder_minutes(&new.timing.reminder_minutes),
        join_links_before_minutes: minutes_column(new.timing.join_links_before_minutes),
        late_after_minutes: minutes_column(new.rules.late_after_minutes),
        left_early_minutes: minutes_column(new.rules.left_early_minutes),
        session_percent: minutes_column(new.rules.session_percent),
        event_percent: minutes_column(new.rules.event_percent),
        plan_due_at: new.plans.due_at.map(|at| at.naive_utc()),
        plan_late_accepted: new.plans.late == LateRule::Accept,
    };
    diesel::insert_into(events::table)
        .values(&row)
        .execute(conn)?;
    Ok(into_event(row))
}

/// Replaces what an organiser can edit; publication has its own switch.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    new: &NewEvent,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(events::table.find(id))
        .set((
            events::slug.eq(&new.slug),
            events::title.eq(&new.title),
            events::description.eq(&new.description),
            events::organiser_office.eq(&new.organiser_office),
            events::starts_at.eq(new.starts_at.naive_utc()),
            events::ends_at.eq(new.ends_at.naive_utc()),
            events::time_zone.eq(new.time_zone.name()),
            events::seat_quota.eq(new
                .seats
                .quota
                .map(|q| i32::try_from(q).unwrap_or(i32::MAX))),
            events::moderated.eq(new.seats.moderated),
            events::registration_opens_at
                .eq(new.seats.registration_opens_at.map(|at| at.naive_utc())),
            events::registration_closes_at
                .eq(new.seats.registration_closes_at.map(|at| at.naive_utc())),
            events::contact.eq(&new.seats.contact),
            events::reminder_minutes.eq(format_reminder_minutes(&new.timing.reminder_minutes)),
            events::join_links_before_minutes
                .eq(minutes_column(new.timing.join_links_before_minutes)),
            events::late_after_minutes.eq(minutes_column(new.rules.late_after_minutes)),
            events::left_early_minutes.eq(minutes_column(new.rules.left_early_minutes)),
            events::session_percent.eq(minutes_column(new.rules.session_percent)),
            events::event_percent.eq(minutes_column(new.rules.event_percent)),
            events::plan_due_at.eq(new.plans.due_at.map(|at| at.naive_utc())),
            events::plan_late_accepted.eq(new.plans.late == LateRule::Accept),
            events::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

pub fn set_published(
    conn: &mut DbConnection,
    id: &str,
    published: bool,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(events::table.find(id))
        .set((
            events::published.eq(published),
            events::updated_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find_published_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Event>> {
    events::table
        .filter(events::slug.eq(slug))
        .filter(events::published.eq(true))
        .select(EventRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(into_event))
}

/// A published event's id and the version of what its public page shows
/// (`content_version`, kept by triggers: migration 2026-12-06-054000).
pub fn published_version(
    conn: &mut DbConnection,
    slug: &str,
) -> QueryResult<Option<(String, i64)>> {
    events::table
        .filter(events::slug.eq(slug))
        .filter(events::published.eq(true))
        .select((events::id, events::content_version))
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Event>> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(into_event))
}

/// Any event by its slug, published or not (for its organisers).
pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Event>> {
    events::table
        .filter(events::slug.eq(slug))
        .select(EventRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(into_event))
}

/// Published events, soonest first.
pub fn list_published(conn: &mut DbConnection) -> QueryResult<Vec<Event>> {
    events::table
        .filter(events::published.eq(true))
        .order(events::starts_at.asc())
        .select(EventRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().map(into_event).collect())
}

/// Every event, newest first (for administrators).
pub fn list_all(conn: &mut DbConnection) -> QueryResult<Vec<Event>> {
    events::table
        .order(events::starts_at.desc())
        .select(EventRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().map(into_event).collect())
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    events::table.count().get_result(conn)
}

pub fn into_event(row: EventRow) -> Event {
    let reminder_minutes = parse_reminder_minutes(&row.reminder_minutes).unwrap_or_else(|| {
        tracing::warn!(slug = %row.slug, minutes = %row.reminder_minutes, "unreadable reminder minutes, none sent");
        Vec::new()
    });
    Event {
        id: row.id.parse().unwrap_or_else(|_| {
            tracing::warn!(id = %row.id, "event id is not a UUID");
            Uuid::nil()
        }),
        time_zone: row.time_zone.parse().unwrap_or_else(|_| {
            tracing::warn!(slug = %row.slug, zone = %row.time_zone, "unknown time zone, showing UTC");
            chrono_tz::Tz::UTC
        }),
        slug: row.slug,
        title: row.title,
        description: row.description,
        organiser_office: row.organiser_office,
        starts_at: row.starts_at.and_utc(),
        ends_at: row.ends_at.and_utc(),
        published: row.published,
        seats: Seating {
            quota: row.seat_quota.and_then(|q| u32::try_from(q).ok()),
            moderated: row.moderated,
            registration_opens_at: row.registration_opens_at.map(|at| at.and_utc()),
            registration_closes_at: row.registration_closes_at.map(|at| at.and_utc()),
            contact: row.contact,
        },
        timing: SessionTiming {
            reminder_minutes,
            join_links_before_minutes: minutes_of(row.join_links_before_minutes),
        },
        rules: Rules {
            late_after_minutes: minutes_of(row.late_after_minutes),
            left_early_minutes: minutes_of(row.left_early_minutes),
            session_percent: minutes_of(row.session_percent),
            event_percent: minutes_of(row.event_percent),
        },
        plans: PlanRules {
            due_at: row.plan_due_at.map(|at| at.and_utc()),
            late: if row.plan_late_accepted {
                LateRule::Accept
            } else {
                LateRule::Refuse
            },
        },
    }
}
