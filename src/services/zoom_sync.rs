//! Sessions held on Zoom get a meeting, and every confirmed participant a
//! personal registration for it, through the jobs table: a change queues a
//! job in its own transaction, and the job brings Zoom in line with the
//! database as it is when the job runs.
//!
//! One job per session and purpose (its dedup key), re-run rather than
//! duplicated when something changes again ([`jobs::enqueue_or_rerun`]):
//! two runs for one session never overlap, so a meeting is created by one
//! call at a time, and a run that read a state that changed meanwhile runs
//! once more. What a call to Zoom produced (the meeting's id, registrants'
//! links) is written in the transaction that finishes the job.
//!
//! Zoom has no idempotency key for creating a meeting: a create that may
//! have got through unheard is followed by a look at the host's upcoming
//! meetings before another create (see [`create`]). Left open: someone who
//! makes a meeting by hand on the same host, with the same topic, at the
//! same second, before that look, has it adopted.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};

use crate::db::repo::session_registrants::{self as registrants, Leaver, Person, Scope};
use crate::db::repo::{events, sessions};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::event::Event;
use crate::domain::registrant::{RegistrantStatus, same_address};
use crate::domain::registration::Status;
use crate::domain::session::{Session, ZoomProblem, ZoomStatus};
use crate::integrations::zoom::{
    BATCH_LIMIT, NewMeeting, NewRegistrant, Registrant, RegistrantRef, Schedule, Zoom, ZoomError,
};
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, JobFailure, Outcome, Record};
use crate::services::attendance::reports;
use crate::services::session_mail;

/// A job that brings one session's side of Zoom in line, one per session.
macro_rules! session_job {
    ($(#[$doc:meta])* $job:ident, $kind:literal, $sync:ident) => {
        $(#[$doc])*
        #[derive(Serialize, Deserialize)]
        pub struct $job {
            session_id: String,
        }

        impl BackgroundJob for $job {
            const KIND: &'static str = $kind;
            type Context = JobContext;

            fn dedup_key(&self) -> Option<String> {
                Some(format!("{}:{}", Self::KIND, self.session_id))
            }

            async fn run(self, context: &JobContext, attempt: &Attempt) -> Outcome {
                with_zoom(context, |zoom| {
                    $sync(&context.db, zoom, attempt, self.session_id)
                })
                .await
            }
        }
    };
}

session_job!(
    /// Creates, changes or deletes a session's meeting to match the session.
    SyncMeeting,
    "zoom.meeting.sync",
    sync_meeting
);

session_job!(
    /// Registers a session's pending participants (a batch per run) and
    /// cancels those who left.
    SyncRegistrants,
    "zoom.registrants.sync",
    sync_registrants
);

/// Deletes the meeting of a session that is gone.
#[derive(Serialize, Deserialize)]
pub struct DeleteMeeting {
    meeting_id: i64,
}

impl BackgroundJob for DeleteMeeting {
    const KIND: &'static str = "zoom.meeting.delete";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.meeting_id))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        with_zoom(context, |zoom| async move {
            zoom.delete_meeting(self.meeting_id).await?;
            Ok(Outcome::from(Ok(())))
        })
        .await
    }
}

/// Without Zoom configured nothing can be done: the job fails for good and
/// the session stays pending (the organiser's page says why); the retry
/// button queues it again. Retries last the jobs' time budget (a day unless
/// set otherwise): a Zoom outage over a night delays meetings and links, it
/// does not lose them.
pub(crate) async fn with_zoom<'a, Work>(
    context: &'a JobContext,
    work: impl FnOnce(&'a Zoom) -> Work,
) -> Outcome
where
    Work: Future<Output = Result<Outcome, JobFailure>>,
{
    let Some(zoom) = context.zoom.as_ref() else {
        return Err(JobFailure::Permanent("Zoom is not configured".into())).into();
    };
    work(zoom)
        .await
        .unwrap_or_else(|failure| Outcome::from(Err(failure)))
}

/// The session was created or changed: its meeting follows.
pub fn session_changed(
    conn: &mut DbConnection,
    session_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let job = SyncMeeting {
        session_id: session_id.to_owned(),
    };
    jobs::enqueue_or_rerun(conn, &job, now)
}

/// The session was deleted: so is its meeting, if it had one. (One still
/// being created is deleted by the job that creates it.)
pub fn session_deleted(
    conn: &mut DbConnection,
    session: &Session,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let Some(meeting_id) = session.zoom.meeting_id else {
        return Ok(());
    };
    meeting_orphaned(conn, meeting_id, now)
}

fn meeting_orphaned(
    conn: &mut DbConnection,
    meeting_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    jobs::enqueue_or_rerun(conn, &DeleteMeeting { meeting_id }, now)
}

fn registrants_changed(
    conn: &mut DbConnection,
    session_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let job = SyncRegistrants {
        session_id: session_id.to_owned(),
    };
    jobs::enqueue_or_rerun(conn, &job, now)
}

/// A registration moved from `before` to `after`: a participant who is
/// now confirmed is registered for each of the event's Zoom sessions, one
/// who no longer is has those registrations cancelled.
pub fn registration_changed(
    conn: &mut DbConnection,
    event_id: &str,
    registration_id: &str,
    (before, after): (Status, Status),
    now: DateTime<Utc>,
) -> QueryResult<()> {
    if before != Status::Confirmed && after != Status::Confirmed {
        return Ok(());
    }
    if after == Status::Confirmed {
        registrants::add_pending(conn, event_id, Scope::Registration(registration_id), now)?;
    }
    for session_id in sessions::zoom_ids_of_event(conn, event_id)? {
        registrants_changed(conn, &session_id, now)?;
    }
    Ok(())
}

/// The organiser asks to try again after a failure: the meeting, and the
/// participants Zoom refused, at once unless Zoom itself asked to wait.
/// The reason shown stays until the next attempt replaces it.
pub fn retry(conn: &mut DbConnection, session: &Session, now: DateTime<Utc>) -> QueryResult<()> {
    let problem = session.zoom.error.as_ref();
    if session.plan.delivery.zoom_host().is_some() && session.zoom.meeting_id.is_none() {
        sessions::set_zoom_status(conn, &session.id, ZoomStatus::Pending, problem)?;
    }
    registrants::add_pending(conn, &session.event_id, Scope::Session(&session.id), now)?;
    session_changed(conn, &session.id, now)?;
    registrants_changed(conn, &session.id, now)?;
    if problem.is_some_and(ZoomProblem::is_wait_asked_by_zoom) {
        return Ok(());
    }
    let session_id = session.id.clone();
    jobs::hasten(conn, &SyncMeeting { session_id }, now)?;
    let session_id = session.id.clone();
    jobs::hasten(conn, &SyncRegistrants { session_id }, now).map(drop)
}

/// The event's Zoom sessions whose meeting or participants a job is
/// working on now (or is about to): organisers see them "in progress"
/// rather than ready or waiting.
pub fn at_work(
    conn: &mut DbConnection,
    event_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<HashSet<String>> {
    let mut of_key = HashMap::new();
    for session_id in sessions::zoom_ids_of_event(conn, event_id)? {
        let meeting = SyncMeeting {
            session_id: session_id.clone(),
        };
        let people = SyncRegistrants {
            session_id: session_id.clone(),
        };
        for key in [meeting.dedup_key(), people.dedup_key()]
            .into_iter()
            .flatten()
        {
            of_key.insert(key, session_id.clone());
        }
    }
    let keys: Vec<String> = of_key.keys().cloned().collect();
    Ok(crate::db::repo::jobs::at_work(conn, &keys, now)?
        .into_iter()
        .filter_map(|key| of_key.remove(&key))
        .collect())
}

fn retry_db(error: DbError) -> JobFailure {
    JobFailure::retry(error.to_string())
}

/// The meeting a session wants, `None` when it is not held on Zoom.
fn wanted(session: &Session, event: &Event) -> Option<NewMeeting> {
    let host = session.plan.delivery.zoom_host()?;
    Some(NewMeeting {
        host: host.to_owned(),
        topic: session.plan.title.clone(),
        agenda: session.plan.description.clone(),
        schedule: Schedule {
            start: session.plan.starts_at,
            end: session.plan.ends_at,
            time_zone: event.time_zone,
        },
        alternative_hosts: if session.plan.speakers_are_alternative_hosts {
            session.speakers.iter().map(|s| s.email.clone()).collect()
        } else {
            Vec::new()
        },
    })
}

/// Zoom's error as organisers read it, in their language.
pub(crate) fn problem(error: &ZoomError) -> ZoomProblem {
    ZoomProblem {
        key: error.key().to_owned(),
        detail: error
            .args()
            .into_iter()
            .map(|(_, detail)| detail)
            .next()
            .unwrap_or_default(),
        until: error
            .retry_after()
            .and_then(|wait| chrono::Duration::from_std(wait).ok())
            .map(|wait| Utc::now() + wait),
    }
}

/// A failed call: the session shows the problem, as failed when no retry
/// follows, else as pending while the jobs table waits to try again.
fn meeting_failed(attempt: &Attempt, session_id: String, error: ZoomError) -> Outcome {
    let problem = problem(&error);
    let failure = JobFailure::from(error);
    let status = if attempt.gives_up(&failure) {
        ZoomStatus::Failed
    } else {
        ZoomStatus::Pending
    };
    Outcome {
        result: Err(failure),
        record: Some(Box::new(move |conn| {
            sessions::set_zoom_status(conn, &session_id, status, Some(&problem))
        })),
    }
}

async fn sync_meeting(
    db: &Db,
    zoom: &Zoom,
    attempt: &Attempt,
    session_id: String,
) -> Result<Outcome, JobFailure> {
    let lookup = session_id.clone();
    let found = db
        .run(move |conn| -> Result<_, DbError> {
            let Some(session) = sessions::find(conn, &lookup)? else {
                return Ok(None);
            };
            let event = events::find(conn, &session.event_id)?;
            Ok(event.map(|event| (session, event)))
        })
        .await
        .map_err(retry_db)?;
    // Deleted meanwhile: `session_deleted` queued its meeting's deletion.
    let Some((session, event)) = found else {
        return Ok(Outcome::from(Ok(())));
    };
    let outcome = match (wanted(&session, &event), session.zoom.meeting_id) {
        (Some(meeting), None) => create(zoom, attempt, session_id, &meeting).await,
        (Some(meeting), Some(id)) => update(zoom, attempt, session_id, id, &meeting).await,
        (None, Some(id)) => match zoom.delete_meeting(id).await {
            Ok(()) => Outcome::done(move |conn| {
                sessions::clear_meeting(conn, &session_id, ZoomStatus::None)?;
                registrants::clear(conn, &session_id)
            }),
            Err(error) => meeting_failed(attempt, session_id, error),
        },
        (None, None) if session.zoom.status != ZoomStatus::None => Outcome::done(move |conn| {
            sessions::set_zoom_status(conn, &session_id, ZoomStatus::None, None)
        }),
        (None, None) => Outcome::from(Ok(())),
    };
    Ok(outcome)
}

/// One create call per attempt. After an attempt that may have got
/// through unheard (`attempt > 1`: a crash, a time-out), the host's
/// upcoming meetings are read first and the one made then is adopted. The
/// meeting is stored as the job finishes; if the session was deleted while
/// Zoom made it, the new meeting is deleted in turn.
async fn create(
    zoom: &Zoom,
    attempt: &Attempt,
    session_id: String,
    meeting: &NewMeeting,
) -> Outcome {
    let made = async {
        if attempt.may_have_run_before() {
            let listed = zoom.upcoming_meetings(&meeting.host).await?;
            if let Some(earlier) = listed.iter().find(|m| meeting.made_as(m)) {
                // Listed meetings have no start link.
                return zoom.get_meeting(earlier.id).await;
            }
        }
        zoom.create_meeting(meeting).await
    };
    match made.await {
        Ok(created) => Outcome::done(move |conn| {
            let now = Utc::now();
            let stored = sessions::set_meeting(
                conn,
                &session_id,
                created.id,
                &created.join_url,
                &created.start_url,
            )?;
            if !stored {
                return meeting_orphaned(conn, created.id, now);
            }
            let Some(session) = sessions::find(conn, &session_id)? else {
                return Ok(());
            };
            registrants::add_pending(conn, &session.event_id, Scope::Session(&session_id), now)?;
            reports::plan(conn, &session_id, session.plan.ends_at, now)?;
            registrants_changed(conn, &session_id, now)
        }),
        Err(error) => meeting_failed(attempt, session_id, error),
    }
}

/// What an existing meeting needs.
enum Fix {
    /// Nothing, or only the fields sent.
    Updated,
    /// It is gone from Zoom (deleted there, or moved to another host by
    /// deleting it here): forget it, with its registrants, and make it again.
    Remake,
}

/// Sends only what differs from the meeting as Zoom has it. Zoom cannot
/// give a meeting to another host, so a new host means a new meeting.
async fn update(
    zoom: &Zoom,
    attempt: &Attempt,
    session_id: String,
    id: i64,
    meeting: &NewMeeting,
) -> Outcome {
    let fixed = async {
        let current = zoom.get_meeting(id).await?;
        if !meeting.same_host(&current) {
            zoom.delete_meeting(id).await?;
            return Ok(Fix::Remake);
        }
        let changes = meeting.changes_from(&current);
        if !changes.is_empty() {
            zoom.update_meeting(id, &changes).await?;
        }
        Ok::<_, ZoomError>(Fix::Updated)
    };
    match fixed.await {
        Ok(Fix::Updated) => Outcome::done(move |conn| {
            sessions::set_zoom_status(conn, &session_id, ZoomStatus::Ready, None)
        }),
        Ok(Fix::Remake) => remake(session_id),
        Err(error) if error.is_meeting_not_found() => meeting_gone(session_id, id),
        Err(error) => meeting_failed(attempt, session_id, error),
    }
}

fn remake(session_id: String) -> Outcome {
    Outcome::done(move |conn| {
        sessions::clear_meeting(conn, &session_id, ZoomStatus::Pending)?;
        registrants::clear(conn, &session_id)?;
        session_changed(conn, &session_id, Utc::now())
    })
}

/// A call about the meeting answered 404/3001: someone deleted it on
/// Zoom's side, and every personal link with it. It is made again, and
/// each participant's new link goes out at the raised sequence (see
/// [`sessions::meeting_gone`]). Nothing happens when the session has moved
/// on to another meeting meanwhile.
fn meeting_gone(session_id: String, meeting_id: i64) -> Outcome {
    tracing::warn!(session = %session_id, meeting_id, "the Zoom meeting was deleted on Zoom's side; making it again");
    Outcome::done(move |conn| {
        if !sessions::meeting_gone(conn, &session_id, meeting_id)? {
            return Ok(());
        }
        registrants::clear(conn, &session_id)?;
        session_changed(conn, &session_id, Utc::now())
    })
}

/// What a registrants run found to do.
struct Work {
    meeting_id: i64,
    leavers: Vec<Leaver>,
    batch: Vec<Person>,
}

/// One batch of pending participants (Zoom's 30) and every leaver per run;
/// a full batch asks for another run. After an attempt that may have
/// reached Zoom without its answer being stored (`attempt > 1`), those Zoom
/// already has are read back instead of being added again: Zoom allows
/// only 3 add requests per registrant and meeting a day.
async fn sync_registrants(
    db: &Db,
    zoom: &Zoom,
    attempt: &Attempt,
    session_id: String,
) -> Result<Outcome, JobFailure> {
    let lookup = session_id.clone();
    let work = db
        .run(move |conn| -> Result<_, DbError> {
            let meeting_id = sessions::find(conn, &lookup)?.and_then(|s| s.zoom.meeting_id);
            let Some(meeting_id) = meeting_id else {
                return Ok(None);
            };
            Ok(Some(Work {
                meeting_id,
                leavers: registrants::leavers(conn, &lookup)?,
                batch: registrants::pending(conn, &lookup, BATCH_LIMIT as i64)?,
            }))
        })
        .await
        .map_err(retry_db)?;
    // No meeting yet: the run that creates it queues this job again.
    let Some(work) = work else {
        return Ok(Outcome::from(Ok(())));
    };
    let cancelled = match cancel(zoom, work.meeting_id, &work.leavers).await {
        Ok(cancelled) => cancelled,
        Err(error) if error.is_meeting_not_found() => {
            return Ok(meeting_gone(session_id, work.meeting_id));
        }
        Err(error) => return Err(error.into()),
    };
    let full = work.batch.len() == BATCH_LIMIT;
    let Added {
        added,
        refused,
        error,
    } = add(zoom, attempt, work.meeting_id, &work.batch).await;
    if error.as_ref().is_some_and(ZoomError::is_meeting_not_found) {
        return Ok(meeting_gone(session_id, work.meeting_id));
    }
    let now = Utc::now();
    let record: Record = Box::new(move |conn| {
        registrants::mark(
            conn,
            &session_id,
            &cancelled,
            RegistrantStatus::Cancelled,
            None,
            now,
        )?;
        for (person, registrant) in &added {
            registrants::mark_added(
                conn,
                &session_id,
                &person.registration_id,
                &registrant.registrant_id,
                &registrant.join_url,
                now,
            )?;
            session_mail::personal_link_ready(conn, &session_id, &person.registration_id, now)?;
        }
        for (id, problem) in &refused {
            registrants::mark(
                conn,
                &session_id,
                std::slice::from_ref(id),
                RegistrantStatus::Failed,
                Some(&problem.to_stored()),
                now,
            )?;
        }
        // Those behind this batch: the refused ones no longer count as pending.
        if full {
            registrants_changed(conn, &session_id, now)?;
        }
        Ok(())
    });
    Ok(Outcome {
        result: error.map_or(Ok(()), |e| Err(e.into())),
        record: Some(record),
    })
}

/// Cancels leavers' registrations; returns whose rows to mark cancelled
/// (those never registered need no call).
async fn cancel(
    zoom: &Zoom,
    meeting_id: i64,
    leavers: &[Leaver],
) -> Result<Vec<String>, ZoomError> {
    let refs: Vec<RegistrantRef> = leavers
        .iter()
        .filter_map(|l| {
            l.registrant_id.as_ref().map(|id| RegistrantRef {
                registrant_id: id.clone(),
                email: l.email.clone(),
            })
        })
        .collect();
    for chunk in refs.chunks(BATCH_LIMIT) {
        zoom.cancel_registrants(meeting_id, chunk).await?;
    }
    Ok(leavers.iter().map(|l| l.registration_id.clone()).collect())
}

/// What registering a batch came to.
struct Added {
    /// Each with their registrant.
    added: Vec<(Person, Registrant)>,
    /// Those Zoom refused, each with why: retrying cannot help until
    /// someone acts (the organiser's retry, once the cause is fixed).
    refused: Vec<(String, ZoomProblem)>,
    /// What stopped the batch, if anything: Zoom being away or slowing
    /// down (the job tries again), or the meeting being gone.
    error: Option<ZoomError>,
}

/// Whether `error` stops a whole run rather than concerning one person.
fn stops_the_run(error: &ZoomError) -> bool {
    error.is_retryable() || error.is_meeting_not_found()
}

/// Registers a batch: after an attempt that may have got through, first
/// those Zoom already has. When Zoom refuses the batch (its capacity is
/// reached, one address is invalid), it may have registered some of it:
/// those are read back, and the rest are added one by one, so that each
/// person gets their own outcome.
async fn add(zoom: &Zoom, attempt: &Attempt, meeting_id: i64, batch: &[Person]) -> Added {
    let mut outcome = Added {
        added: Vec::new(),
        refused: Vec::new(),
        error: None,
    };
    if batch.is_empty() {
        return outcome;
    }
    let known = if attempt.may_have_run_before() {
        match zoom.list_registrants(meeting_id).await {
            Ok(listed) => listed,
            Err(error) => {
                outcome.error = Some(error);
                return outcome;
            }
        }
    } else {
        Vec::new()
    };
    let (found, rest) = matched(batch, known);
    outcome.added = found;
    if rest.is_empty() {
        return outcome;
    }
    let new: Vec<NewRegistrant> = rest.iter().map(new_registrant).collect();
    match zoom.add_registrants(meeting_id, &new).await {
        Ok(registrants) => {
            let (more, missing) = matched(&rest, registrants);
            outcome.added.extend(more);
            outcome.refused.extend(missing.into_iter().map(|person| {
                let problem = ZoomProblem {
                    key: "zoom.error.no_registration".into(),
                    detail: String::new(),
                    until: None,
                };
                (person.registration_id, problem)
            }));
        }
        Err(error) if stops_the_run(&error) => outcome.error = Some(error),
        Err(_) => one_by_one(zoom, meeting_id, rest, &mut outcome).await,
    }
    outcome
}

async fn one_by_one(zoom: &Zoom, meeting_id: i64, people: Vec<Person>, outcome: &mut Added) {
    let listed = match zoom.list_registrants(meeting_id).await {
        Ok(listed) => listed,
        Err(error) => {
            outcome.error = Some(error);
            return;
        }
    };
    let (found, rest) = matched(&people, listed);
    outcome.added.extend(found);
    for person in rest {
        match zoom
            .add_registrant(meeting_id, &new_registrant(&person))
            .await
        {
            Ok(registrant) => outcome.added.push((person, registrant)),
            Err(error) if stops_the_run(&error) => {
                outcome.error = Some(error);
                return;
            }
            Err(error) => outcome
                .refused
                .push((person.registration_id, problem(&error))),
        }
    }
}

fn new_registrant(person: &Person) -> NewRegistrant {
    NewRegistrant {
        email: person.email.clone(),
        name: person.name.clone(),
    }
}

/// Pairs people with Zoom's registrants by address; also returns those
/// without one.
fn matched(
    people: &[Person],
    registrants: Vec<Registrant>,
) -> (Vec<(Person, Registrant)>, Vec<Person>) {
    let mut pairs = Vec::new();
    let mut rest = Vec::new();
    for person in people {
        match registrants
            .iter()
            .find(|r| same_address(&r.email, &person.email) && !r.registrant_id.is_empty())
        {
            Some(registrant) => pairs.push((person.clone(), registrant.clone())),
            None => rest.push(person.clone()),
        }
    }
    (pairs, rest)
}
