use chrono::Utc;

use crate::db::Db;
use crate::db::repo::{audit, events as repo, is_unique_violation, registrations, sessions, users};
use crate::domain::account::{Account, EventRole};
use crate::domain::event::{Event, FieldError, NewEvent};
use crate::domain::registration::Seats;
use crate::error::Error;
use crate::services::session_mail;
use crate::services::sessions::{Agenda, agenda, read_agenda};

pub async fn published(db: &Db) -> Result<Vec<Event>, Error> {
    db.run(|conn| Ok(repo::list_published(conn)?)).await
}

pub async fn published_by_slug(db: &Db, slug: &str) -> Result<Event, Error> {
    let slug = slug.to_owned();
    db.run(move |conn| repo::find_published_by_slug(conn, &slug)?.ok_or(Error::NotFound))
        .await
}

/// What the public event page shows.
pub struct PublicPage {
    pub event: Event,
    pub seats: Seats,
    pub agenda: Agenda,
}

/// The public event page's event, seats and agenda, in one trip to the
/// database: the page is read on every visit, and each trip is a hand-over
/// to a blocking thread and back.
pub async fn public_page(
    db: &Db,
    slug: &str,
    viewer: Option<&Account>,
) -> Result<PublicPage, Error> {
    let slug = slug.to_owned();
    let user_id = viewer.map(|a| a.id.clone());
    let (event, seats, read) = db
        .run(move |conn| -> Result<_, Error> {
            let event = repo::find_published_by_slug(conn, &slug)?.ok_or(Error::NotFound)?;
            let event_id = event.id.to_string();
            let (seats, _) = registrations::seats(conn, &event_id)?;
            let read = read_agenda(conn, &event_id, user_id.as_deref())?;
            Ok((event, seats, read))
        })
        .await?;
    let agenda = agenda(db, &event, read).await?;
    Ok(PublicPage {
        event,
        seats,
        agenda,
    })
}

pub async fn create(db: &Db, new: NewEvent) -> Result<Event, Error> {
    new.validate().map_err(Error::Invalid)?;
    db.transaction(move |conn| match repo::insert(conn, &new, Utc::now()) {
        Err(error) if is_unique_violation(&error) => Err(Error::Invalid(vec![FieldError::new(
            "slug",
            "event.error.slug_taken",
        )])),
        other => Ok(other?),
    })
    .await
}

pub async fn count(db: &Db) -> Result<i64, Error> {
    db.run(|conn| Ok(repo::count(conn)?)).await
}

/// An event by slug, published or not: for those who run it.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Event, Error> {
    let slug = slug.to_owned();
    db.run(move |conn| repo::find_by_slug(conn, &slug)?.ok_or(Error::NotFound))
        .await
}

pub async fn all(db: &Db) -> Result<Vec<Event>, Error> {
    db.run(|conn| Ok(repo::list_all(conn)?)).await
}

/// The events someone has a role in, with their roles there.
pub async fn of_account(db: &Db, account: &Account) -> Result<Vec<(Event, Vec<EventRole>)>, Error> {
    let memberships = account.memberships.clone();
    db.run(move |conn| {
        let mut events: Vec<(Event, Vec<EventRole>)> = Vec::new();
        for membership in memberships {
            match events
                .iter_mut()
                .find(|(e, _)| e.id.to_string() == membership.event_id)
            {
                Some((_, roles)) => roles.push(membership.role),
                None => {
                    if let Some(event) = repo::find(conn, &membership.event_id)? {
                        events.push((event, vec![membership.role]));
                    }
                }
            }
        }
        events.sort_by_key(|(e, _)| e.starts_at);
        Ok(events)
    })
    .await
}

fn slug_taken(error: &diesel::result::Error) -> Option<Error> {
    is_unique_violation(error).then(|| Error::invalid("slug", "event.error.slug_taken"))
}

/// An organiser (or administrator) creates an event, unpublished, and
/// becomes its organiser.
pub async fn create_by(
    db: &Db,
    actor: &Account,
    new: NewEvent,
    address: Option<String>,
) -> Result<Event, Error> {
    if !(actor.is_organiser || actor.is_admin) {
        return Err(Error::Forbidden);
    }
    new.validate().map_err(Error::Invalid)?;
    let actor = actor.clone();
    db.transaction(move |conn| {
        let now = Utc::now();
        let event =
            repo::insert(conn, &new, now).map_err(|e| slug_taken(&e).unwrap_or(e.into()))?;
        let id = event.id.to_string();
        users::add_membership(conn, &id, &actor.id, EventRole::Organiser, now)?;
        audit::Entry::new("event.created")
            .by(&actor)
            .event(Some(&id))
            .address(address.as_deref())
            .record(conn, now)?;
        Ok(event)
    })
    .await
}

pub async fn update_by(
    db: &Db,
    actor: &Account,
    event: &Event,
    new: NewEvent,
    address: Option<String>,
) -> Result<(), Error> {
    let id = event.id.to_string();
    if !actor.may_manage(&id) {
        return Err(Error::Forbidden);
    }
    new.validate().map_err(Error::Invalid)?;
    let actor = actor.clone();
    db.transaction(move |conn| {
        let now = Utc::now();
        let before = repo::find(conn, &id)?.ok_or(Error::NotFound)?;
        repo::update(conn, &id, &new, now).map_err(|e| slug_taken(&e).unwrap_or(e.into()))?;
        if new.shown_in_sessions_differently_from(&before) {
            for session in sessions::raise_sequences(conn, &id)? {
                session_mail::queue_invitations(conn, &session, now)?;
            }
        }
        audit::Entry::new("event.updated")
            .by(&actor)
            .event(Some(&id))
            .address(address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

pub async fn set_published(
    db: &Db,
    actor: &Account,
    event: &Event,
    published: bool,
    address: Option<String>,
) -> Result<(), Error> {
    let id = event.id.to_string();
    if !actor.may_manage(&id) {
        return Err(Error::Forbidden);
    }
    let actor = actor.clone();
    db.transaction(move |conn| {
        let now = Utc::now();
        repo::set_published(conn, &id, published, now)?;
        let action = if published {
            "event.published"
        } else {
            "event.unpublished"
        };
        audit::Entry::new(action)
            .by(&actor)
            .event(Some(&id))
            .address(address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}
