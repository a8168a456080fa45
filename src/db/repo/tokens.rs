//! Single-use links. The secret travels in the link; the table keeps only
//! its SHA-256.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::tokens;
use crate::domain::account::TokenPurpose;
use crate::secret::{digest, new_secret};

/// Stores a new link and returns its secret.
pub fn issue(
    conn: &mut DbConnection,
    purpose: TokenPurpose,
    user_id: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let secret = new_secret();
    let lifetime = chrono::Duration::from_std(purpose.lifetime()).expect("lifetimes are short");
    diesel::insert_into(tokens::table)
        .values((
            tokens::hash.eq(digest(&secret)),
            tokens::purpose.eq(purpose.as_str()),
            tokens::user_id.eq(user_id),
            tokens::expires_at.eq((now + lifetime).naive_utc()),
            tokens::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// The link is valid: right purpose, not expired, not used.
pub struct Valid {
    pub user_id: Option<String>,
}

/// Looks a link up without using it (to show its form).
pub fn check(
    conn: &mut DbConnection,
    purpose: TokenPurpose,
    secret: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<Valid>> {
    tokens::table
        .filter(tokens::hash.eq(digest(secret)))
        .filter(tokens::purpose.eq(purpose.as_str()))
        .filter(tokens::used_at.is_null())
        .filter(tokens::expires_at.gt(now.naive_utc()))
        .select(tokens::user_id)
        .first::<Option<String>>(conn)
        .optional()
        .map(|found| found.map(|user_id| Valid { user_id }))
}

/// Uses a link: only the first caller gets `Some`, even when two arrive at
/// once, because the update itself checks that it is still unused.
pub fn consume(
    conn: &mut DbConnection,
    purpose: TokenPurpose,
    secret: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<Valid>> {
    let Some(valid) = check(conn, purpose, secret, now)? else {
        return Ok(None);
    };
    let used = diesel::update(
        tokens::table
            .filter(tokens::hash.eq(digest(secret)))
            .filter(tokens::used_at.is_null()),
    )
    .set(tokens::used_at.eq(now.naive_utc()))
    .execute(conn)?;
    Ok((used == 1).then_some(valid))
}

/// Retires every unused link of a purpose (for a user, or all setup links).
pub fn revoke(
    conn: &mut DbConnection,
    purpose: TokenPurpose,
    user_id: Option<&str>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let unused = tokens::table
        .filter(tokens::purpose.eq(purpose.as_str()))
        .filter(tokens::used_at.is_null());
    match user_id {
        Some(user_id) => diesel::update(unused.filter(tokens::user_id.eq(user_id)))
            .set(tokens::used_at.eq(now.naive_utc()))
            .execute(conn),
        None => diesel::update(unused)
            .set(tokens::used_at.eq(now.naive_utc()))
            .execute(conn),
    }
    .map(drop)
}
