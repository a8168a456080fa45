//! Attendance evidence as stored: the rows each source brings, and the
//! organisers' answers from the review queue that decide whose they are.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::db::models::{AttendanceRow, AttendeeRow, EvidenceRow};
use crate::db::schema::{
    attendance_assignments, attendance_excuses, attendance_overrides, attendance_rows,
    registrations, session_registrants, sessions, zoom_meeting_instances,
};
use crate::db::states::Stored;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::attendance::{Key, Match, Source};
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

/// The confirmed participant of the session's event a row's key names
/// (one of [`roster`]), by an index: a delivery asks for its one person,
/// not for the whole roster.
pub fn identify(
    conn: &mut DbConnection,
    session_id: &str,
    key: &Key<'_>,
) -> QueryResult<Option<String>> {
    match key {
        Key::Registrant(registrant) => session_registrants::table
            .inner_join(registrations::table)
            .filter(session_registrants::session_id.eq(session_id))
            .filter(session_registrants::zoom_registrant_id.eq(*registrant))
            .filter(registrations::status.eq(Status::Confirmed.stored()))
            .select(registrations::id)
            .first(conn)
            .optional(),
        // Registrations keep their e-mail lower-cased, as the key has it.
        Key::Email(email) => registrations::table
            .inner_join(sessions::table.on(sessions::event_id.eq(registrations::event_id)))
            .filter(sessions::id.eq(session_id))
            .filter(registrations::email.eq(email))
            .filter(registrations::status.eq(Status::Confirmed.stored()))
            .select(registrations::id)
            .first(conn)
            .optional(),
    }
}

/// The full names of the participants [`roster`] lists.
pub fn full_names(conn: &mut DbConnection, session_id: &str) -> QueryResult<Vec<(String, String)>> {
    registrations::table
        .inner_join(sessions::table.on(sessions::event_id.eq(registrations::event_id)))
        .filter(sessions::id.eq(session_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .select((registrations::id, registrations::full_name))
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

/// A run of a session's Zoom meeting, as far as it is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingInstance {
    pub meeting_uuid: String,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// When Zoom's participant report for it was read; `None`: not yet.
    pub report_read_at: Option<DateTime<Utc>>,
}

/// The runs of a session's meeting, earliest first.
pub fn instances(conn: &mut DbConnection, session_id: &str) -> QueryResult<Vec<MeetingInstance>> {
    type Row = (
        String,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    );
    let rows: Vec<Row> = zoom_meeting_instances::table
        .filter(zoom_meeting_instances::session_id.eq(session_id))
        .select((
            zoom_meeting_instances::meeting_uuid,
            zoom_meeting_instances::started_at,
            zoom_meeting_instances::ended_at,
            zoom_meeting_instances::report_read_at,
        ))
        .load(conn)?;
    let mut instances: Vec<MeetingInstance> = rows
        .into_iter()
        .map(|(meeting_uuid, started, ended, read)| MeetingInstance {
            meeting_uuid,
            started_at: started.map(|at| at.and_utc()),
            ended_at: ended.map(|at| at.and_utc()),
            report_read_at: read.map(|at| at.and_utc()),
        })
        .collect();
    instances.sort_by(|a, b| (a.started_at, &a.meeting_uuid).cmp(&(b.started_at, &b.meeting_uuid)));
    Ok(instances)
}

/// Notes a run of the session's meeting, from whichever source saw it
/// first (Zoom's list of runs, a webhook); what is already known of its
/// start and end stays.
///
/// The run's row stays locked until the transaction ends (an upsert that
/// updates, where one that does nothing would not lock): on PostgreSQL the
/// work on one run (its webhooks' joins and leaves, its report replacing
/// them) happens one transaction after another, so two never both find a
/// join missing and both insert it. SQLite's writes are serial already.
pub fn note_instance(
    conn: &mut DbConnection,
    session_id: &str,
    meeting_uuid: &str,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let upsert = diesel::insert_into(zoom_meeting_instances::table)
        .values((
            zoom_meeting_instances::session_id.eq(session_id),
            zoom_meeting_instances::meeting_uuid.eq(meeting_uuid),
        ))
        .on_conflict((
            zoom_meeting_instances::session_id,
            zoom_meeting_instances::meeting_uuid,
        ))
        .do_update()
        .set(
            zoom_meeting_instances::meeting_uuid.eq(excluded(zoom_meeting_instances::meeting_uuid)),
        );
    // The derived multi-backend has no ON CONFLICT; each backend has.
    match conn {
        DbConnection::Pg(pg) => upsert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => upsert.execute(sqlite)?,
    };
    let this = zoom_meeting_instances::table.find((session_id, meeting_uuid));
    if let Some(at) = started_at {
        diesel::update(this.filter(zoom_meeting_instances::started_at.is_null()))
            .set(zoom_meeting_instances::started_at.eq(at.naive_utc()))
            .execute(conn)?;
    }
    if let Some(at) = ended_at {
        diesel::update(this.filter(zoom_meeting_instances::ended_at.is_null()))
            .set(zoom_meeting_instances::ended_at.eq(at.naive_utc()))
            .execute(conn)?;
    }
    Ok(())
}

/// The session a run belongs to, once it has been noted.
pub fn instance_session(
    conn: &mut DbConnection,
    meeting_uuid: &str,
) -> QueryResult<Option<String>> {
    zoom_meeting_instances::table
        .filter(zoom_meeting_instances::meeting_uuid.eq(meeting_uuid))
        .select(zoom_meeting_instances::session_id)
        .first(conn)
        .optional()
}

pub fn mark_report_read(
    conn: &mut DbConnection,
    session_id: &str,
    meeting_uuid: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(zoom_meeting_instances::table.find((session_id, meeting_uuid)))
        .set(zoom_meeting_instances::report_read_at.eq(at.naive_utc()))
        .execute(conn)
        .map(drop)
}

/// Removes the rows `sources` brought of one run of the session's
/// meeting, for the report's rows to take their place.
pub fn remove_instance_rows(
    conn: &mut DbConnection,
    session_id: &str,
    meeting_uuid: &str,
    sources: &[Source],
) -> QueryResult<()> {
    let sources: Vec<&str> = sources.iter().map(Stored::stored).collect();
    diesel::delete(
        attendance_rows::table
            .filter(attendance_rows::session_id.eq(session_id))
            .filter(attendance_rows::meeting_uuid.eq(meeting_uuid))
            .filter(attendance_rows::source.eq_any(sources)),
    )
    .execute(conn)
    .map(drop)
}

/// Removes the session's rows from `source` with these keys, for rows
/// read again (an upload of the same file) to take their place.
pub fn remove_rows(
    conn: &mut DbConnection,
    session_id: &str,
    source: Source,
    keys: &[String],
) -> QueryResult<()> {
    // Bounded lists: SQLite allows 32,766 parameters, and long IN lists
    // plan badly everywhere.
    for chunk in keys.chunks(500) {
        diesel::delete(
            attendance_rows::table
                .filter(attendance_rows::session_id.eq(session_id))
                .filter(attendance_rows::source.eq(source.stored()))
                .filter(attendance_rows::dedup_key.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// The event's confirmed participants, or the one asked for, by name.
pub fn attendees(
    conn: &mut DbConnection,
    event_id: &str,
    only: Option<&str>,
) -> QueryResult<Vec<AttendeeRow>> {
    let mut query = registrations::table
        .filter(registrations::event_id.eq(event_id))
        .filter(registrations::status.eq(Status::Confirmed.stored()))
        .select(AttendeeRow::as_select())
        .order((registrations::full_name.asc(), registrations::id.asc()))
        .into_boxed::<MultiBackend>();
    if let Some(id) = only {
        query = query.filter(registrations::id.eq(id));
    }
    query.load(conn)
}

/// The rows of the event's sessions that count for someone (all of them,
/// or one participant's).
pub fn matched(
    conn: &mut DbConnection,
    event_id: &str,
    only: Option<&str>,
) -> QueryResult<Vec<EvidenceRow>> {
    let mut query = attendance_rows::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .filter(attendance_rows::registration_id.is_not_null())
        .select(EvidenceRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(id) = only {
        query = query.filter(attendance_rows::registration_id.eq(id));
    }
    query.load(conn)
}

/// The event's sessions with an uploaded Zoom report (CSV) confirmed, each
/// with the run of the meeting it covers (`None`: the whole session).
pub fn reported_by_upload(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(String, Option<String>)>> {
    attendance_rows::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .filter(attendance_rows::source.eq(Source::Csv.stored()))
        .select((attendance_rows::session_id, attendance_rows::meeting_uuid))
        .distinct()
        .load(conn)
}

/// The runs of the event's sessions' meetings, by session.
pub fn instances_of_event(
    conn: &mut DbConnection,
    event_id: &str,
) -> QueryResult<Vec<(String, MeetingInstance)>> {
    type Row = (
        String,
        String,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    );
    let rows: Vec<Row> = zoom_meeting_instances::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .select((
            zoom_meeting_instances::session_id,
            zoom_meeting_instances::meeting_uuid,
            zoom_meeting_instances::started_at,
            zoom_meeting_instances::ended_at,
            zoom_meeting_instances::report_read_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(session_id, meeting_uuid, started, ended, read)| {
            let instance = MeetingInstance {
                meeting_uuid,
                started_at: started.map(|at| at.and_utc()),
                ended_at: ended.map(|at| at.and_utc()),
                report_read_at: read.map(|at| at.and_utc()),
            };
            (session_id, instance)
        })
        .collect())
}

/// The event's excuses (session, registration, reason), or one participant's.
pub fn excuses(
    conn: &mut DbConnection,
    event_id: &str,
    only: Option<&str>,
) -> QueryResult<Vec<(String, String, String)>> {
    let mut query = attendance_excuses::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .select((
            attendance_excuses::session_id,
            attendance_excuses::registration_id,
            attendance_excuses::reason,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(id) = only {
        query = query.filter(attendance_excuses::registration_id.eq(id));
    }
    query.load(conn)
}

/// The event's overrides (registration, passed, reason), or one participant's.
pub fn overrides(
    conn: &mut DbConnection,
    event_id: &str,
    only: Option<&str>,
) -> QueryResult<Vec<(String, bool, String)>> {
    let mut query = attendance_overrides::table
        .filter(attendance_overrides::event_id.eq(event_id))
        .select((
            attendance_overrides::registration_id,
            attendance_overrides::passed,
            attendance_overrides::reason,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(id) = only {
        query = query.filter(attendance_overrides::registration_id.eq(id));
    }
    query.load(conn)
}

/// Runs an insert on whichever backend: the derived multi-backend has no
/// ON CONFLICT, each backend has.
macro_rules! on_each_backend {
    ($conn:expr, $query:expr) => {
        match $conn {
            DbConnection::Pg(pg) => $query.execute(pg),
            DbConnection::Sqlite(sqlite) => $query.execute(sqlite),
        }
    };
}

pub fn set_excuse(
    conn: &mut DbConnection,
    session_id: &str,
    registration_id: &str,
    reason: &str,
    decided_by: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let values = (
        attendance_excuses::session_id.eq(session_id),
        attendance_excuses::registration_id.eq(registration_id),
        attendance_excuses::reason.eq(reason),
        attendance_excuses::decided_by.eq(decided_by),
        attendance_excuses::decided_at.eq(now.naive_utc()),
    );
    let upsert = diesel::insert_into(attendance_excuses::table)
        .values(values)
        .on_conflict((
            attendance_excuses::session_id,
            attendance_excuses::registration_id,
        ))
        .do_update()
        .set((
            attendance_excuses::reason.eq(reason),
            attendance_excuses::decided_by.eq(decided_by),
            attendance_excuses::decided_at.eq(now.naive_utc()),
        ));
    on_each_backend!(conn, upsert).map(drop)
}

/// `false` when there was no excuse to withdraw.
pub fn remove_excuse(
    conn: &mut DbConnection,
    session_id: &str,
    registration_id: &str,
) -> QueryResult<bool> {
    diesel::delete(attendance_excuses::table.find((session_id, registration_id)))
        .execute(conn)
        .map(|n| n > 0)
}

pub fn set_override(
    conn: &mut DbConnection,
    event_id: &str,
    registration_id: &str,
    passed: bool,
    reason: &str,
    decided_by: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let values = (
        attendance_overrides::event_id.eq(event_id),
        attendance_overrides::registration_id.eq(registration_id),
        attendance_overrides::passed.eq(passed),
        attendance_overrides::reason.eq(reason),
        attendance_overrides::decided_by.eq(decided_by),
        attendance_overrides::decided_at.eq(now.naive_utc()),
    );
    let upsert = diesel::insert_into(attendance_overrides::table)
        .values(values)
        .on_conflict((
            attendance_overrides::event_id,
            attendance_overrides::registration_id,
        ))
        .do_update()
        .set((
            attendance_overrides::passed.eq(passed),
            attendance_overrides::reason.eq(reason),
            attendance_overrides::decided_by.eq(decided_by),
            attendance_overrides::decided_at.eq(now.naive_utc()),
        ));
    on_each_backend!(conn, upsert).map(drop)
}

/// `false` when there was no override to remove.
pub fn remove_override(
    conn: &mut DbConnection,
    event_id: &str,
    registration_id: &str,
) -> QueryResult<bool> {
    diesel::delete(attendance_overrides::table.find((event_id, registration_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// Removes the row with this key (an entry about to be replaced).
pub fn remove_by_key(conn: &mut DbConnection, dedup_key: &str) -> QueryResult<()> {
    diesel::delete(attendance_rows::table.filter(attendance_rows::dedup_key.eq(dedup_key)))
        .execute(conn)
        .map(drop)
}

/// The event's rows that count for nobody yet (awaiting review, or
/// dismissed), in the order they arrived.
pub fn unmatched(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<AttendanceRow>> {
    attendance_rows::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .filter(attendance_rows::registration_id.is_null())
        .order((attendance_rows::created_at.asc(), attendance_rows::id.asc()))
        .select(AttendanceRow::as_select())
        .load(conn)
}

/// The (session, identity) pairs the organisers of the event answered.
pub fn decided(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<(String, String)>> {
    attendance_assignments::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .select((
            attendance_assignments::session_id,
            attendance_assignments::identity,
        ))
        .load(conn)
}

/// An answer as stored: session, identity, the participant (none when
/// dismissed), when.
pub type Answer = (String, String, Option<String>, chrono::NaiveDateTime);

/// The organisers' answers in the event's sessions, newest first.
pub fn answers(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<Answer>> {
    attendance_assignments::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .order((
            attendance_assignments::decided_at.desc(),
            attendance_assignments::session_id.asc(),
            attendance_assignments::identity.asc(),
        ))
        .select((
            attendance_assignments::session_id,
            attendance_assignments::identity,
            attendance_assignments::registration_id,
            attendance_assignments::decided_at,
        ))
        .load(conn)
}

/// The rows of the event's sessions an organiser's answer may cover: those
/// nobody's and those an organiser gave to someone.
pub fn answerable(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<AttendanceRow>> {
    attendance_rows::table
        .inner_join(sessions::table)
        .filter(sessions::event_id.eq(event_id))
        .filter(
            attendance_rows::registration_id
                .is_null()
                .or(attendance_rows::matched_by.eq(Match::Organiser.stored())),
        )
        .order((attendance_rows::created_at.asc(), attendance_rows::id.asc()))
        .select(AttendanceRow::as_select())
        .load(conn)
}

/// Takes back the organiser's answer for an identity in a session: the
/// rows it gave to someone are nobody's again (those matched for certain
/// stay). Returns whether there was an answer.
pub fn unassign(conn: &mut DbConnection, session_id: &str, identity: &str) -> QueryResult<bool> {
    let removed = diesel::delete(
        attendance_assignments::table
            .filter(attendance_assignments::session_id.eq(session_id))
            .filter(attendance_assignments::identity.eq(identity)),
    )
    .execute(conn)?;
    diesel::update(
        attendance_rows::table
            .filter(attendance_rows::session_id.eq(session_id))
            .filter(attendance_rows::identity.eq(identity))
            .filter(attendance_rows::matched_by.eq(Match::Organiser.stored())),
    )
    .set((
        attendance_rows::registration_id.eq(None::<String>),
        attendance_rows::matched_by.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(removed > 0)
}

/// The organiser's answer for an identity in a session, kept for rows
/// still to come, and applied to every row of it already there: a
/// participant's (`Some`), or nobody's (`None`); a row matched for certain
/// (registrant id, e-mail, check-in) stays. Returns the rows changed.
pub fn assign(
    conn: &mut DbConnection,
    session_id: &str,
    identity: &str,
    registration_id: Option<&str>,
    decided_by: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let upsert = diesel::insert_into(attendance_assignments::table)
        .values((
            attendance_assignments::session_id.eq(session_id),
            attendance_assignments::identity.eq(identity),
            attendance_assignments::registration_id.eq(registration_id),
            attendance_assignments::decided_by.eq(decided_by),
            attendance_assignments::decided_at.eq(now.naive_utc()),
        ))
        .on_conflict((
            attendance_assignments::session_id,
            attendance_assignments::identity,
        ))
        .do_update()
        .set((
            attendance_assignments::registration_id.eq(registration_id),
            attendance_assignments::decided_by.eq(decided_by),
            attendance_assignments::decided_at.eq(now.naive_utc()),
        ));
    on_each_backend!(conn, upsert)?;
    let organiser = Match::Organiser.stored();
    let matched_by = registration_id.map(|_| organiser);
    diesel::update(
        attendance_rows::table
            .filter(attendance_rows::session_id.eq(session_id))
            .filter(attendance_rows::identity.eq(identity))
            .filter(
                attendance_rows::registration_id
                    .is_null()
                    .or(attendance_rows::matched_by.eq(organiser)),
            ),
    )
    .set((
        attendance_rows::registration_id.eq(registration_id),
        attendance_rows::matched_by.eq(matched_by),
    ))
    .execute(conn)
}
