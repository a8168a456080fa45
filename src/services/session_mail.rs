//! What reaches participants for each session by e-mail: its invitation
//! when their seat is confirmed or the session is planned or moved, its
//! cancellation when it is removed, and reminders before it starts.
//!
//! An organiser's change reaches every confirmed participant through one
//! fan-out job written in the change's transaction, so moving a session for
//! a thousand people costs the organiser's request one row. The fan-out
//! writes one invitation job per seat, keyed by session, seat and sequence,
//! the same job a confirmed seat writes: a seat confirmed while a session is
//! being planned is invited once, not by both. Each job does its work in the
//! transaction that records it done (its `record`), so a job run twice, or
//! claimed by two instances, writes its e-mails once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::db::DbConnection;
use crate::db::models::RegistrationRow;
use crate::db::repo::{events, registrations, session_registrants, sessions, users};
use crate::domain::event::Event;
use crate::domain::registrant::link_awaited_until;
use crate::domain::registration::Status;
use crate::domain::session::Session;
use crate::domain::timing::due_reminders;
use crate::email::Template;
use crate::i18n::dates;
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, Outcome};
use crate::services::invitations::{self, Slot};
use crate::services::mail;

/// Invitations to one session (created or moved) for everyone with a seat.
#[derive(Serialize, Deserialize)]
pub struct InviteAll {
    session_id: String,
    sequence: u32,
}

/// One seat's invitation to one session, with its reminders.
#[derive(Serialize, Deserialize)]
pub struct InviteOne {
    session_id: String,
    registration_id: String,
    sequence: u32,
    /// The invitation once more, now with the participant's personal Zoom
    /// link that came after it: a job of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    link_ready: bool,
    /// When it was queued: an invitation whose personal Zoom link is still
    /// to come waits for it until [`link_awaited_until`] (none: it does
    /// not wait).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    queued_at: Option<DateTime<Utc>>,
}

/// Cancellations of a removed session for everyone with a seat.
#[derive(Serialize, Deserialize)]
pub struct CancelAll {
    event_id: String,
    slot: Slot,
}

#[derive(Serialize, Deserialize)]
pub struct Reminder {
    session_id: String,
    registration_id: String,
    sequence: u32,
    starts_at: DateTime<Utc>,
    minutes: u32,
}

impl BackgroundJob for InviteAll {
    const KIND: &'static str = "session_invitations";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}",
            Self::KIND,
            self.session_id,
            self.sequence
        ))
    }

    async fn run(self, _: &JobContext, _: &Attempt) -> Outcome {
        Outcome::done(move |conn| invite_all(conn, self))
    }
}

impl BackgroundJob for InviteOne {
    const KIND: &'static str = "session_invitation";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        let again = if self.link_ready { ":link" } else { "" };
        Some(format!(
            "{}:{}:{}:{}{again}",
            Self::KIND,
            self.session_id,
            self.registration_id,
            self.sequence
        ))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let base_url = context.base_url.clone();
        // Without Zoom no personal link comes.
        let link_wait = context.zoom.as_ref().map(|_| context.zoom_link_wait);
        Outcome::done(move |conn| invite_one(conn, self, &base_url, link_wait))
    }
}

impl BackgroundJob for CancelAll {
    const KIND: &'static str = "session_cancellations";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.slot.session_id))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let base_url = context.base_url.clone();
        Outcome::done(move |conn| cancel_all(conn, self, &base_url))
    }
}

impl BackgroundJob for Reminder {
    const KIND: &'static str = "session_reminder";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}:{}:{}",
            Self::KIND,
            self.session_id,
            self.registration_id,
            self.sequence,
            self.minutes
        ))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let base_url = context.base_url.clone();
        Outcome::done(move |conn| remind(conn, self, &base_url))
    }
}

/// A session was planned or moved: everyone with a seat gets its
/// invitation at this sequence, and reminders for its time.
pub fn queue_invitations(
    conn: &mut DbConnection,
    session: &Session,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let job = InviteAll {
        session_id: session.id.clone(),
        sequence: session.sequence,
    };
    jobs::enqueue(conn, &job, now).map(drop)
}

/// A session was removed: everyone with a seat gets its cancellation.
pub fn queue_cancellations(
    conn: &mut DbConnection,
    session: &Session,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let job = CancelAll {
        event_id: session.event_id.clone(),
        slot: Slot::of(session),
    };
    jobs::enqueue(conn, &job, now).map(drop)
}

/// A seat was confirmed: the invitation to each session of the event, and
/// its reminders, queued in the confirmation's own transaction.
pub fn on_confirmed(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    for session in sessions::of_event(conn, &event.id.to_string())? {
        queue_invitation(conn, &session, &registration.id, false, now)?;
    }
    Ok(())
}

/// A participant's personal Zoom link is stored: their invitation waiting
/// for it goes now, carrying it; if it went already (it waited its bound,
/// Zoom being away), the invitation comes once more with the link, at the
/// entry's next SEQUENCE (see [`crate::domain::session::entry_sequence`]).
pub fn personal_link_ready(
    conn: &mut DbConnection,
    session_id: &str,
    registration_id: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some(session) = sessions::find(conn, session_id)? else {
        return Ok(());
    };
    let waiting = InviteOne {
        session_id: session.id.clone(),
        registration_id: registration_id.to_owned(),
        sequence: session.sequence,
        link_ready: false,
        queued_at: None,
    };
    if jobs::hasten(conn, &waiting, now)? {
        return Ok(());
    }
    queue_invitation(conn, &session, registration_id, true, now)
}

fn queue_invitation(
    conn: &mut DbConnection,
    session: &Session,
    registration_id: &str,
    link_ready: bool,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let job = InviteOne {
        session_id: session.id.clone(),
        registration_id: registration_id.to_owned(),
        sequence: session.sequence,
        link_ready,
        queued_at: (!link_ready).then_some(now),
    };
    jobs::enqueue(conn, &job, now).map(drop)
}

fn invite(
    conn: &mut DbConnection,
    event: &Event,
    session: &Session,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let attachment =
        invitations::session_invitation(conn, event, session, registration, base_url, now)?;
    let join = join(conn, session, registration, base_url)?;
    let notice = Notice {
        template: Template::SessionInvitation,
        event,
        slot: &Slot::of(session),
        join: Some(join),
        attachments: vec![attachment],
    };
    send(conn, notice, registration, base_url, now)?;
    plan_reminders(conn, event, session, &registration.id, now)
}

/// One reminder job per reminder time still ahead. The key holds the
/// session's sequence: after a move the new ones are new jobs, and the old
/// ones find the sequence changed and send nothing.
fn plan_reminders(
    conn: &mut DbConnection,
    event: &Event,
    session: &Session,
    registration_id: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    for (minutes, at) in due_reminders(session.plan.starts_at, &event.timing.reminder_minutes, now)
    {
        let job = Reminder {
            session_id: session.id.clone(),
            registration_id: registration_id.to_owned(),
            sequence: session.sequence,
            starts_at: session.plan.starts_at,
            minutes,
        };
        jobs::enqueue_at(conn, &job, at, now)?;
    }
    Ok(())
}

/// The join line of an e-mail: the participant's link or the room, else
/// their page (a personal Zoom link not made yet).
fn join(
    conn: &mut DbConnection,
    session: &Session,
    registration: &RegistrationRow,
    base_url: &Url,
) -> diesel::QueryResult<String> {
    let personal = sessions::personal_join_urls(conn, &registration.id)?.remove(&session.id);
    Ok(invitations::whereabouts(
        session,
        personal.as_deref(),
        base_url,
    ))
}

/// One session e-mail to write.
struct Notice<'a> {
    template: Template,
    event: &'a Event,
    slot: &'a Slot,
    /// The join line; none in a cancellation.
    join: Option<String>,
    attachments: Vec<crate::integrations::mail::Attachment>,
}

fn send(
    conn: &mut DbConnection,
    notice: Notice<'_>,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Notice {
        template,
        event,
        slot,
        join,
        attachments,
    } = notice;
    let lang = users::lang_of(conn, &registration.user_id)?;
    let when = dates::span(lang, slot.starts_at, slot.ends_at, event.time_zone);
    let page = invitations::my_page(base_url);
    let contact = event.contact_or_office();
    let mut args: Vec<(&str, &dyn std::fmt::Display)> = vec![
        ("name", &registration.full_name),
        ("event", &event.title),
        ("session", &slot.title),
        ("when", &when),
        ("page", &page),
        ("contact", &contact),
    ];
    if let Some(join) = &join {
        args.push(("join", join));
    }
    mail::enqueue(
        conn,
        mail::Outgoing {
            template,
            lang,
            to: &registration.email,
            event_id: Some(&registration.event_id),
            args: &args,
            attachments,
        },
        now,
    )
    .map(drop)
}

fn invite_all(conn: &mut DbConnection, p: InviteAll) -> diesel::QueryResult<()> {
    // Moved again since: the job for the newer sequence does it.
    let Some(session) = sessions::find(conn, &p.session_id)?.filter(|s| s.sequence == p.sequence)
    else {
        return Ok(());
    };
    let now = Utc::now();
    for id in registrations::ids_with_status(conn, &session.event_id, Status::Confirmed)? {
        queue_invitation(conn, &session, &id, false, now)?;
    }
    Ok(())
}

/// Sent only while it still holds: the session at that sequence, the seat
/// still confirmed. With Zoom configured (`link_wait`), an invitation whose
/// personal link is still to come waits for it, up to its bound:
/// [`personal_link_ready`] brings it forward.
fn invite_one(
    conn: &mut DbConnection,
    p: InviteOne,
    base_url: &Url,
    link_wait: Option<std::time::Duration>,
) -> diesel::QueryResult<()> {
    jobs::lock(conn, &p)?;
    let Some(session) = sessions::find(conn, &p.session_id)?.filter(|s| s.sequence == p.sequence)
    else {
        return Ok(());
    };
    let Some(registration) = registrations::find(conn, &p.registration_id)?
        .filter(|r| r.status == Status::Confirmed && r.event_id == session.event_id)
    else {
        return Ok(());
    };
    let Some(event) = events::find(conn, &session.event_id)? else {
        return Ok(());
    };
    let now = Utc::now();
    if let (Some(bound), Some(queued_at)) = (link_wait, p.queued_at) {
        let personal = sessions::personal_join_urls(conn, &registration.id)?.remove(&session.id);
        let refused = session_registrants::refused(conn, &session.id, &registration.id)?;
        if session.awaits_personal_link(personal.as_deref(), refused)
            && let Some(until) = link_awaited_until(queued_at, bound, now)
        {
            return jobs::postpone(conn, &p, until);
        }
    }
    invite(conn, &event, &session, &registration, base_url, now)
}

fn cancel_all(conn: &mut DbConnection, p: CancelAll, base_url: &Url) -> diesel::QueryResult<()> {
    let Some(event) = events::find(conn, &p.event_id)? else {
        return Ok(());
    };
    let now = Utc::now();
    for registration in registrations::with_status(conn, &p.event_id, Status::Confirmed)? {
        let attachment =
            invitations::session_cancellation(conn, &event, &p.slot, &registration, base_url, now)?;
        let notice = Notice {
            template: Template::SessionCancelled,
            event: &event,
            slot: &p.slot,
            join: None,
            attachments: vec![attachment],
        };
        send(conn, notice, &registration, base_url, now)?;
    }
    Ok(())
}

/// Sent only while it still holds: the session there at the planned time
/// and sequence and not yet started, the seat still confirmed.
fn remind(conn: &mut DbConnection, p: Reminder, base_url: &Url) -> diesel::QueryResult<()> {
    let now = Utc::now();
    let Some(session) = sessions::find(conn, &p.session_id)?.filter(|s| {
        s.sequence == p.sequence && s.plan.starts_at == p.starts_at && s.plan.starts_at > now
    }) else {
        return Ok(());
    };
    let Some(registration) = registrations::find(conn, &p.registration_id)?
        .filter(|r| r.status == Status::Confirmed && r.event_id == session.event_id)
    else {
        return Ok(());
    };
    let Some(event) = events::find(conn, &session.event_id)? else {
        return Ok(());
    };
    let join = join(conn, &session, &registration, base_url)?;
    let notice = Notice {
        template: Template::SessionReminder,
        event: &event,
        slot: &Slot::of(&session),
        join: Some(join),
        attachments: Vec::new(),
    };
    send(conn, notice, &registration, base_url, now)
}
