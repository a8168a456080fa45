//! The daily digest of materials: when a material opens to an event's
//! registered participants (put up to be read at once, or when its session
//! starts or ends; for them or for anyone; not hidden), each participant
//! with a confirmed seat is told in one e-mail a day, at
//! [`DIGEST_HOUR`](crate::domain::material::DIGEST_HOUR) in the event's zone, of every material that opened
//! since the digest before, never one e-mail per file.
//!
//! One job per event and day (its key says which), planned by whatever
//! may open a material: one put up or shown again, a session moved, and
//! each digest for the next material to come. The materials a digest told
//! of are recorded in the transaction that queues its e-mails and marks
//! it done, so that a digest run again after a crash tells nothing twice,
//! and a material that opens while a digest runs waits for the next one.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::db::DbConnection;
use crate::db::repo::{events, jobs as job_rows, materials as repo, registrations, users};
use crate::domain::event::Event;
use crate::domain::job::JobStatus;
use crate::domain::material::{digest_at, digest_day};
use crate::domain::registration::Status;
use crate::email::Template;
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, Outcome};
use crate::services::invitations::page;
use crate::services::mail;
use crate::services::materials::{Material, SessionMaterials, of_event};

/// The digest of one event's materials on one day (in the event's zone).
#[derive(Serialize, Deserialize)]
pub struct Digest {
    event_id: String,
    day: NaiveDate,
}

impl BackgroundJob for Digest {
    const KIND: &'static str = "material_digest";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}:{}", Self::KIND, self.event_id, self.day))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        let base_url = context.base_url.clone();
        Outcome::done(move |conn| send(conn, self, &base_url))
    }
}

/// A material not yet told of, and when it opens to participants.
struct Untold {
    material: Material,
    session: String,
    opens_at: DateTime<Utc>,
}

/// The event's materials that open (or opened) to its participants and
/// that no digest has told of yet, in the order the list page shows them.
fn untold(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<Untold>> {
    let told = repo::announced(conn, event_id)?;
    let mut out = Vec::new();
    for SessionMaterials { session, materials } in of_event(conn, event_id)? {
        for material in materials {
            if told.contains(&material.id) {
                continue;
            }
            if let Some(opens_at) = material.terms.opens_to_participants(material.added_at) {
                out.push(Untold {
                    material,
                    session: session.plan.title.clone(),
                    opens_at,
                });
            }
        }
    }
    Ok(out)
}

/// Makes sure a digest will tell of the event's materials not yet told
/// of: the one of the day the first of them opens (today's, for one open
/// already), or the first day after whose digest has not yet run. Written
/// in the transaction of the change that may open a material.
pub fn plan(conn: &mut DbConnection, event: &Event, now: DateTime<Utc>) -> QueryResult<()> {
    plan_from(conn, event, None, now)
}

/// As [`plan`], with no digest before `first_day`.
fn plan_from(
    conn: &mut DbConnection,
    event: &Event,
    first_day: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let event_id = event.id.to_string();
    let Some(first) = untold(conn, &event_id)?.iter().map(|u| u.opens_at).min() else {
        return Ok(());
    };
    let mut day = digest_day(first.max(now), event.time_zone);
    if let Some(first_day) = first_day {
        day = day.max(first_day);
    }
    loop {
        let digest = Digest {
            event_id: event_id.clone(),
            day,
        };
        // Locked: a digest of that day running now either comes wholly
        // before this change (and is done: the next day's tells of it) or
        // wholly after it (and sees what it opened).
        jobs::lock(conn, &digest)?;
        let key = digest.dedup_key().unwrap_or_default();
        match job_rows::state_of(conn, &key)?.map(|s| s.status) {
            Some(JobStatus::Queued | JobStatus::Running) => return Ok(()),
            Some(JobStatus::Done | JobStatus::Failed) => match day.succ_opt() {
                Some(next) => day = next,
                None => return Ok(()),
            },
            None => {
                return jobs::enqueue_at(conn, &digest, digest_at(day, event.time_zone), now)
                    .map(drop);
            }
        }
    }
}

/// Tells every confirmed participant of the materials open now and not yet
/// told of, in one e-mail each, records them as told, and plans the digest
/// that tells of the next to open (not on this day, nor on today, in the
/// event's zone: one digest a day).
fn send(conn: &mut DbConnection, digest: Digest, base_url: &Url) -> QueryResult<()> {
    // Two digests of the event due at once (after an outage) take turns:
    // the second finds the first one's materials told of.
    registrations::lock_event(conn, &digest.event_id)?;
    jobs::lock(conn, &digest)?;
    let Some(event) = events::find(conn, &digest.event_id)? else {
        return Ok(());
    };
    let now = Utc::now();
    let open: Vec<Untold> = untold(conn, &digest.event_id)?
        .into_iter()
        .filter(|u| u.opens_at <= now)
        .collect();
    if !open.is_empty() {
        tell(conn, &event, &open, base_url, now)?;
        let ids: Vec<String> = open.into_iter().map(|u| u.material.id).collect();
        repo::record_announced(
            conn,
            &digest.event_id,
            &ids,
            &digest.day.to_string(),
            now.naive_utc(),
        )?;
    }
    let today = now.with_timezone(&event.time_zone).date_naive();
    let next = digest.day.max(today).succ_opt();
    plan_from(conn, &event, next, now)
}

/// One e-mail to each participant with a confirmed seat, in their language.
fn tell(
    conn: &mut DbConnection,
    event: &Event,
    open: &[Untold],
    base_url: &Url,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let mut list = String::new();
    for item in open {
        let _ = writeln!(list, "- {} ({})", item.material.title, item.session);
    }
    let list = list.trim_end();
    let link = page(base_url, &format!("/events/{}/materials", event.slug));
    let contact = event.contact_or_office();
    let event_id = event.id.to_string();
    for registration in registrations::with_status(conn, &event_id, Status::Confirmed)? {
        let lang = users::lang_of(conn, &registration.user_id)?;
        let args: [(&str, &dyn std::fmt::Display); 5] = [
            ("name", &registration.full_name),
            ("event", &event.title),
            ("materials", &list),
            ("link", &link),
            ("contact", &contact),
        ];
        mail::enqueue(
            conn,
            mail::Outgoing {
                template: Template::MaterialsAvailable,
                lang,
                to: &registration.email,
                event_id: Some(&event_id),
                args: &args,
                attachments: Vec::new(),
            },
            now,
        )?;
    }
    Ok(())
}
