//! Private calendar feeds: the secret travels in the feed's URL; the table
//! keeps only its SHA-256. One works per person at a time.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::calendar_feeds;

/// Stops every feed of `user_id` that still works.
pub fn revoke(conn: &mut DbConnection, user_id: &str, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        calendar_feeds::table
            .filter(calendar_feeds::user_id.eq(user_id))
            .filter(calendar_feeds::revoked_at.is_null()),
    )
    .set(calendar_feeds::revoked_at.eq(Some(now.naive_utc())))
    .execute(conn)
}

/// A new feed in place of the old one, which stops working.
pub fn replace(
    conn: &mut DbConnection,
    user_id: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    revoke(conn, user_id, now)?;
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::id.eq(Uuid::now_v7().to_string()),
            calendar_feeds::user_id.eq(user_id),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(now.naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

/// Whose working feed has this digest.
pub fn owner(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<String>> {
    calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(calendar_feeds::user_id)
        .first(conn)
        .optional()
}

pub fn has_working(conn: &mut DbConnection, user_id: &str) -> QueryResult<bool> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::user_id.eq(user_id))
        .filter(calendar_feeds::revoked_at.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0)
}
