use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::OutboxRow;
use crate::db::schema::outbox;
use crate::db::states::Stored;
use crate::domain::outbox::OutboxStatus;

pub fn insert(conn: &mut DbConnection, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// How many messages of a template went (or are going) to an address since `since`.
pub fn count_since(
    conn: &mut DbConnection,
    recipient: &str,
    template: &str,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::recipient.eq(recipient))
        .filter(outbox::template.eq(template))
        .filter(outbox::created_at.gt(since.naive_utc()))
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}

pub fn set_attachments(conn: &mut DbConnection, id: &str, attachments: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set(outbox::attachments.eq(attachments))
        .execute(conn)
        .map(drop)
}

pub fn mark_sent(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Sent.stored()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(None::<String>),
            outbox::sent_at.eq(Some(now.naive_utc())),
        ))
        .execute(conn)
        .map(drop)
}

/// Records a failed attempt; `final_` when no retry will follow.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    final_: bool,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(if final_ {
                OutboxStatus::Failed
            } else {
                OutboxStatus::Queued
            }
            .stored()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)
        .map(drop)
}

/// Newest first, from the `offset`th on; only those of `event_id` when
/// given.
pub fn newest(
    conn: &mut DbConnection,
    event_id: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let mut query = outbox::table
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(OutboxRow::as_select())
        .into_boxed();
    if let Some(event_id) = event_id {
        query = query.filter(outbox::event_id.eq(event_id));
    }
    query.load(conn)
}
