//! Calendar invitations (`.ics`) for a participant's seat and for each
//! session they hold a seat in: attached to e-mails, downloadable from their
//! page, and gathered in their private feed.

use chrono::{DateTime, Utc};
use url::Url;

use crate::db::DbConnection;
use crate::db::models::RegistrationRow;
use crate::db::repo::{registrations, sessions, users};
use crate::domain::event::Event;
use crate::domain::registration::Status;
use crate::domain::session::{Session, entry_sequence};
use crate::export::calendar::{Calendar, Entry, Method, Person, content_type};
use crate::integrations::mail::Attachment;

fn host(base_url: &Url) -> &str {
    base_url.host_str().unwrap_or("bimtek")
}

/// Calendar programs send replies and questions to the organiser.
fn organiser(
    conn: &mut DbConnection,
    event: &Event,
    base_url: &Url,
) -> diesel::QueryResult<Person> {
    let email = users::first_organiser_email(conn, &event.id.to_string())?
        .unwrap_or_else(|| format!("noreply@{}", host(base_url)));
    Ok(Person {
        name: event.organiser_office.clone(),
        email,
    })
}

fn attendee(registration: &RegistrationRow) -> Person {
    Person {
        name: registration.full_name.clone(),
        email: registration.email.clone(),
    }
}

/// An address of the site, for an e-mail.
pub(crate) fn page(base_url: &Url, path: &str) -> String {
    base_url
        .join(path)
        .map_or_else(|_| String::new(), String::from)
}

/// The participant's own page, where their sessions and links are.
pub fn my_page(base_url: &Url) -> String {
    page(base_url, "/my")
}

/// One entry per registration, so that a cancelled and renewed seat
/// replaces the old one in the participant's calendar.
fn event_entry(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Entry> {
    let page = page(base_url, &format!("/events/{}", event.slug));
    Ok(Entry {
        uid: format!("registration-{}@{}", registration.id, host(base_url)),
        sequence: 0,
        stamp: now,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        time_zone: event.time_zone,
        summary: event.title.clone(),
        description: format!("{}\n\n{page}", event.organiser_office),
        location: None,
        url: Some(page),
        organiser: Some(organiser(conn, event, base_url)?),
        attendee: Some(attendee(registration)),
        cancelled: false,
    })
}

pub fn event_ics(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<String> {
    let entries = [event_entry(conn, event, registration, base_url, now)?];
    Ok(Calendar {
        method: Method::Request,
        name: None,
        entries: &entries,
    }
    .to_ics())
}

pub fn event_invitation(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Attachment> {
    let ics = event_ics(conn, event, registration, base_url, now)?;
    Ok(Attachment {
        filename: format!("{}.ics", event.slug),
        content_type: content_type(Method::Request),
        bytes: ics.into_bytes(),
    })
}

/// A participant's own invitation, for download from their page.
pub async fn for_participant(
    db: &crate::db::Db,
    account: &crate::domain::account::Account,
    registration_id: &str,
    base_url: &Url,
) -> Result<(String, String), crate::error::Error> {
    use crate::error::Error;
    let (user_id, id, base_url) = (
        account.id.clone(),
        registration_id.to_owned(),
        base_url.clone(),
    );
    db.run(move |conn| {
        let registration = registrations::find(conn, &id)?
            .filter(|r| r.user_id == user_id && r.status == Status::Confirmed)
            .ok_or(Error::NotFound)?;
        let event =
            crate::db::repo::events::find(conn, &registration.event_id)?.ok_or(Error::NotFound)?;
        let ics = event_ics(conn, &event, &registration, &base_url, Utc::now())?;
        Ok((format!("{}.ics", event.slug), ics))
    })
    .await
}

/// What a session's calendar entry needs, kept in a job's payload when the
/// session itself is gone (its cancellation).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Slot {
    pub session_id: String,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The session's invitation sequence, or in an entry the entry's own
    /// SEQUENCE (see [`entry_sequence`]).
    pub sequence: u32,
}

impl Slot {
    pub fn of(session: &Session) -> Slot {
        Slot {
            session_id: session.id.clone(),
            title: session.plan.title.clone(),
            description: session.plan.description.clone(),
            starts_at: session.plan.starts_at,
            ends_at: session.plan.ends_at,
            sequence: session.sequence,
        }
    }

    /// The session as one participant's calendar entry shows it: at the
    /// entry's own SEQUENCE, which depends on whether it carries their
    /// personal link.
    fn entry(session: &Session, personal: Option<&str>) -> Slot {
        Slot {
            sequence: session.entry_sequence(personal),
            ..Slot::of(session)
        }
    }
}

/// Where a participant goes for a session: their link, else the pasted
/// one, else the room; for a Zoom session whose personal link is not made
/// yet, their page, which shows it once it is.
pub fn whereabouts(session: &Session, personal: Option<&str>, base_url: &Url) -> String {
    session
        .participant_link(personal)
        .or(session.place())
        .map_or_else(|| my_page(base_url), str::to_owned)
}

/// One session of one participant; the UID is per seat, so that a seat
/// given up and taken again is a new entry.
fn slot_entry(
    event: &Event,
    slot: &Slot,
    location: Option<String>,
    people: (Person, Option<Person>),
    registration_id: &str,
    base_url: &Url,
    now: DateTime<Utc>,
) -> Entry {
    let description = [slot.description.as_str(), &event.title, &my_page(base_url)]
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    Entry {
        uid: format!(
            "session-{}-{}@{}",
            slot.session_id,
            registration_id,
            host(base_url)
        ),
        sequence: slot.sequence,
        stamp: now,
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        time_zone: event.time_zone,
        summary: format!("{} ({})", slot.title, event.title),
        description,
        url: location.as_ref().filter(|l| l.starts_with("http")).cloned(),
        location,
        organiser: Some(people.0),
        attendee: people.1,
        cancelled: false,
    }
}

fn attach(calendar: &Calendar<'_>, filename: String) -> Attachment {
    Attachment {
        filename,
        content_type: calendar.content_type(),
        bytes: calendar.to_ics().into_bytes(),
    }
}

fn filename(event: &Event, slot: &Slot) -> String {
    let local = slot.starts_at.with_timezone(&event.time_zone);
    format!("{}-{}.ics", event.slug, local.format("%Y%m%d-%H%M"))
}

/// The invitation (METHOD:REQUEST) to one session, at its current sequence.
pub fn session_invitation(
    conn: &mut DbConnection,
    event: &Event,
    session: &Session,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Attachment> {
    let personal = sessions::personal_join_urls(conn, &registration.id)?.remove(&session.id);
    let slot = Slot::entry(session, personal.as_deref());
    let people = (
        organiser(conn, event, base_url)?,
        Some(attendee(registration)),
    );
    let location = whereabouts(session, personal.as_deref(), base_url);
    let entries = [slot_entry(
        event,
        &slot,
        Some(location),
        people,
        &registration.id,
        base_url,
        now,
    )];
    let calendar = Calendar {
        method: Method::Request,
        name: None,
        entries: &entries,
    };
    Ok(attach(&calendar, filename(event, &slot)))
}

/// Withdraws a removed session (METHOD:CANCEL): past the last invitation
/// (with or without a personal link), so calendars take it.
pub fn session_cancellation(
    conn: &mut DbConnection,
    event: &Event,
    slot: &Slot,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Attachment> {
    let withdrawn = Slot {
        sequence: entry_sequence(slot.sequence + 1, false),
        ..slot.clone()
    };
    let people = (
        organiser(conn, event, base_url)?,
        Some(attendee(registration)),
    );
    let entries = [slot_entry(
        event,
        &withdrawn,
        None,
        people,
        &registration.id,
        base_url,
        now,
    )];
    let calendar = Calendar {
        method: Method::Cancel,
        name: None,
        entries: &entries,
    };
    Ok(attach(&calendar, filename(event, slot)))
}

/// A seat given up or taken away: each session's entry withdrawn from the
/// participant's calendar, one calendar per session as iTIP wants.
pub fn seat_withdrawals(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Attachment>> {
    sessions::of_event(conn, &event.id.to_string())?
        .iter()
        .map(|session| {
            session_cancellation(conn, event, &Slot::of(session), registration, base_url, now)
        })
        .collect()
}

/// A participant's feed (METHOD:PUBLISH): every session of every event
/// they hold a seat in.
pub fn feed(
    conn: &mut DbConnection,
    user_id: &str,
    name: &str,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<String> {
    let mut entries = Vec::new();
    for (registration, event) in registrations::of_user(conn, user_id)? {
        if registration.status != Status::Confirmed {
            continue;
        }
        let personal = sessions::personal_join_urls(conn, &registration.id)?;
        let organiser = organiser(conn, &event, base_url)?;
        for session in sessions::of_event(conn, &event.id.to_string())? {
            let link = personal.get(&session.id).map(String::as_str);
            let location = whereabouts(&session, link, base_url);
            entries.push(slot_entry(
                &event,
                &Slot::entry(&session, link),
                Some(location),
                (organiser.clone(), None),
                &registration.id,
                base_url,
                now,
            ));
        }
    }
    entries.sort_by_key(|e| e.starts_at);
    Ok(Calendar {
        method: Method::Publish,
        name: Some(name),
        entries: &entries,
    }
    .to_ics())
}
