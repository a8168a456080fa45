//! The review queue: people seen in a session whom no registrant id or
//! e-mail identifies (a guest's name, a phone dial-in, another Zoom
//! account). Organisers assign each to a participant, with suggestions
//! ranked by name similarity that are only ever shown, or dismiss it; the
//! answer covers every row of that identity in the session, those there
//! and those to come.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::db::models::AttendanceRow;
use crate::db::repo::{attendance as repo, audit, sessions as sessions_repo};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::attendance::{
    Evidence, Interval, Rules, Source, Window, rank, session_attendance,
};
use crate::domain::event::Event;
use crate::domain::session::Session;
use crate::error::Error;
use crate::services::AttendeeRow;
use crate::services::accounts::Origin;
use crate::services::sessions::{in_event, may_manage};

/// Suggestions shown per person, and how alike a name must be to be one.
const SUGGESTIONS: usize = 3;
const FLOOR: u32 = 40;

/// A participant a person in the queue may be, and how alike their names are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub registration_id: String,
    pub full_name: String,
    /// 0 to 100.
    pub score: u32,
}

/// Someone seen in a session whom nobody identified yet.
#[derive(Clone, Debug)]
pub struct Unknown {
    pub session_id: String,
    /// The key all of this person's rows in the session share.
    pub identity: String,
    pub name: String,
    pub email: Option<String>,
    pub sources: Vec<Source>,
    pub rows: usize,
    /// Their minutes inside the session's window, as they would count.
    pub minutes: u32,
    pub first_seen: Option<DateTime<Utc>>,
    pub suggestions: Vec<Suggestion>,
}

/// The queue of an event: its sessions and, in session order, who waits.
#[derive(Clone, Debug)]
pub struct Queue {
    pub sessions: Vec<Session>,
    pub waiting: Vec<Unknown>,
    /// Every confirmed participant, by name, to choose from beyond the
    /// suggestions.
    pub attendees: Vec<AttendeeRow>,
}

/// A session's id and an identity in it: what one answer covers.
type Person = (String, String);

/// How a person's rows name them: the first name given, and an e-mail.
fn seen_as(rows: &[AttendanceRow]) -> (String, Option<String>) {
    let name = rows
        .iter()
        .map(|r| r.display_name.as_str())
        .find(|n| !n.is_empty())
        .unwrap_or_default()
        .to_owned();
    (name, rows.iter().find_map(|r| r.email.clone()))
}

/// Rows awaiting an answer, grouped by session and identity in the order
/// they were first seen.
fn waiting_rows(
    conn: &mut DbConnection,
    event_id: &str,
) -> Result<Vec<(Person, Vec<AttendanceRow>)>, Error> {
    let decided: HashSet<Person> = repo::decided(conn, event_id)?.into_iter().collect();
    let mut groups: Vec<(Person, Vec<AttendanceRow>)> = Vec::new();
    let mut at: HashMap<Person, usize> = HashMap::new();
    for row in repo::unmatched(conn, event_id)? {
        let key = (row.session_id.clone(), row.identity.clone());
        if decided.contains(&key) {
            continue;
        }
        let i = *at.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(row);
    }
    Ok(groups)
}

fn unknown(
    session: &Session,
    identity: String,
    rows: &[AttendanceRow],
    attendees: &[AttendeeRow],
    now: DateTime<Utc>,
) -> Unknown {
    let window = Window {
        starts_at: session.plan.starts_at,
        ends_at: session.plan.ends_at,
    };
    let intervals: Vec<Interval> = rows
        .iter()
        .filter_map(|r| {
            Interval::of_join(
                r.joined_at.map(|t| t.and_utc()),
                r.left_at.map(|t| t.and_utc()),
                now,
            )
        })
        .collect();
    let totals: u32 = rows
        .iter()
        .filter(|r| r.joined_at.is_none())
        .filter_map(|r| r.minutes.and_then(|m| u32::try_from(m).ok()))
        .sum();
    let evidence = Evidence {
        intervals: &intervals,
        minutes: (totals > 0).then_some(totals),
        checked_in: None,
    };
    // Minutes alone: the event's thresholds do not change them.
    let minutes = session_attendance(window, evidence, None, &Rules::default()).attended_minutes;
    let (name, email) = seen_as(rows);
    let suggestions = rank(
        &name,
        email.as_deref(),
        attendees
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.full_name.as_str(), a.email.as_str())),
        SUGGESTIONS,
        FLOOR,
    )
    .into_iter()
    .map(|(i, score)| Suggestion {
        registration_id: attendees[i].id.clone(),
        full_name: attendees[i].full_name.clone(),
        score,
    })
    .collect();
    Unknown {
        session_id: session.id.clone(),
        identity,
        name,
        email,
        sources: Source::ALL
            .into_iter()
            .filter(|s| rows.iter().any(|r| r.source == *s))
            .collect(),
        rows: rows.len(),
        minutes,
        first_seen: rows
            .iter()
            .filter_map(|r| r.joined_at)
            .min()
            .map(|t| t.and_utc()),
        suggestions,
    }
}

/// Who waits for review in the event's sessions, with suggestions.
pub async fn queue(db: &Db, event: &Event) -> Result<Queue, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| {
        let now = Utc::now();
        let sessions = sessions_repo::of_event(conn, &event_id)?;
        let attendees = repo::attendees(conn, &event_id, None)?;
        let mut waiting = Vec::new();
        let groups = waiting_rows(conn, &event_id)?;
        for session in &sessions {
            for ((session_id, identity), rows) in &groups {
                if *session_id == session.id {
                    waiting.push(unknown(session, identity.clone(), rows, &attendees, now));
                }
            }
        }
        Ok(Queue {
            sessions,
            waiting,
            attendees,
        })
    })
    .await
}

/// How many people wait for review per session of the event (no
/// suggestions computed: for the links on the attendance pages).
pub async fn waiting_per_session(db: &Db, event: &Event) -> Result<HashMap<String, usize>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| {
        let mut counts = HashMap::new();
        for ((session_id, _), _) in waiting_rows(conn, &event_id)? {
            *counts.entry(session_id).or_insert(0) += 1;
        }
        Ok(counts)
    })
    .await
}

/// The organiser's answer for one person in a session: these rows are
/// `registration_id`'s (`Some`) or nobody's (`None`), now and for rows of
/// the same identity still to come. One transaction, audited.
pub async fn decide(
    db: &Db,
    actor: &Account,
    event: &Event,
    session_id: &str,
    identity: &str,
    registration_id: Option<&str>,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    let (session_id, identity) = (session_id.to_owned(), identity.to_owned());
    let registration_id = registration_id.map(str::to_owned);
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        let session = in_event(conn, &event_id, &session_id)?;
        let rows: Vec<AttendanceRow> = repo::unmatched(conn, &event_id)?
            .into_iter()
            .filter(|r| r.session_id == session.id && r.identity == identity)
            .collect();
        let name = rows
            .first()
            .map(|r| r.display_name.clone())
            .ok_or(Error::NotFound)?;
        let attendee = match &registration_id {
            Some(id) => Some(
                repo::attendees(conn, &event_id, Some(id))?
                    .pop()
                    .ok_or(Error::NotFound)?,
            ),
            None => None,
        };
        let now = Utc::now();
        repo::assign(
            conn,
            &session.id,
            &identity,
            attendee.as_ref().map(|a| a.id.as_str()),
            &actor.id,
            now,
        )?;
        let (action, subject) = match &attendee {
            Some(a) => (
                "attendance.assigned",
                format!("{name} → {} — {}", a.full_name, session.plan.title),
            ),
            None => (
                "attendance.dismissed",
                format!("{name} — {}", session.plan.title),
            ),
        };
        audit::Entry::new(action)
            .by(&actor)
            .event(Some(&event_id))
            .subject(&subject)
            .address(origin.address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// An answer given in the queue, which may be taken back.
#[derive(Clone, Debug)]
pub struct Answered {
    pub session_id: String,
    pub identity: String,
    pub name: String,
    pub email: Option<String>,
    pub rows: usize,
    /// The participant they were given to (their full name); `None` when
    /// dismissed.
    pub attendee: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// The answers of an event, newest first, with its sessions.
#[derive(Clone, Debug)]
pub struct Answers {
    pub sessions: Vec<Session>,
    pub answered: Vec<Answered>,
}

/// The answers given in the event's queue, to see and take back.
pub async fn answers(db: &Db, event: &Event) -> Result<Answers, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| {
        let sessions = sessions_repo::of_event(conn, &event_id)?;
        let names: HashMap<String, String> = repo::attendees(conn, &event_id, None)?
            .into_iter()
            .map(|a| (a.id, a.full_name))
            .collect();
        let mut rows: HashMap<Person, Vec<AttendanceRow>> = HashMap::new();
        for row in repo::answerable(conn, &event_id)? {
            let key = (row.session_id.clone(), row.identity.clone());
            rows.entry(key).or_default().push(row);
        }
        let answered = repo::answers(conn, &event_id)?
            .into_iter()
            .map(|(session_id, identity, registration_id, decided_at)| {
                let theirs = rows
                    .remove(&(session_id.clone(), identity.clone()))
                    .unwrap_or_default();
                let (name, email) = seen_as(&theirs);
                Answered {
                    attendee: registration_id.map(|id| names.get(&id).cloned().unwrap_or(id)),
                    session_id,
                    identity,
                    name,
                    email,
                    rows: theirs.len(),
                    decided_at: decided_at.and_utc(),
                }
            })
            .collect();
        Ok(Answers { sessions, answered })
    })
    .await
}

/// Takes back the answer for one person in a session: the rows it gave to
/// a participant are nobody's again and the person waits in the queue once
/// more; the results, computed from the rows, follow. One transaction,
/// audited.
pub async fn undo(
    db: &Db,
    actor: &Account,
    event: &Event,
    session_id: &str,
    identity: &str,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    let (session_id, identity) = (session_id.to_owned(), identity.to_owned());
    db.transaction(move |conn| {
        let event_id = event.id.to_string();
        let session = in_event(conn, &event_id, &session_id)?;
        let rows: Vec<AttendanceRow> = repo::answerable(conn, &event_id)?
            .into_iter()
            .filter(|r| r.session_id == session.id && r.identity == identity)
            .collect();
        if !repo::unassign(conn, &session.id, &identity)? {
            return Err(Error::NotFound);
        }
        let (name, _) = seen_as(&rows);
        let now = Utc::now();
        audit::Entry::new("attendance.undone")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&format!("{name} — {}", session.plan.title))
            .address(origin.address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}
