use chrono::Utc;

use crate::db::Db;
use crate::db::repo::{events as repo, is_unique_violation};
use crate::domain::account::{Account, EventRole};
use crate::domain::event::{Event, FieldError, NewEvent};
use crate::error::Error;

pub async fn published(db: &Db) -> Result<Vec<Event>, Error> {
    db.run(|conn| Ok(repo::list_published(conn)?)).await
}

pub async fn published_by_slug(db: &Db, slug: &str) -> Result<Event, Error> {
    let slug = slug.to_owned();
    db.run(move |conn| repo::find_published_by_slug(conn, &slug)?.ok_or(Error::NotFound))
        .await
}

pub async fn create(db: &Db, new: NewEvent) -> Result<Event, Error> {
    new.validate().map_err(Error::Invalid)?;
    db.transaction(move |conn| match repo::insert(conn, &new, Utc::now()) {
        Err(error) if is_unique_violation(&error) => Err(Error::Invalid(vec![FieldError {
            field: "slug",
            message: "event.error.slug_taken",
        }])),
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
