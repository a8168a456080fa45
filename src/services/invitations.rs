//! Calendar invitations (`.ics`) for a participant's seat: attached to the
//! confirmation e-mail and downloadable from their page.

use chrono::{DateTime, Utc};
use url::Url;

use crate::db::DbConnection;
use crate::db::models::RegistrationRow;
use crate::db::repo::users;
use crate::domain::calendar::{Calendar, Entry, Method, Person, content_type};
use crate::domain::event::Event;
use crate::domain::registration::Status;
use crate::integrations::mail::StoredAttachment;

/// One entry per registration, so that a cancelled and renewed seat
/// replaces the old one in the participant's calendar.
fn event_entry(
    conn: &mut DbConnection,
    event: &Event,
    registration: &RegistrationRow,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Entry> {
    let host = base_url.host_str().unwrap_or("bimtek");
    // Calendar programs send replies and questions to the organiser.
    let organiser = users::first_organiser_email(conn, &registration.event_id)?
        .unwrap_or_else(|| format!("noreply@{host}"));
    let page = base_url
        .join(&format!("/events/{}", event.slug))
        .map_or_else(|_| String::new(), String::from);
    Ok(Entry {
        uid: format!("registration-{}@{host}", registration.id),
        sequence: 0,
        stamp: now,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        time_zone: event.time_zone,
        summary: event.title.clone(),
        description: format!("{}\n\n{page}", event.organiser_office),
        location: None,
        url: Some(page),
        organiser: Some(Person {
            name: event.organiser_office.clone(),
            email: organiser,
        }),
        attendee: Some(Person {
            name: registration.full_name.clone(),
            email: registration.email.clone(),
        }),
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
) -> diesel::QueryResult<StoredAttachment> {
    use base64::Engine;
    let ics = event_ics(conn, event, registration, base_url, now)?;
    Ok(StoredAttachment {
        filename: format!("{}.ics", event.slug),
        content_type: content_type(Method::Request),
        base64: base64::engine::general_purpose::STANDARD.encode(ics),
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
        let registration = crate::db::repo::registrations::find(conn, &id)?
            .filter(|r| r.user_id == user_id && r.status == Status::Confirmed.as_str())
            .ok_or(Error::NotFound)?;
        let event =
            crate::db::repo::events::find(conn, &registration.event_id)?.ok_or(Error::NotFound)?;
        let ics = event_ics(conn, &event, &registration, &base_url, Utc::now())?;
        Ok((format!("{}.ics", event.slug), ics))
    })
    .await
}
