//! Zoom's webhook deliveries, kept as received until their job has read them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::ZoomWebhookRow;
use crate::db::schema::zoom_webhooks;

/// Keeps a delivery; `false` when one with its key is kept already (a
/// redelivery). `ON CONFLICT DO NOTHING`, as for jobs: a failed insert
/// would abort the caller's transaction on PostgreSQL.
pub fn store(conn: &mut DbConnection, row: &ZoomWebhookRow) -> QueryResult<bool> {
    let insert = diesel::insert_into(zoom_webhooks::table)
        .values(row.clone())
        .on_conflict(zoom_webhooks::dedup_key)
        .do_nothing();
    // The derived multi-backend has no ON CONFLICT; each backend has.
    let inserted = match conn {
        DbConnection::Pg(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    Ok(inserted == 1)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ZoomWebhookRow>> {
    zoom_webhooks::table
        .find(id)
        .select(ZoomWebhookRow::as_select())
        .first(conn)
        .optional()
}

pub fn mark_processed(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(zoom_webhooks::table.find(id))
        .set(zoom_webhooks::processed_at.eq(now.naive_utc()))
        .execute(conn)
        .map(drop)
}
