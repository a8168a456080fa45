//! A participant's private calendar feed: one secret URL with all their
//! sessions, which calendar apps poll without signing in.

use chrono::Utc;
use url::Url;

use crate::db::Db;
use crate::db::repo::{calendar_feeds as repo, users};
use crate::domain::account::Account;
use crate::error::Error;
use crate::secret;
use crate::services::invitations;

/// The feed's path for a secret.
pub fn path(secret: &str) -> String {
    format!("/calendar/{secret}.ics")
}

/// A new feed (the old one stops working); returns its secret, which is
/// shown once and not kept.
pub async fn create(db: &Db, account: &Account) -> Result<String, Error> {
    let (secret, user_id) = (secret::new_secret(), account.id.clone());
    let digest = secret::digest(&secret);
    db.transaction(move |conn| -> Result<(), Error> {
        Ok(repo::replace(conn, &user_id, &digest, Utc::now())?)
    })
    .await?;
    Ok(secret)
}

pub async fn revoke(db: &Db, account: &Account) -> Result<(), Error> {
    let user_id = account.id.clone();
    db.transaction(move |conn| Ok(repo::revoke(conn, &user_id, Utc::now()).map(drop)?))
        .await
}

pub async fn has_working(db: &Db, account: &Account) -> Result<bool, Error> {
    let user_id = account.id.clone();
    db.run(move |conn| Ok(repo::has_working(conn, &user_id)?))
        .await
}

/// The feed behind a secret; an unknown or revoked one is not found.
pub async fn ics(db: &Db, secret: &str, base_url: &Url) -> Result<String, Error> {
    let (digest, base_url) = (secret::digest(secret), base_url.clone());
    db.run(move |conn| {
        let user_id = repo::owner(conn, &digest)?.ok_or(Error::NotFound)?;
        let user = users::find(conn, &user_id)?.ok_or(Error::NotFound)?;
        let name = format!("bimtek: {}", user.name);
        Ok(invitations::feed(
            conn,
            &user_id,
            &name,
            &base_url,
            Utc::now(),
        )?)
    })
    .await
}
