use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::AuditRow;
use crate::db::schema::audit_log;

/// One line of the audit log. `actor` is who acted (none for the system or
/// someone not signed in), `subject` what it concerned (an address, an id).
pub struct Entry<'a> {
    pub actor: Option<(&'a str, &'a str)>,
    pub action: &'a str,
    pub event_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub address: Option<&'a str>,
}

pub fn record(conn: &mut DbConnection, entry: &Entry<'_>, now: DateTime<Utc>) -> QueryResult<()> {
    let row = AuditRow {
        id: Uuid::now_v7().to_string(),
        at: now.naive_utc(),
        actor_id: entry.actor.map(|(id, _)| id.to_owned()),
        actor_email: entry.actor.map(|(_, email)| email.to_owned()),
        action: entry.action.to_owned(),
        event_id: entry.event_id.map(str::to_owned),
        subject: entry.subject.map(str::to_owned),
        address: entry.address.map(str::to_owned),
    };
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)
        .map(drop)
}

pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}
