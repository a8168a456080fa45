//! Self check-in, for sessions held by a pasted link or in a room (a Zoom
//! session's attendance comes from Zoom): organisers open and close a
//! session's window, and a signed-in participant with a confirmed seat types
//! its code once. Each change is one transaction; opening and closing are
//! audited, and a check-in is stored as evidence through
//! [`evidence::record`] like every other source.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::evidence::{self, Observed};
use crate::db::models::RegistrationRow;
use crate::db::repo::{
    attendance, audit, checkin_windows as repo, events, failures, registrations,
};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::attendance::checkin::{
    CHECK_IN, CODE_DIGITS, Window, WindowState, check_minutes, typed_code,
};
use crate::domain::attendance::{Match, Seen, Source};
use crate::domain::event::{Event, FieldError};
use crate::domain::registration::Status;
use crate::domain::session::Session;
use crate::error::Error;
use crate::services::accounts::Origin;
use crate::services::sessions::{in_event, may_manage};

/// What the organisers' check-in page shows of a session.
#[derive(Clone, Debug)]
pub struct Desk {
    pub session: Session,
    pub window: Option<Window>,
    /// Participants who have checked in so far.
    pub checked_in: i64,
}

pub async fn desk(db: &Db, event: &Event, session_id: &str) -> Result<Desk, Error> {
    let (event_id, session_id) = (event.id.to_string(), session_id.to_owned());
    db.run(move |conn| {
        let session = in_event(conn, &event_id, &session_id)?;
        Ok(Desk {
            window: repo::find(conn, &session_id)?,
            checked_in: repo::checked_in(conn, &session_id)?,
            session,
        })
    })
    .await
}

/// A Zoom session's attendance comes from Zoom's own records, which are
/// worth more than a code passed around.
fn refuse_zoom(session: &Session) -> Result<(), Error> {
    match session.plan.delivery.zoom_host() {
        Some(_) => Err(Error::invalid("session", "checkin.error.zoom")),
        None => Ok(()),
    }
}

/// Opens the session's window for `minutes` (as typed) from now, with a
/// new code; an open window is replaced, its code no longer valid.
pub async fn open(
    db: &Db,
    actor: &Account,
    event: &Event,
    session_id: &str,
    minutes: &str,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let minutes = check_minutes(minutes).map_err(|error| Error::Invalid(vec![error]))?;
    let (actor, origin) = (actor.clone(), origin.clone());
    let (event_id, session_id) = (event.id.to_string(), session_id.to_owned());
    db.transaction(move |conn| {
        let session = in_event(conn, &event_id, &session_id)?;
        refuse_zoom(&session)?;
        let now = Utc::now();
        let window = Window {
            code: crate::secret::new_code(CODE_DIGITS),
            opens_at: now,
            closes_at: now + chrono::Duration::minutes(i64::from(minutes)),
        };
        repo::open(conn, &session.id, &window, &actor.id)?;
        audit::Entry::new("checkin.opened")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&format!("{} ({minutes} min)", session.plan.title))
            .address(origin.address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// Closes the session's window now, if it is open.
pub async fn close(
    db: &Db,
    actor: &Account,
    event: &Event,
    session_id: &str,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let (actor, origin) = (actor.clone(), origin.clone());
    let (event_id, session_id) = (event.id.to_string(), session_id.to_owned());
    db.transaction(move |conn| {
        let session = in_event(conn, &event_id, &session_id)?;
        let now = Utc::now();
        if repo::close(conn, &session.id, now)? {
            audit::Entry::new("checkin.closed")
                .by(&actor)
                .event(Some(&event_id))
                .subject(&session.plan.title)
                .address(origin.address.as_deref())
                .record(conn, now)?;
        }
        Ok(())
    })
    .await
}

/// Where a participant stands with a session's check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// No confirmed seat in the session's event.
    NotParticipant,
    /// Held on Zoom: Zoom's records count instead.
    OnZoom,
    Recorded {
        at: DateTime<Utc>,
    },
    /// Not yet recorded: whether they may check in now.
    Window(WindowState),
}

/// What the participant's check-in page shows.
#[derive(Clone, Debug)]
pub struct Visit {
    pub event: Event,
    pub session: Session,
    pub standing: Standing,
}

/// How a check-in went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Recorded,
    /// Not possible now; the visit's standing says why.
    Refused,
    /// A code of the wrong shape, or the wrong code (which counts).
    Code(FieldError),
    /// Too many wrong codes: try again after this long.
    Throttled(Duration),
}

/// The key that makes a check-in count once per person and session.
fn dedup_key(session_id: &str, registration_id: &str) -> String {
    format!("checkin:{session_id}:{registration_id}")
}

/// The session, its event, the user's confirmed seat there and where they
/// stand, with the session's window.
fn read_visit(
    conn: &mut DbConnection,
    user_id: &str,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<(Visit, Option<RegistrationRow>, Option<Window>), Error> {
    let session = crate::db::repo::sessions::find(conn, session_id)?.ok_or(Error::NotFound)?;
    let event = events::find(conn, &session.event_id)?.ok_or(Error::NotFound)?;
    let seat = registrations::of_user(conn, user_id)?
        .into_iter()
        .map(|(registration, _)| registration)
        .find(|r| r.event_id == session.event_id && r.status == Status::Confirmed);
    let window = repo::find(conn, session_id)?;
    let standing = match &seat {
        None => Standing::NotParticipant,
        Some(_) if session.plan.delivery.zoom_host().is_some() => Standing::OnZoom,
        Some(seat) => match attendance::find_by_key(conn, &dedup_key(session_id, &seat.id))? {
            Some(row) => Standing::Recorded {
                at: row.joined_at.unwrap_or(row.created_at).and_utc(),
            },
            None => Standing::Window(Window::state(window.as_ref(), now)),
        },
    };
    let visit = Visit {
        event,
        session,
        standing,
    };
    Ok((visit, seat, window))
}

pub async fn visit(db: &Db, account: &Account, session_id: &str) -> Result<Visit, Error> {
    let (user_id, session_id) = (account.id.clone(), session_id.to_owned());
    db.run(move |conn| Ok(read_visit(conn, &user_id, &session_id, Utc::now())?.0))
        .await
}

/// The participant's check-in with the code they typed. Wrong codes are
/// counted per participant and session and per address (in the database,
/// so that every instance counts them together) and slowed as passwords
/// are; a wrong code's count is kept, so the transaction commits whatever
/// the answer.
pub async fn check_in(
    db: &Db,
    account: &Account,
    session_id: &str,
    typed: &str,
    origin: &Origin,
) -> Result<(Visit, Answer), Error> {
    let (user_id, session_id, typed) =
        (account.id.clone(), session_id.to_owned(), typed.to_owned());
    let pair = format!("checkin:{session_id} {user_id}");
    let address = format!(
        "checkin-address:{}",
        origin.address.as_deref().unwrap_or("unknown")
    );
    db.transaction(move |conn| {
        let now = Utc::now();
        // Taken first: it also serialises one person's attempts, so that
        // two sent at once record one check-in.
        let wait = failures::wait(conn, &CHECK_IN, (&pair, &address), now)?;
        let (mut visit, seat, window) = read_visit(conn, &user_id, &session_id, now)?;
        let (Some(seat), Some(window), Standing::Window(WindowState::Open { .. })) =
            (seat, window, visit.standing)
        else {
            return Ok((visit, Answer::Refused));
        };
        if let Some(wait) = wait {
            return Ok((visit, Answer::Throttled(wait)));
        }
        let code = match typed_code(&typed) {
            Ok(code) => code,
            Err(error) => return Ok((visit, Answer::Code(error))),
        };
        if !window.accepts(&code) {
            failures::record(conn, &pair, now)?;
            failures::record(conn, &address, now)?;
            let wrong = FieldError::new("code", "checkin.error.wrong_code");
            return Ok((visit, Answer::Code(wrong)));
        }
        evidence::record(
            conn,
            &session_id,
            &[Observed {
                source: Source::CheckIn,
                dedup_key: dedup_key(&session_id, &seat.id),
                meeting_uuid: None,
                import_id: None,
                seen: Seen {
                    name: &seat.full_name,
                    email: Some(&seat.email),
                    ..Seen::default()
                },
                joined_at: Some(now),
                left_at: None,
                minutes: None,
                registration: Some((&seat.id, Match::CheckIn)),
            }],
            now,
        )?;
        visit.standing = Standing::Recorded { at: now };
        Ok((visit, Answer::Recorded))
    })
    .await
}

/// The sessions a participant may check in to now (their windows are open).
pub async fn open_for(db: &Db, account: &Account) -> Result<HashSet<String>, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| {
        Ok(repo::open_for(conn, &user_id, Utc::now())?
            .into_iter()
            .collect())
    })
    .await
}
