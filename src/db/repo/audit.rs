use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::AuditRow;
use crate::db::schema::audit_log;
use crate::domain::account::Account;

/// One line of the audit log, the one way to write one:
/// `Entry::new("event.created").by(&actor).event(&id).address(ip).record(conn, now)`.
/// Without `by` the system (or someone not signed in) acted; `subject` is
/// what it concerned (an address, an id, a title).
#[derive(Default)]
pub struct Entry<'a> {
    actor: Option<(&'a str, &'a str)>,
    action: &'a str,
    event_id: Option<&'a str>,
    subject: Option<&'a str>,
    address: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub fn new(action: &'a str) -> Entry<'a> {
        Entry {
            action,
            ..Entry::default()
        }
    }

    pub fn by(self, actor: &'a Account) -> Entry<'a> {
        self.by_user(&actor.id, &actor.email)
    }

    /// Someone known by their row rather than a signed-in account.
    pub fn by_user(mut self, id: &'a str, email: &'a str) -> Entry<'a> {
        self.actor = Some((id, email));
        self
    }

    pub fn event(mut self, event_id: Option<&'a str>) -> Entry<'a> {
        self.event_id = event_id;
        self
    }

    pub fn subject(mut self, subject: &'a str) -> Entry<'a> {
        self.subject = Some(subject);
        self
    }

    /// The network address the request came from, when there was one.
    pub fn address(mut self, address: Option<&'a str>) -> Entry<'a> {
        self.address = address;
        self
    }

    pub fn record(&self, conn: &mut DbConnection, now: DateTime<Utc>) -> QueryResult<()> {
        let row = AuditRow {
            id: Uuid::now_v7().to_string(),
            at: now.naive_utc(),
            actor_id: self.actor.map(|(id, _)| id.to_owned()),
            actor_email: self.actor.map(|(_, email)| email.to_owned()),
            action: self.action.to_owned(),
            event_id: self.event_id.map(str::to_owned),
            subject: self.subject.map(str::to_owned),
            address: self.address.map(str::to_owned),
        };
        diesel::insert_into(audit_log::table)
            .values(&row)
            .execute(conn)
            .map(drop)
    }
}

pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}
