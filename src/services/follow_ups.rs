//! Follow-up dates of an event's action plans, and the e-mails they send:
//! on each date every participant whose plan was accepted is asked to
//! report, and [`REMINDER_AFTER_DAYS`](crate::domain::action_plan::follow_up::REMINDER_AFTER_DAYS) days later those who have not sent
//! their report yet are reminded once.
//!
//! A date is a row; its e-mails are a job queued for the date in the
//! transaction that adds it, keyed by the follow-up, which writes every
//! message and the reminder's job in the transaction that records it
//! done: a crash loses nothing and a second run writes nothing twice. A
//! removed date's job finds no follow-up and sends nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

use crate::db::models::{FollowUpRow, RegistrationRow};
use crate::db::repo::{audit, events, follow_ups as repo, users};
use crate::db::{Db, DbConnection};
use crate::domain::account::Account;
use crate::domain::action_plan::follow_up::{due_at, reminder_at};
use crate::domain::event::{Event, FieldError};
use crate::email::Template;
use crate::error::Error;
use crate::i18n::dates;
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, Outcome};
use crate::services::mail;

/// A follow-up date as pages show it.
#[derive(Clone, Debug)]
pub struct FollowUp {
    pub id: String,
    pub due_at: DateTime<Utc>,
    /// Reports sent for it.
    pub reported: usize,
}

impl FollowUp {
    fn of(row: FollowUpRow, reported: usize) -> FollowUp {
        FollowUp {
            id: row.id,
            due_at: row.due_at.and_utc(),
            reported,
        }
    }
}

/// The event's follow-up dates, the first first, with their reports.
pub async fn of_event(db: &Db, event: &Event) -> Result<Vec<FollowUp>, Error> {
    let event_id = event.id.to_string();
    db.run(move |conn| listed(conn, &event_id)).await
}

fn listed(conn: &mut DbConnection, event_id: &str) -> Result<Vec<FollowUp>, Error> {
    let counts: HashMap<String, i64> = repo::sent_counts(conn, event_id)?.into_iter().collect();
    Ok(repo::of_event(conn, event_id)?
        .into_iter()
        .map(|row| {
            let reported = counts.get(&row.id).copied().unwrap_or(0);
            FollowUp::of(row, usize::try_from(reported).unwrap_or(0))
        })
        .collect())
}

/// Adds a follow-up date, typed in the event's zone, and queues its
/// e-mails for it; or the date field's message.
pub async fn add(db: &Db, actor: &Account, event: &Event, date: &str) -> Result<(), Error> {
    let due = due_at(event.time_zone, date, event.ends_at).map_err(|e| Error::Invalid(vec![e]))?;
    add_due(db, actor, event, due).await.map(drop)
}

/// Adds a follow-up due at `due`, checked by the caller (the demo's is
/// already due while its event runs, which the form refuses); its id.
pub async fn add_due(
    db: &Db,
    actor: &Account,
    event: &Event,
    due: DateTime<Utc>,
) -> Result<String, Error> {
    let (actor, event_id) = (actor.clone(), event.id.to_string());
    db.transaction(move |conn| {
        if repo::exists_at(conn, &event_id, due.naive_utc())? {
            return Err(Error::Invalid(vec![FieldError::new(
                "date",
                "follow_up.error.taken",
            )]));
        }
        let now = Utc::now();
        let row = FollowUpRow {
            id: Uuid::now_v7().simple().to_string(),
            event_id: event_id.clone(),
            due_at: due.naive_utc(),
            created_at: now.naive_utc(),
        };
        repo::insert(conn, &row)?;
        let job = Notice {
            follow_up_id: row.id.clone(),
            due_at: due,
        };
        jobs::enqueue_at(conn, &job, due, now)?;
        audit::Entry::new("follow_up.added")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&row.id)
            .record(conn, now)?;
        Ok(row.id)
    })
    .await
}

/// Removes a follow-up date nobody has written a report for; its e-mails,
/// if still to go, are not sent.
pub async fn remove(db: &Db, actor: &Account, event: &Event, id: &str) -> Result<(), Error> {
    let (actor, event_id, id) = (actor.clone(), event.id.to_string(), id.to_owned());
    db.transaction(move |conn| {
        repo::find(conn, &id)?
            .filter(|row| row.event_id == event_id)
            .ok_or(Error::NotFound)?;
        if repo::has_reports(conn, &id)? {
            return Err(Error::Invalid(vec![FieldError::new(
                "follow_up",
                "follow_up.error.has_reports",
            )]));
        }
        repo::delete(conn, &id)?;
        audit::Entry::new("follow_up.removed")
            .by(&actor)
            .event(Some(&event_id))
            .subject(&id)
            .record(conn, Utc::now())?;
        Ok(())
    })
    .await
}

/// The e-mails of one follow-up date, to every accepted plan.
#[derive(Serialize, Deserialize)]
pub struct Notice {
    follow_up_id: String,
    /// The date it was queued for: a follow-up is removed and added, not
    /// moved, but a job of another date must never send.
    due_at: DateTime<Utc>,
}

/// The reminder of one follow-up date, to those who have not reported.
#[derive(Serialize, Deserialize)]
pub struct Reminder {
    follow_up_id: String,
}

impl BackgroundJob for Notice {
    const KIND: &'static str = "follow_up_notice";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.follow_up_id))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let base_url = context.base_url.clone();
        Outcome::done(move |conn| notify(conn, self, &base_url))
    }
}

impl BackgroundJob for Reminder {
    const KIND: &'static str = "follow_up_reminder";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.follow_up_id))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let base_url = context.base_url.clone();
        Outcome::done(move |conn| remind(conn, self, &base_url))
    }
}

fn notify(conn: &mut DbConnection, job: Notice, base_url: &Url) -> diesel::QueryResult<()> {
    jobs::lock(conn, &job)?;
    let Some(follow_up) =
        repo::find(conn, &job.follow_up_id)?.filter(|f| f.due_at.and_utc() == job.due_at)
    else {
        return Ok(());
    };
    let now = Utc::now();
    send_all(
        conn,
        &follow_up,
        Template::FollowUpDue,
        &HashSet::new(),
        base_url,
        now,
    )?;
    let reminder = Reminder {
        follow_up_id: follow_up.id.clone(),
    };
    jobs::enqueue_at(conn, &reminder, reminder_at(job.due_at), now).map(drop)
}

fn remind(conn: &mut DbConnection, job: Reminder, base_url: &Url) -> diesel::QueryResult<()> {
    jobs::lock(conn, &job)?;
    let Some(follow_up) = repo::find(conn, &job.follow_up_id)? else {
        return Ok(());
    };
    let reported: HashSet<String> = repo::reports_of(conn, &follow_up.id)?
        .into_iter()
        .filter(|r| r.submitted_at.is_some())
        .map(|r| r.plan_id)
        .collect();
    let now = Utc::now();
    send_all(
        conn,
        &follow_up,
        Template::FollowUpReminder,
        &reported,
        base_url,
        now,
    )
}

/// One e-mail per accepted plan of the follow-up's event, but `skipped`.
fn send_all(
    conn: &mut DbConnection,
    follow_up: &FollowUpRow,
    template: Template,
    skipped: &HashSet<String>,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some(event) = events::find(conn, &follow_up.event_id)? else {
        return Ok(());
    };
    let due = follow_up.due_at.and_utc();
    for (plan, registration) in repo::accepted_plans(conn, &follow_up.event_id)? {
        if skipped.contains(&plan.id) {
            continue;
        }
        let title = serde_json::from_str::<crate::domain::action_plan::Content>(&plan.content)
            .map(|c| c.title)
            .unwrap_or_default();
        tell(
            conn,
            (&event, &registration),
            (&follow_up.id, due, &title),
            template,
            base_url,
            now,
        )?;
    }
    Ok(())
}

fn tell(
    conn: &mut DbConnection,
    (event, registration): (&Event, &RegistrationRow),
    (follow_up_id, due, title): (&str, DateTime<Utc>, &str),
    template: Template,
    base_url: &Url,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let lang = users::lang_of(conn, &registration.user_id)?;
    let when = dates::date(lang, &due.with_timezone(&event.time_zone));
    let link = base_url
        .join(&report_path(&registration.id, follow_up_id))
        .map_or_else(|_| String::new(), String::from);
    mail::enqueue(
        conn,
        mail::Outgoing {
            template,
            lang,
            to: &registration.email,
            event_id: Some(&registration.event_id),
            args: &[
                ("name", &registration.full_name),
                ("event", &event.title),
                ("title", &title),
                ("when", &when),
                ("link", &link),
                ("contact", &event.contact_or_office()),
            ],
            attachments: Vec::new(),
        },
        now,
    )
    .map(drop)
}

/// The participant's report page for a follow-up: what e-mails link to.
pub fn report_path(registration_id: &str, follow_up_id: &str) -> String {
    format!("/my/registrations/{registration_id}/follow-ups/{follow_up_id}")
}
