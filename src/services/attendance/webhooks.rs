//! Zoom's webhook deliveries: kept as received, with the job that reads
//! them, in one transaction before Zoom hears 200; then read by that job
//! into the session's evidence and its meeting's instances.
//!
//! Zoom delivers at least once and in no promised order: a redelivery has
//! the key of the delivery it repeats and is kept once, and what the job
//! writes does not depend on order (a join's two ends meet in one row
//! whichever comes first; an instance's first start and end told stay).
//! A meeting's end has its report read at once (`reports`), whose rows
//! then replace the webhooks' for that run.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::models::ZoomWebhookRow;
use crate::db::repo::{attendance, sessions, zoom_webhooks};
use crate::domain::attendance::{Seen, Source};
use crate::error::Error;
use crate::integrations::zoom::webhook::{Delivery, Kind, Meeting, Participant};
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, Outcome};
use crate::services::Db;
use crate::services::attendance::evidence::{self, Observed};
use crate::services::attendance::reports;

/// Reads one kept delivery.
#[derive(Serialize, Deserialize)]
pub struct ReadWebhook {
    webhook_id: String,
}

impl BackgroundJob for ReadWebhook {
    const KIND: &'static str = "zoom_webhook";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.webhook_id))
    }

    async fn run(self, _: &JobContext, _: &Attempt) -> Outcome {
        Outcome::done(move |conn| read(conn, &self.webhook_id, Utc::now()))
    }
}

/// Keeps a verified delivery and queues its reading, durably: when this
/// returns `Ok` both are committed. A redelivery changes nothing.
pub async fn receive(
    db: &Db,
    delivery: &Delivery,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let row = ZoomWebhookRow {
        id: Uuid::now_v7().simple().to_string(),
        dedup_key: delivery.dedup_key.clone(),
        event: delivery.event.clone(),
        event_ts: delivery.event_ts,
        body: body.to_owned(),
        received_at: now.naive_utc(),
        processed_at: None,
    };
    db.transaction(move |conn| -> Result<(), Error> {
        if zoom_webhooks::store(conn, &row)? {
            jobs::enqueue(conn, &ReadWebhook { webhook_id: row.id }, now)?;
        }
        Ok(())
    })
    .await
}

/// What a kept delivery says, written where it belongs; the delivery is
/// then marked read. One of a meeting no session of ours is held in, or
/// of an event bimtek does not act on, is only marked.
fn read(conn: &mut DbConnection, webhook_id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    let Some(row) = zoom_webhooks::find(conn, webhook_id)? else {
        return Ok(());
    };
    if row.processed_at.is_some() {
        return Ok(());
    }
    // It was read once already, as it arrived.
    if let Ok(delivery) = Delivery::parse(&row.body) {
        apply(conn, &delivery, now)?;
    }
    zoom_webhooks::mark_processed(conn, webhook_id, now)
}

fn apply(conn: &mut DbConnection, delivery: &Delivery, now: DateTime<Utc>) -> QueryResult<()> {
    let meeting = &delivery.meeting;
    let Some(uuid) = meeting.uuid.as_deref() else {
        return Ok(());
    };
    if !matches!(
        delivery.kind,
        Kind::MeetingStarted | Kind::MeetingEnded | Kind::ParticipantJoined | Kind::ParticipantLeft
    ) {
        return Ok(());
    }
    let Some(session_id) = session_of(conn, meeting, uuid)? else {
        return Ok(());
    };
    let happened = delivery.happened_at();
    let (started, ended) = match delivery.kind {
        Kind::MeetingStarted => (meeting.start_time.or(happened), None),
        Kind::MeetingEnded => (None, meeting.end_time.or(happened)),
        _ => (None, None),
    };
    // Locks the run: its report, if being stored, is wholly before or after.
    attendance::note_instance(conn, &session_id, uuid, started, ended)?;
    match (delivery.kind, &delivery.participant) {
        (Kind::MeetingEnded, _) => reports::hasten_for_session(conn, &session_id, now),
        (Kind::ParticipantJoined | Kind::ParticipantLeft, Some(person)) => {
            if report_read(conn, &session_id, uuid)? {
                return Ok(());
            }
            record(conn, &session_id, uuid, delivery.kind, person, now)
        }
        _ => Ok(()),
    }
}

/// Whether Zoom's report of the run has replaced its webhooks' rows: the
/// report is the source of truth, so a delivery arriving after it (a late
/// retry) adds nothing, as one before it would have been replaced.
fn report_read(conn: &mut DbConnection, session_id: &str, uuid: &str) -> QueryResult<bool> {
    Ok(attendance::instances(conn, session_id)?
        .iter()
        .any(|run| run.meeting_uuid == uuid && run.report_read_at.is_some()))
}

/// By the meeting's number, which the session keeps; else by an instance
/// seen before (Zoom leaves the number out of some events).
fn session_of(
    conn: &mut DbConnection,
    meeting: &Meeting,
    uuid: &str,
) -> QueryResult<Option<String>> {
    if let Some(id) = meeting.id
        && let Some(session) = sessions::by_zoom_meeting(conn, id)?
    {
        return Ok(Some(session));
    }
    attendance::instance_session(conn, uuid)
}

/// One end of one join: its row is keyed by the instance and the join's
/// `user_id`, so the other end, whenever it comes, completes the same row.
fn record(
    conn: &mut DbConnection,
    session_id: &str,
    uuid: &str,
    kind: Kind,
    person: &Participant,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let Some(user_id) = person.user_id.as_deref() else {
        return Ok(());
    };
    let joined = kind == Kind::ParticipantJoined;
    let observed = Observed {
        source: Source::Webhook,
        dedup_key: format!("webhook:{uuid}:{user_id}"),
        meeting_uuid: Some(uuid),
        import_id: None,
        seen: Seen {
            name: person.user_name.as_deref().unwrap_or_default(),
            email: person.email.as_deref(),
            registrant_id: person.registrant_id.as_deref(),
            zoom_user_id: person.zoom_user_id.as_deref(),
        },
        joined_at: person.join_time.filter(|_| joined),
        left_at: person.leave_time.filter(|_| !joined),
        minutes: None,
        registration: None,
    };
    evidence::record(conn, session_id, &[observed], now)
}
