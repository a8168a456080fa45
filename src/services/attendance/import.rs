//! Zoom's participant report uploaded by an organiser (for meetings run
//! without webhooks, or from someone else's Zoom account): read as it
//! arrives (`export::zoom_csv`) and kept as an import of its session, as a
//! participant list is kept; previewed in the zone the organiser confirms
//! (who each person is matched to, and their minutes) before anything is
//! stored; then stored as evidence from source CSV through
//! `evidence::record`, like every other source.
//!
//! A row's key is made of what the file says (the person, and the times
//! as written): importing the same file again replaces its rows, so
//! nothing doubles, and a second import in a corrected zone corrects them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::QueryResult;
use uuid::Uuid;

use crate::db::models::ImportRow;
use crate::db::repo::attendance as repo;
use crate::db::repo::imports;
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::attendance::{
    Evidence, Interval, Match, Roster, Rules, Seen, Source, Window, covered_run, session_attendance,
};
use crate::domain::event::{Event, FieldError};
use crate::domain::session::Session;
use crate::domain::time::local_to_utc;
use crate::error::Error;
use crate::export::zoom_csv::{self, Mode, Presence, Report, Row};
use crate::services::accounts::Origin;
use crate::services::attendance::decisions::audited;
use crate::services::attendance::evidence::{self, Observed};
use crate::services::sessions::{in_event, may_manage};

/// The zones a report may be read in: Indonesia's three, and the event's
/// own when it is another. The exporting user's Zoom profile decides the
/// file's times, which carry no zone.
pub fn zones(event: &Event) -> Vec<Tz> {
    let mut zones = vec![Tz::Asia__Jakarta, Tz::Asia__Makassar, Tz::Asia__Jayapura];
    if !zones.contains(&event.time_zone) {
        zones.insert(0, event.time_zone);
    }
    zones
}

/// Reads an upload and keeps it for its preview; its id. A file that is
/// not a participant report says why, on the file field.
pub async fn upload(
    db: &Db,
    event: &Event,
    session_id: &str,
    filename: &str,
    bytes: bytes::Bytes,
    actor: &Account,
) -> Result<String, Error> {
    let report = tokio::task::spawn_blocking(move || zoom_csv::read(&bytes))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Invalid(vec![FieldError::new("file", e.key()).with_args(e.args())]))?;
    let rows = serde_json::to_string(&report).map_err(|e| Error::Internal(e.to_string()))?;
    let (event_id, session_id, filename, actor_id) = (
        event.id.to_string(),
        session_id.to_owned(),
        filename.to_owned(),
        actor.id.clone(),
    );
    db.transaction(move |conn| {
        in_event(conn, &event_id, &session_id)?;
        let row = ImportRow {
            id: Uuid::now_v7().simple().to_string(),
            event_id,
            created_by: actor_id,
            filename,
            rows,
            created_at: Utc::now().naive_utc(),
            imported_at: None,
            session_id: Some(session_id),
        };
        imports::insert(conn, &row)?;
        Ok(row.id)
    })
    .await
}

/// What importing would store, person by person.
pub struct Preview {
    pub id: String,
    pub filename: String,
    pub imported: bool,
    pub zone: Tz,
    pub mode: Mode,
    pub scheduled_minutes: u32,
    pub warnings: Vec<Warning>,
    /// Those matched to a participant first, then those left for review,
    /// each in the file's order.
    pub people: Vec<Person>,
    /// Rows left out: people in the waiting room, webinar no-shows.
    pub waiting_room: usize,
    pub not_attended: usize,
}

impl Preview {
    pub fn matched(&self) -> usize {
        self.people.iter().filter(|p| p.matched.is_some()).count()
    }
}

/// Everything the file shows of one person (one identity).
pub struct Person {
    pub name: String,
    pub email: Option<String>,
    pub rows: usize,
    /// In the session's window, as results will count them.
    pub minutes: u32,
    pub matched: Option<Matched>,
}

pub struct Matched {
    pub registration_id: String,
    pub full_name: String,
    pub how: Match,
}

/// Signs that the file is not this session's, or not read in its zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The meeting block names another meeting than the session's.
    OtherMeeting { file: i64, session: i64 },
    /// The meeting block's start, read in the zone, is over an hour from
    /// the session's.
    OtherStart { file: DateTime<Utc> },
    /// Rows wholly outside the session's time: they count nothing.
    Outside { rows: usize },
}

/// The preview of upload `import_id` read in `zone`.
pub async fn preview(
    db: &Db,
    event: &Event,
    session_id: &str,
    import_id: &str,
    zone: Tz,
) -> Result<Preview, Error> {
    let (event_id, session_id, import_id) = (
        event.id.to_string(),
        session_id.to_owned(),
        import_id.to_owned(),
    );
    db.run(move |conn| {
        let session = in_event(conn, &event_id, &session_id)?;
        let import = imports::find(conn, &event_id, Some(&session_id), &import_id)?
            .ok_or(Error::NotFound)?;
        let report: Report =
            serde_json::from_str(&import.rows).map_err(|e| Error::Internal(e.to_string()))?;
        let people = people(conn, &session, &report, zone)?;
        let window = window(&session);
        Ok(Preview {
            id: import.id,
            filename: import.filename,
            imported: import.imported_at.is_some(),
            zone,
            mode: report.mode,
            scheduled_minutes: window.minutes(),
            warnings: warnings(&session, &report, zone),
            people,
            waiting_room: report.waiting_room,
            not_attended: report.not_attended,
        })
    })
    .await
}

fn window(session: &Session) -> Window {
    Window {
        starts_at: session.plan.starts_at,
        ends_at: session.plan.ends_at,
    }
}

fn seen(row: &Row) -> Seen<'_> {
    Seen {
        name: row.name(),
        email: row.email.as_deref(),
        registrant_id: None,
        zoom_user_id: None,
    }
}

/// A join's two ends in `zone`; `None` for a total.
fn interval(row: &Row, zone: Tz) -> Option<Interval> {
    match row.presence {
        Presence::Joined { join, leave } => Some(Interval {
            joined_at: local_to_utc(zone, join)?,
            left_at: local_to_utc(zone, leave)?,
        }),
        Presence::Total { .. } => None,
    }
}

fn people(
    conn: &mut DbConnection,
    session: &Session,
    report: &Report,
    zone: Tz,
) -> Result<Vec<Person>, Error> {
    let listed = repo::roster(conn, &session.id)?;
    let roster = Roster::new(
        listed
            .iter()
            .map(|(id, email, registrant)| (id.as_str(), email.as_str(), registrant.as_deref())),
    );
    let names: HashMap<String, String> = repo::full_names(conn, &session.id)?.into_iter().collect();
    // One entry per identity, in the order the file first shows each.
    let mut order = Vec::new();
    let mut rows_of: HashMap<String, Vec<&Row>> = HashMap::new();
    for row in &report.rows {
        let identity = seen(row).identity();
        if !rows_of.contains_key(&identity) {
            order.push(identity.clone());
        }
        rows_of.entry(identity).or_default().push(row);
    }
    let mut people = Vec::with_capacity(order.len());
    for identity in order {
        let rows = &rows_of[&identity];
        let first = rows[0];
        let matched = match roster.find(&seen(first)) {
            Some((registration, how)) => Some((registration.to_owned(), how)),
            None => repo::assignment(conn, &session.id, &identity)?
                .flatten()
                .map(|registration| (registration, Match::Organiser)),
        };
        let intervals: Vec<Interval> = rows.iter().filter_map(|r| interval(r, zone)).collect();
        let evidence = match report.mode {
            Mode::PerJoin => Evidence::intervals(&intervals),
            Mode::UniqueUsers => Evidence::minutes(total(rows)),
        };
        // Minutes alone: the event's thresholds do not change them.
        let minutes =
            session_attendance(window(session), evidence, None, &Rules::default()).attended_minutes;
        people.push(Person {
            name: first.name().to_owned(),
            email: first.email.clone(),
            rows: rows.len(),
            minutes,
            matched: matched.map(|(registration_id, how)| Matched {
                full_name: names.get(&registration_id).cloned().unwrap_or_default(),
                registration_id,
                how,
            }),
        });
    }
    // Matched first, each group in the file's order.
    people.sort_by_key(|p| p.matched.is_none());
    Ok(people)
}

/// A person's "unique users" total (a person listed twice counts once
/// with both totals).
fn total(rows: &[&Row]) -> u32 {
    rows.iter()
        .map(|r| match r.presence {
            Presence::Total { minutes } => minutes,
            Presence::Joined { .. } => 0,
        })
        .fold(0, u32::saturating_add)
}

fn warnings(session: &Session, report: &Report, zone: Tz) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let meeting = report.meeting.as_ref();
    if let (Some(file), Some(ours)) = (meeting.and_then(|m| m.id), session.zoom.meeting_id)
        && file != ours
    {
        warnings.push(Warning::OtherMeeting {
            file,
            session: ours,
        });
    }
    if let Some(file) = meeting
        .and_then(|m| m.start)
        .and_then(|start| local_to_utc(zone, start))
        && (file - session.plan.starts_at).abs() > chrono::Duration::hours(1)
    {
        warnings.push(Warning::OtherStart { file });
    }
    let window = window(session);
    let outside = report
        .rows
        .iter()
        .filter_map(|r| interval(r, zone))
        .filter(|i| i.left_at <= window.starts_at || i.joined_at >= window.ends_at)
        .count();
    if outside > 0 {
        warnings.push(Warning::Outside { rows: outside });
    }
    warnings
}

/// Stores upload `import_id` read in `zone`, in one transaction, audited
/// as the organiser's decision it is; how many people's rows were stored.
/// An upload already stored is refused.
pub async fn confirm(
    db: &Db,
    actor: &Account,
    event: &Event,
    session_id: &str,
    import_id: &str,
    zone: Tz,
    origin: &Origin,
) -> Result<usize, Error> {
    may_manage(actor, event)?;
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    let event_id = event.id.to_string();
    let (session_id, import_id) = (session_id.to_owned(), import_id.to_owned());
    db.transaction(move |conn| {
        let session = in_event(conn, &event_id, &session_id)?;
        let import = imports::find(conn, &event_id, Some(&session_id), &import_id)?
            .ok_or(Error::NotFound)?;
        if import.imported_at.is_some() {
            return Err(Error::invalid("import", "attendance_import.done"));
        }
        let report: Report =
            serde_json::from_str(&import.rows).map_err(|e| Error::Internal(e.to_string()))?;
        let now = Utc::now();
        let runs = repo::instances(conn, &session.id)?;
        let run = file_start(&report, zone).and_then(|start| {
            covered_run(
                runs.iter()
                    .filter_map(|r| Some((r.meeting_uuid.as_str(), r.started_at?, r.ended_at))),
                start,
            )
        });
        let stored = store(conn, &session.id, &import.id, run, &report, zone, now)?;
        imports::mark_imported(conn, &import.id, now)?;
        // The upload, and the meeting run it covers when one is known.
        let which = [Some(import.id.as_str()), run].into_iter().flatten();
        let subject = format!(
            "{} — {} ({}): {} rows, {stored} people",
            session.plan.title,
            import.filename,
            which.collect::<Vec<_>>().join(", "),
            report.rows.len(),
        );
        audited(
            conn,
            &actor,
            "attendance.imported",
            &event,
            &subject,
            &origin,
        )?;
        Ok(stored)
    })
    .await
}

/// When the file says its meeting began: its meeting block's start, else
/// its first join, in `zone`; `None` for totals without a meeting block.
fn file_start(report: &Report, zone: Tz) -> Option<DateTime<Utc>> {
    report
        .meeting
        .as_ref()
        .and_then(|m| m.start)
        .and_then(|start| local_to_utc(zone, start))
        .or_else(|| {
            report
                .rows
                .iter()
                .filter_map(|r| interval(r, zone))
                .map(|i| i.joined_at)
                .min()
        })
}

/// The report's rows as evidence of the run of the meeting it covers
/// (`run`; `None`: the whole session), in place of the rows an earlier
/// import of the same file stored; how many people.
fn store(
    conn: &mut DbConnection,
    session_id: &str,
    import_id: &str,
    run: Option<&str>,
    report: &Report,
    zone: Tz,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mut observed: BTreeMap<String, Observed<'_>> = BTreeMap::new();
    for row in &report.rows {
        let seen = seen(row);
        let identity = seen.identity();
        let (key, joined_at, left_at, minutes) = match row.presence {
            Presence::Joined { join, leave } => (
                format!("csv:{session_id}:{identity}:{join}:{leave}"),
                local_to_utc(zone, join),
                local_to_utc(zone, leave),
                None,
            ),
            Presence::Total { minutes } => (
                format!("csv:{session_id}:{identity}:total"),
                None,
                None,
                Some(minutes),
            ),
        };
        let entry = observed.entry(key.clone()).or_insert_with(|| Observed {
            source: Source::Csv,
            dedup_key: key,
            meeting_uuid: run,
            import_id: Some(import_id),
            seen,
            joined_at,
            left_at,
            minutes: None,
            registration: None,
        });
        // A person listed twice in a "unique users" file: both totals.
        entry.minutes = match (entry.minutes, minutes) {
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            (a, b) => a.or(b),
        };
    }
    let keys: Vec<String> = observed.keys().cloned().collect();
    repo::remove_rows(conn, session_id, Source::Csv, &keys)?;
    let observed: Vec<Observed<'_>> = observed.into_values().collect();
    evidence::record(conn, session_id, &observed, now)?;
    let people: std::collections::HashSet<String> =
        observed.iter().map(|o| o.seen.identity()).collect();
    Ok(people.len())
}
