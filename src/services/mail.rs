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
use crate::domain::outbox::OutboxStatus;
use crate::email::{Template, render};
use crate::error::Error;
use crate::i18n::Lang;
use crate::integrations::mail::{Attachment, SendError};
use crate::integrations::storage::{FileKey, Storage, StorageError};
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, JobFailure, Outcome, Record};

pub struct Outgoing<'a> {
    pub template: Template,
    pub lang: Lang,
    pub to: &'a str,
    /// The event it concerns: its organisers see the message, and the
    /// first of them gets the replies.
    pub event_id: Option<&'a str>,
    pub args: &'a [(&'a str, &'a dyn Display)],
    pub attachments: Vec<Attachment>,
}

/// Messages of one kind that a stranger can cause to be sent to an address
/// (a registration, a link asked for) per hour, at most. Beyond it they are
/// not sent while the page answers the same, so an address cannot be
/// flooded and the answer tells nothing.
pub const UNSOLICITED_PER_HOUR: i64 = 3;

/// Whether one more message of `template` to `to` stays within
/// [`UNSOLICITED_PER_HOUR`]; asked before anything is changed for it (a
/// fresh link revokes the previous one, which must stay when none is sent).
pub fn may_send_unsolicited(
    conn: &mut DbConnection,
    to: &str,
    template: Template,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let since = now - chrono::Duration::hours(1);
    let sent = outbox::count_since(conn, to, template.key(), since)?;
    if sent >= UNSOLICITED_PER_HOUR {
        tracing::info!(
            template = template.key(),
            "hourly allowance of this address used up; not sent"
        );
    }
    Ok(sent < UNSOLICITED_PER_HOUR)
}

/// Writes the message and its sending job; returns the outbox id.
pub fn enqueue(
    conn: &mut DbConnection,
    mail: Outgoing<'_>,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let reply_to = reply_to(conn, mail.event_id)?;
    store(conn, prepare(mail, reply_to, now), now)
}

/// A file already in storage (a rendered certificate), which a message
/// attaches by its key: the row holds the key, never the bytes.
pub struct StoredFile {
    pub key: FileKey,
    pub filename: String,
    pub content_type: String,
}

/// As [`enqueue`], the message carrying `files` besides its own.
pub fn enqueue_with_stored(
    conn: &mut DbConnection,
    mail: Outgoing<'_>,
    files: Vec<StoredFile>,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let reply_to = reply_to(conn, mail.event_id)?;
    let Prepared(mut row) = prepare(mail, reply_to, now);
    let mut all: Vec<KeptAttachment> = serde_json::from_str(&row.attachments)
        .expect("attachments written by prepare are readable");
    all.extend(files.into_iter().map(|file| KeptAttachment {
        filename: file.filename,
        content_type: file.content_type,
        content: Content::Stored {
            key: file.key.to_string(),
        },
    }));
    row.attachments = kept_json(all);
    store(conn, Prepared(row), now)
}

fn reply_to(conn: &mut DbConnection, event_id: Option<&str>) -> QueryResult<Option<String>> {
    match event_id {
        Some(event_id) => users::first_organiser_email(conn, event_id),
        None => Ok(None),
    }
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
        attachments: kept_json(
            mail.attachments
                .into_iter()
                .map(KeptAttachment::inline)
                .collect(),
        ),
        status: OutboxStatus::Queued,
        attempts: 0,
        last_error: None,
        created_at: now.naive_utc(),
        sent_at: None,
    })
}

/// A file of a message as its outbox row keeps it: in storage, by key.
/// A file made inside the transaction that writes the message (an `.ics`
/// rendered from the rows it changes) cannot wait there for storage, so
/// it is kept inline until the message is first taken up for sending
/// (as are the files of rows from before storage); then it moves.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct KeptAttachment {
    filename: String,
    content_type: String,
    #[serde(flatten)]
    content: Content,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Content {
    Stored { key: String },
    Inline { base64: String },
}

impl KeptAttachment {
    fn inline(file: Attachment) -> KeptAttachment {
        use base64::Engine;
        KeptAttachment {
            filename: file.filename,
            content_type: file.content_type,
            content: Content::Inline {
                base64: base64::engine::general_purpose::STANDARD.encode(file.bytes),
            },
        }
    }
}

fn kept_json(files: Vec<KeptAttachment>) -> String {
    serde_json::to_string(&files).expect("attachments serialise")
}

fn kept(row: &OutboxRow) -> Result<Vec<KeptAttachment>, String> {
    serde_json::from_str(&row.attachments)
        .map_err(|e| format!("the attachments of {} are unreadable: {e}", row.id))
}

/// Why a message's files could not be had.
enum FileTrouble {
    /// The row or a key is damaged, or a file is gone: it will not heal.
    Lost(String),
    /// Storage or the database did not answer.
    Later(String),
}

impl From<FileTrouble> for JobFailure {
    fn from(trouble: FileTrouble) -> JobFailure {
        match trouble {
            FileTrouble::Lost(reason) => JobFailure::Permanent(reason),
            FileTrouble::Later(reason) => JobFailure::retry(reason),
        }
    }
}

impl From<StorageError> for FileTrouble {
    fn from(e: StorageError) -> FileTrouble {
        match e {
            StorageError::Missing(_) => FileTrouble::Lost(e.to_string()),
            StorageError::Unavailable(_) => FileTrouble::Later(e.to_string()),
        }
    }
}

/// Puts the inline files into storage, each then kept by its key; whether
/// any moved (their keys are to be written on the row). Storing is
/// idempotent (the key is the content's hash), so two instances doing it
/// at once agree.
async fn store_inline(
    storage: &Storage,
    files: &mut [KeptAttachment],
) -> Result<bool, FileTrouble> {
    use base64::Engine;
    let mut moved = false;
    for file in files {
        if let Content::Inline { base64 } = &file.content {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(|e| FileTrouble::Lost(format!("attachment {}: {e}", file.filename)))?;
            let key = storage.put(bytes.into()).await?;
            file.content = Content::Stored {
                key: key.to_string(),
            };
            moved = true;
        }
    }
    Ok(moved)
}

/// The message's files, read from storage.
async fn read_files(
    storage: &Storage,
    kept: &[KeptAttachment],
) -> Result<Vec<Attachment>, FileTrouble> {
    let mut files = Vec::new();
    for file in kept {
        let Content::Stored { key } = &file.content else {
            return Err(FileTrouble::Lost(format!(
                "attachment {} is not in storage",
                file.filename
            )));
        };
        let key = FileKey::parse(key)
            .ok_or_else(|| FileTrouble::Lost(format!("attachment {}: bad key", file.filename)))?;
        files.push(Attachment {
            bytes: storage.read(&key).await?,
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
        });
    }
    Ok(files)
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
        if row.status == OutboxStatus::Sent {
            return Ok(()).into();
        }
        // Keys of files that moved into storage are written with the
        // outcome, in the same transaction.
        let mut moved = None;
        let result = match files_of(&context.storage, &row).await {
            Ok((files, keys)) => {
                moved = keys;
                context
                    .mailer
                    .send(&row, &files)
                    .await
                    .map_err(|e| match e {
                        SendError::Transient(reason) => JobFailure::retry(reason),
                        SendError::Permanent(reason) => JobFailure::Permanent(reason),
                    })
            }
            Err(trouble) => Err(trouble.into()),
        };
        let record: Record = match &result {
            Ok(()) => Box::new(move |conn| {
                if let Some(keys) = moved {
                    outbox::set_attachments(conn, &id, &keys)?;
                }
                outbox::mark_sent(conn, &id, Utc::now())
            }),
            Err(failure) => {
                let final_ = attempt.gives_up(failure);
                let reason = match failure {
                    JobFailure::Retry { error, .. } | JobFailure::Permanent(error) => error.clone(),
                };
                Box::new(move |conn| {
                    if let Some(keys) = moved {
                        outbox::set_attachments(conn, &id, &keys)?;
                    }
                    outbox::mark_failed(conn, &id, &reason, final_)
                })
            }
        };
        Outcome {
            result,
            record: Some(record),
        }
    }
}

/// The message's files, read from storage at sending time (inline ones
/// put there first), and the row's new attachments column if any moved.
async fn files_of(
    storage: &Storage,
    row: &OutboxRow,
) -> Result<(Vec<Attachment>, Option<String>), FileTrouble> {
    let mut kept = kept(row).map_err(FileTrouble::Lost)?;
    let moved = store_inline(storage, &mut kept).await?;
    let files = read_files(storage, &kept).await?;
    Ok((files, moved.then(|| kept_json(kept))))
}

/// Makes a message not sent yet carry the file `to` where it carried
/// `from` (a certificate signed before its e-mail left): whether it will.
/// A message sent keeps what it was sent with; a failed one is changed
/// too, for a resend copies its files.
pub fn attach_instead(
    conn: &mut DbConnection,
    outbox_id: &str,
    (from, to): (&FileKey, &FileKey),
) -> QueryResult<bool> {
    let Some(row) = outbox::find(conn, outbox_id)? else {
        return Ok(false);
    };
    if row.status == OutboxStatus::Sent {
        return Ok(false);
    }
    let Ok(mut files) = kept(&row) else {
        return Ok(false);
    };
    let mut changed = false;
    for file in &mut files {
        if matches!(&file.content, Content::Stored { key } if key == from.as_str()) {
            file.content = Content::Stored {
                key: to.to_string(),
            };
            changed = true;
        }
    }
    if changed {
        outbox::set_attachments(conn, outbox_id, &kept_json(files))?;
    }
    Ok(changed)
}

/// Sends a message again as a new message (a new Message-ID): the person
/// asked for it, so it is not a duplicate. The copy refers to the same
/// files in storage.
pub async fn resend(
    db: &Db,
    storage: &Storage,
    actor: &Account,
    outbox_id: &str,
    address: Option<String>,
) -> Result<String, Error> {
    let lookup = outbox_id.to_owned();
    let original = db
        .run(move |conn| Ok::<_, Error>(outbox::find(conn, &lookup)?))
        .await?
        .ok_or(Error::NotFound)?;
    let allowed = actor.is_admin
        || original
            .event_id
            .as_deref()
            .is_some_and(|e| actor.may_manage(e));
    if !allowed {
        return Err(Error::Forbidden);
    }
    // A message never taken up still holds its files inline: they move to
    // storage now, so that the copy refers to them instead of copying them.
    let mut files = kept(&original).map_err(Error::Internal)?;
    let moved = store_inline(storage, &mut files)
        .await
        .map_err(|(FileTrouble::Lost(reason) | FileTrouble::Later(reason))| {
            Error::Internal(reason)
        })?
        .then(|| kept_json(files));
    let actor = actor.clone();
    let outbox_id = outbox_id.to_owned();
    db.transaction(move |conn| {
        queue_copy(
            conn,
            (&outbox_id, moved),
            (&actor, address.as_deref()),
            Utc::now(),
        )
    })
    .await
}

/// The copy [`resend`] sends, queued in the caller's transaction: `moved`
/// is the message's attachments once its inline files went to storage
/// (`None`: they are there already). Returns the copy's id.
pub(crate) fn queue_copy(
    conn: &mut DbConnection,
    (outbox_id, moved): (&str, Option<String>),
    (actor, address): (&Account, Option<&str>),
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let mut original = outbox::find(conn, outbox_id)?.ok_or(Error::NotFound)?;
    if let Some(keys) = moved {
        outbox::set_attachments(conn, &original.id, &keys)?;
        original.attachments = keys;
    }
    let copy = OutboxRow {
        id: Uuid::now_v7().simple().to_string(),
        status: OutboxStatus::Queued,
        attempts: 0,
        last_error: None,
        created_at: now.naive_utc(),
        sent_at: None,
        ..original
    };
    outbox::insert(conn, &copy)?;
    queue_sending(conn, &copy.id, now)?;
    audit::Entry::new("mail.resend")
        .by(actor)
        .event(copy.event_id.as_deref())
        .subject(&copy.recipient)
        .address(address)
        .record(conn, now)?;
    Ok(copy.id)
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
pub const PAGE_SIZE: i64 = 25;

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
