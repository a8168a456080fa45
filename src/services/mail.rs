//! The outbox: every e-mail is a row written in the transaction of the
//! change that causes it, plus a job that sends it.

use std::fmt::Display;

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::models::OutboxRow;
use crate::db::repo::{audit, outbox, users};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::account::Account;
use crate::domain::job::ATTEMPTS_FOR_A_DAY;
use crate::email::{Template, render};
use crate::error::Error;
use crate::i18n::Lang;
use crate::integrations::mail::{SendError, StoredAttachment};
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, JobFailure, Outcome, Record};

pub struct Outgoing<'a> {
    pub template: Template,
    pub lang: Lang,
    pub to: &'a str,
    /// The event it concerns: its organisers see the message, and the
    /// first of them gets the replies.
    pub event_id: Option<&'a str>,
    pub args: &'a [(&'a str, &'a dyn Display)],
    pub attachments: Vec<StoredAttachment>,
}

/// Writes the message and its sending job; returns the outbox id.
pub fn enqueue(
    conn: &mut DbConnection,
    mail: Outgoing<'_>,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let reply_to = match mail.event_id {
        Some(event_id) => users::first_organiser_email(conn, event_id)?,
        None => None,
    };
    store(conn, prepare(mail, reply_to, now), now)
}

/// A rendered message, ready to be stored.
pub struct Prepared(OutboxRow);

/// Renders a message ahead of the transaction that stores it, so that the
/// transaction holds its locks for the writes alone. `reply_to`: the
/// event's first organiser, as [`enqueue`] looks it up.
pub fn prepare(mail: Outgoing<'_>, reply_to: Option<String>, now: DateTime<Utc>) -> Prepared {
    let rendered = render(mail.template, mail.lang, mail.args);
    Prepared(OutboxRow {
        id: Uuid::now_v7().simple().to_string(),
        event_id: mail.event_id.map(str::to_owned),
        template: mail.template.key().to_owned(),
        recipient: mail.to.to_owned(),
        reply_to,
        subject: rendered.subject,
        body_text: rendered.text,
        attachments: serde_json::to_string(&mail.attachments).expect("attachments serialise"),
        status: "queued".into(),
        attempts: 0,
        last_error: None,
        created_at: now.naive_utc(),
        sent_at: None,
    })
}

/// Writes a prepared message and its sending job; returns the outbox id.
pub fn store(conn: &mut DbConnection, mail: Prepared, now: DateTime<Utc>) -> QueryResult<String> {
    let Prepared(row) = mail;
    outbox::insert(conn, &row)?;
    queue_sending(conn, &row.id, now)?;
    Ok(row.id)
}

fn queue_sending(
    conn: &mut DbConnection,
    outbox_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let job = SendMail {
        outbox_id: outbox_id.to_owned(),
    };
    jobs::enqueue(conn, &job, now)
}

/// Sends one outbox message.
#[derive(Serialize, Deserialize)]
pub struct SendMail {
    outbox_id: String,
}

impl BackgroundJob for SendMail {
    const KIND: &'static str = "mail";
    const MAX_ATTEMPTS: u32 = ATTEMPTS_FOR_A_DAY;
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.outbox_id))
    }

    /// A message already marked sent is not sent again (a job that ran
    /// twice); the outbox row keeps the attempts and the server's last
    /// answer for organisers to see, written with the job's own outcome.
    async fn run(self, context: &JobContext, attempt: &Attempt) -> Outcome {
        let id = self.outbox_id;
        let lookup = id.clone();
        let row = match context
            .db
            .run(move |conn| -> Result<_, DbError> { Ok(outbox::find(conn, &lookup)?) })
            .await
        {
            Ok(Some(row)) => row,
            Ok(None) => {
                return Err(JobFailure::Permanent(format!("no outbox message {id}"))).into();
            }
            Err(e) => return Err(JobFailure::retry(e.to_string())).into(),
        };
        if row.status == "sent" {
            return Ok(()).into();
        }
        let result = context.mailer.send(&row).await.map_err(|e| match e {
            SendError::Transient(reason) => JobFailure::retry(reason),
            SendError::Permanent(reason) => JobFailure::Permanent(reason),
        });
        let record: Record = match &result {
            Ok(()) => Box::new(move |conn| outbox::mark_sent(conn, &id, Utc::now())),
            Err(failure) => {
                let final_ = attempt.gives_up(failure);
                let reason = match failure {
                    JobFailure::Retry { error, .. } | JobFailure::Permanent(error) => error.clone(),
                };
                Box::new(move |conn| outbox::mark_failed(conn, &id, &reason, final_))
            }
        };
        Outcome {
            result,
            record: Some(record),
        }
    }
}

/// Sends a message again as a new message (a new Message-ID): the person
/// asked for it, so it is not a duplicate.
pub async fn resend(
    db: &Db,
    actor: &Account,
    outbox_id: &str,
    address: Option<String>,
) -> Result<String, Error> {
    let actor = actor.clone();
    let outbox_id = outbox_id.to_owned();
    db.transaction(move |conn| {
        let original = outbox::find(conn, &outbox_id)?.ok_or(Error::NotFound)?;
        let allowed = actor.is_admin
            || original
                .event_id
                .as_deref()
                .is_some_and(|e| actor.may_manage(e));
        if !allowed {
            return Err(Error::Forbidden);
        }
        let now = Utc::now();
        let copy = OutboxRow {
            id: Uuid::now_v7().simple().to_string(),
            status: "queued".into(),
            attempts: 0,
            last_error: None,
            created_at: now.naive_utc(),
            sent_at: None,
            ..original
        };
        outbox::insert(conn, &copy)?;
        queue_sending(conn, &copy.id, now)?;
        audit::record(
            conn,
            &audit::Entry {
                actor: Some((&actor.id, &actor.email)),
                action: "mail.resend",
                event_id: copy.event_id.as_deref(),
                subject: Some(&copy.recipient),
                address: address.as_deref(),
            },
            now,
        )?;
        Ok(copy.id)
    })
    .await
}

/// The newest messages: all of them for an administrator, else one event's.
pub async fn recent(
    db: &Db,
    event_id: Option<String>,
    limit: i64,
) -> Result<Vec<OutboxRow>, Error> {
    db.run(move |conn| Ok(outbox::newest(conn, event_id.as_deref(), 0, limit)?))
        .await
}

/// Messages on one page of the outbox: a page of a few hundred messages
/// with a form each is too heavy for an organiser's phone.
pub const PAGE_SIZE: i64 = 50;

/// One page of the outbox, newest first.
pub struct OutboxPage {
    pub rows: Vec<OutboxRow>,
    /// From 0.
    pub number: i64,
    /// Whether older messages follow.
    pub more: bool,
}

/// Page `number` (from 0) of the outbox: all of it, or one event's.
pub async fn page(db: &Db, event_id: Option<String>, number: i64) -> Result<OutboxPage, Error> {
    let number = number.max(0);
    let mut rows = db
        .run(move |conn| -> Result<_, Error> {
            // One more than shown tells whether there is a next page.
            Ok(outbox::newest(
                conn,
                event_id.as_deref(),
                number.saturating_mul(PAGE_SIZE),
                PAGE_SIZE + 1,
            )?)
        })
        .await?;
    let more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    Ok(OutboxPage { rows, number, more })
}
