//! What organisers decide about attendance, each in one transaction with
//! its line in the audit log: an excuse for a session, an override of the
//! event's result, and a presence entered by hand (through
//! [`evidence::record`], as every source).

use chrono::Utc;

use super::evidence::{self, Observed};
use crate::db::repo::{attendance as repo, audit};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::attendance::{
    EntryForm, Match, Seen, Source, Window, check_entry, check_reason,
};
use crate::domain::event::Event;
use crate::domain::session::Session;
use crate::error::Error;
use crate::services::AttendeeRow;
use crate::services::accounts::Origin;
use crate::services::sessions::{in_event, may_manage};

/// The session of this event and the confirmed participant a decision is
/// about; `NotFound` for anything else.
fn session_and_attendee(
    conn: &mut DbConnection,
    event: &Event,
    session_id: &str,
    registration_id: &str,
) -> Result<(Session, AttendeeRow), Error> {
    let session = in_event(conn, &event.id.to_string(), session_id)?;
    let attendee = attendee(conn, event, registration_id)?;
    Ok((session, attendee))
}

fn attendee(
    conn: &mut DbConnection,
    event: &Event,
    registration_id: &str,
) -> Result<AttendeeRow, Error> {
    repo::attendees(conn, &event.id.to_string(), Some(registration_id))?
        .pop()
        .ok_or(Error::NotFound)
}

/// The audit line of an organiser's decision about the event's attendance.
pub(super) fn audited(
    conn: &mut DbConnection,
    actor: &Account,
    action: &str,
    event: &Event,
    subject: &str,
    origin: &Origin,
) -> Result<(), Error> {
    audit::Entry::new(action)
        .by(actor)
        .event(Some(&event.id.to_string()))
        .subject(subject)
        .address(origin.address.as_deref())
        .record(conn, Utc::now())?;
    Ok(())
}

/// Excuses a participant from a session with a reason (replacing an
/// earlier one), or withdraws the excuse when `reason` is `None`.
pub async fn excuse(
    db: &Db,
    actor: &Account,
    event: &Event,
    session_id: &str,
    registration_id: &str,
    reason: Option<&str>,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let reason = reason
        .map(check_reason)
        .transpose()
        .map_err(|e| Error::Invalid(vec![e]))?;
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    let (session_id, registration_id) = (session_id.to_owned(), registration_id.to_owned());
    db.transaction(move |conn| {
        let (session, attendee) =
            session_and_attendee(conn, &event, &session_id, &registration_id)?;
        let about = format!("{} — {}", attendee.full_name, session.plan.title);
        match reason {
            Some(reason) => {
                repo::set_excuse(
                    conn,
                    &session.id,
                    &attendee.id,
                    &reason,
                    &actor.id,
                    Utc::now(),
                )?;
                let subject = format!("{about}: {reason}");
                audited(
                    conn,
                    &actor,
                    "attendance.excused",
                    &event,
                    &subject,
                    &origin,
                )
            }
            None => {
                if repo::remove_excuse(conn, &session.id, &attendee.id)? {
                    audited(
                        conn,
                        &actor,
                        "attendance.excuse_withdrawn",
                        &event,
                        &about,
                        &origin,
                    )?;
                }
                Ok(())
            }
        }
    })
    .await
}

/// Decides a participant's event result with a reason (`Some(passed)`), or
/// hands it back to the minutes (`None`).
pub async fn override_result(
    db: &Db,
    actor: &Account,
    event: &Event,
    registration_id: &str,
    decision: Option<bool>,
    reason: &str,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let reason = match decision {
        Some(_) => check_reason(reason).map_err(|e| Error::Invalid(vec![e]))?,
        None => String::new(),
    };
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    let registration_id = registration_id.to_owned();
    db.transaction(move |conn| {
        let attendee = attendee(conn, &event, &registration_id)?;
        let event_id = event.id.to_string();
        match decision {
            Some(passed) => {
                repo::set_override(
                    conn,
                    &event_id,
                    &attendee.id,
                    passed,
                    &reason,
                    &actor.id,
                    Utc::now(),
                )?;
                let action = if passed {
                    "attendance.overridden_passed"
                } else {
                    "attendance.overridden_failed"
                };
                let subject = format!("{}: {reason}", attendee.full_name);
                audited(conn, &actor, action, &event, &subject, &origin)
            }
            None => {
                if repo::remove_override(conn, &event_id, &attendee.id)? {
                    let action = "attendance.override_removed";
                    audited(conn, &actor, action, &event, &attendee.full_name, &origin)?;
                }
                Ok(())
            }
        }
    })
    .await
}

/// An organiser's word that a participant was in a session from one time
/// to another (a dial-in Zoom could not tell apart, a room without
/// check-in): one entry per participant and session, a new one replacing
/// it. Stored as evidence from the source "manual", shown as such.
pub async fn record_by_hand(
    db: &Db,
    actor: &Account,
    event: &Event,
    registration_id: &str,
    form: &EntryForm,
    origin: &Origin,
) -> Result<(), Error> {
    may_manage(actor, event)?;
    let (actor, event, origin) = (actor.clone(), event.clone(), origin.clone());
    let (registration_id, form) = (registration_id.to_owned(), form.clone());
    db.transaction(move |conn| {
        let (session, attendee) =
            session_and_attendee(conn, &event, &form.session_id, &registration_id)?;
        let window = Window {
            starts_at: session.plan.starts_at,
            ends_at: session.plan.ends_at,
        };
        let interval = check_entry(&form, window, event.time_zone).map_err(Error::Invalid)?;
        let dedup_key = format!("manual:{}:{}", session.id, attendee.id);
        repo::remove_by_key(conn, &dedup_key)?;
        let now = Utc::now();
        evidence::record(
            conn,
            &session.id,
            &[Observed {
                source: Source::Manual,
                dedup_key,
                meeting_uuid: None,
                import_id: None,
                seen: Seen {
                    name: &attendee.full_name,
                    email: Some(&attendee.email),
                    ..Seen::default()
                },
                joined_at: Some(interval.joined_at),
                left_at: Some(interval.left_at),
                minutes: None,
                // The organiser said whose it is: not matched by its
                // e-mail, and shown as entered by them.
                registration: Some((&attendee.id, Match::Manual)),
            }],
            now,
        )?;
        let when = format!(
            "{}–{}",
            interval
                .joined_at
                .with_timezone(&event.time_zone)
                .format("%H:%M"),
            interval
                .left_at
                .with_timezone(&event.time_zone)
                .format("%H:%M"),
        );
        let subject = format!("{} — {}: {when}", attendee.full_name, session.plan.title);
        audited(
            conn,
            &actor,
            "attendance.recorded",
            &event,
            &subject,
            &origin,
        )
    })
    .await
}
