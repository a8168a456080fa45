use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::Utc;
use chrono_tz::Tz;

use crate::db::Db;
use crate::db::repo::{audit, events as repo, is_unique_violation, registrations, sessions, users};
use crate::domain::account::{Account, EventRole};
use crate::domain::event::{Event, FieldError, NewEvent};
use crate::domain::registration::Seats;
use crate::error::Error;
use crate::i18n::Lang;
use crate::services::session_mail;
use crate::services::sessions::{Agenda, own_zone, read_agenda, registered_province};

pub async fn published(db: &Db) -> Result<Vec<Event>, Error> {
    db.run(|conn| Ok(repo::list_published(conn)?)).await
}

pub async fn published_by_slug(db: &Db, slug: &str) -> Result<Event, Error> {
    let slug = slug.to_owned();
    db.run(move |conn| repo::find_published_by_slug(conn, &slug)?.ok_or(Error::NotFound))
        .await
}

/// What the public event page shows of an event, read at one version of
/// its content (`events.content_version`, raised by the database whenever
/// any of it changes), with what the views made of it.
pub struct PublicPage {
    pub event: Event,
    pub seats: Seats,
    pub agenda: Agenda,
    version: i64,
    /// Parts of the page that depend on nothing else than this content,
    /// the language and the viewer's zone: made once per version.
    parts: Mutex<Parts>,
}

/// A page's parts as rendered, by language and the viewer's zone.
type Parts = HashMap<(Lang, Option<Tz>), Arc<str>>;

impl PublicPage {
    /// The part `make` renders for this language and zone, made on the
    /// first visit that asks for it.
    pub fn part(&self, lang: Lang, zone: Option<Tz>, make: impl FnOnce() -> String) -> Arc<str> {
        let kept = lock(&self.parts).get(&(lang, zone)).cloned();
        kept.unwrap_or_else(|| {
            // Made outside the lock: two first visits may both make it.
            let made: Arc<str> = make().into();
            lock(&self.parts).insert((lang, zone), made.clone());
            made
        })
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// This instance's public event pages, by event id, each as last read. A
/// visit reads the event's content version (one small row) and uses the
/// page kept here only when it is of that version, so that a change made
/// through any instance sharing the database shows at once.
#[derive(Clone, Default)]
pub struct PublicPages(Arc<RwLock<HashMap<String, Arc<PublicPage>>>>);

impl PublicPages {
    fn current(&self, event_id: &str, version: i64) -> Option<Arc<PublicPage>> {
        let pages = self.0.read().unwrap_or_else(PoisonError::into_inner);
        pages
            .get(event_id)
            .filter(|page| page.version == version)
            .cloned()
    }

    fn keep(&self, page: Arc<PublicPage>) {
        let mut pages = self.0.write().unwrap_or_else(PoisonError::into_inner);
        let id = page.event.id.to_string();
        // A visit that read an older version last does not undo a newer one.
        if pages
            .get(&id)
            .is_none_or(|kept| kept.version < page.version)
        {
            pages.insert(id, page);
        }
    }
}

/// The public event page for a visit: the page of the event's current
/// content, and the viewer's own zone when they registered from a province
/// that keeps another time than the event.
pub struct Shown {
    pub page: Arc<PublicPage>,
    pub own_zone: Option<Tz>,
}

/// The public event page, in one trip to the database: the page is read on
/// every visit, and each trip is a hand-over to a blocking thread and back.
/// The trip reads the event's content version (and the viewer's province);
/// the event, its seats and its agenda only when `pages` holds no page of
/// that version.
pub async fn public_page(
    db: &Db,
    pages: &PublicPages,
    slug: &str,
    viewer: Option<&Account>,
) -> Result<Shown, Error> {
    let slug = slug.to_owned();
    let user_id = viewer.map(|a| a.id.clone());
    let pages = pages.clone();
    let (page, province) = db
        .run(move |conn| -> Result<_, Error> {
            let (event_id, version) =
                repo::published_version(conn, &slug)?.ok_or(Error::NotFound)?;
            let province = match user_id {
                Some(user_id) => registered_province(conn, &event_id, &user_id)?,
                None => None,
            };
            if let Some(page) = pages.current(&event_id, version) {
                return Ok((page, province));
            }
            // Read after the version: what is read is of that version or
            // newer, and a newer one is read again at the next visit.
            let event = repo::find(conn, &event_id)?.ok_or(Error::NotFound)?;
            let (seats, _) = registrations::seats(conn, &event_id)?;
            let agenda = read_agenda(conn, &event_id)?;
            let page = Arc::new(PublicPage {
                event,
                seats,
                agenda,
                version,
                parts: Mutex::default(),
            });
            pages.keep(page.clone());
            Ok((page, province))
        })
        .await?;
    let own_zone = own_zone(db, &page.event, province).await?;
    Ok(Shown { page, own_zone })
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
