use chrono::Utc;

use crate::db::Db;
use crate::db::repo::{events as repo, is_unique_violation};
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
