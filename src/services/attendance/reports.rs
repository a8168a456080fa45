//! Zoom's participant report, the source of truth on who attended a Zoom
//! session: read by a job for every run (instance) of the session's
//! meeting once it has ended, each run's rows replacing what the webhooks
//! showed of it live.
//!
//! The job is planned for the session's end (and a short while after) when
//! its meeting is made or the session moves, so installs without webhooks
//! read reports too; Zoom's meeting.ended webhook runs it at once
//! ([`hasten_for_session`]). While Zoom says the report is not ready, it is
//! tried again with the jobs' backoff, for the jobs' time budget (a day
//! unless set otherwise); after that it has failed, and [`standing`] says so.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};

use crate::db::repo::attendance::{self as repo, MeetingInstance};
use crate::db::repo::jobs as jobs_repo;
use crate::db::repo::sessions;
use crate::db::{Db, DbConnection, DbError};
use crate::domain::attendance::{Seen, Source};
use crate::domain::job::JobStatus;
use crate::domain::session::ZoomProblem;
use crate::integrations::zoom::{Instance, Participant, Zoom, ZoomError};
use crate::jobs::{self, Attempt, BackgroundJob, JobContext, JobFailure, Outcome};
use crate::services::attendance::evidence::{self, Observed};
use crate::services::zoom_sync::{problem, with_zoom};

/// How long after a session's scheduled end its report is first asked for
/// when no webhook says the meeting ended: Zoom needs a while to make it,
/// and meetings often run a little over.
pub const AFTER_END: Duration = Duration::minutes(10);

/// Reads the reports of a session's meeting runs not read yet.
#[derive(Serialize, Deserialize)]
pub struct ReadReports {
    session_id: String,
}

impl BackgroundJob for ReadReports {
    const KIND: &'static str = "zoom.reports.read";
    type Context = JobContext;

    fn dedup_key(&self) -> Option<String> {
        Some(format!("{}:{}", Self::KIND, self.session_id))
    }

    async fn run(self, context: &JobContext, _: &Attempt) -> Outcome {
        with_zoom(context, |zoom| read(&context.db, zoom, self.session_id)).await
    }
}

fn job(session_id: &str) -> ReadReports {
    ReadReports {
        session_id: session_id.to_owned(),
    }
}

/// A Zoom session ends at `ends_at` (it was given a meeting, or moved):
/// its report is read after then.
pub fn plan(
    conn: &mut DbConnection,
    session_id: &str,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    jobs::reschedule(conn, &job(session_id), ends_at + AFTER_END, now)
}

/// Zoom says a run of the session's meeting ended (its meeting.ended
/// webhook): the reports are read at once, and again while Zoom says they
/// are not ready. A run ended after its reports were read gets its own.
pub fn hasten_for_session(
    conn: &mut DbConnection,
    session_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    jobs::reschedule(conn, &job(session_id), now, now)
}

/// Where reading a session's reports stands, for the organisers' pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The runs known, with whether their report was read.
    pub instances: Vec<MeetingInstance>,
    pub job: JobState,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobState {
    /// Not planned: not a Zoom session, or its meeting is not made yet.
    None,
    /// To be read (again) at `at`; `waiting` holds why the last try did
    /// not finish (Zoom not ready, or away).
    Planned {
        at: DateTime<Utc>,
        waiting: Option<ZoomProblem>,
    },
    /// Being read now.
    Running,
    /// Every run Zoom listed was read.
    Done,
    /// Given up: Zoom refused, or still had no report after the time budget.
    Failed { reason: ZoomProblem },
}

pub async fn standing(db: &Db, session_id: &str) -> Result<Standing, DbError> {
    let key = job(session_id).dedup_key().unwrap_or_default();
    let session_id = session_id.to_owned();
    db.run(move |conn| -> Result<Standing, DbError> {
        let job = match jobs_repo::state_of(conn, &key)? {
            None => JobState::None,
            Some(job) => match job.status {
                JobStatus::Queued => JobState::Planned {
                    at: job.run_at,
                    waiting: job.last_error.as_deref().map(ZoomProblem::from_stored),
                },
                JobStatus::Running => JobState::Running,
                JobStatus::Done => JobState::Done,
                JobStatus::Failed => JobState::Failed {
                    reason: ZoomProblem::from_stored(&job.last_error.unwrap_or_default()),
                },
            },
        };
        Ok(Standing {
            instances: repo::instances(conn, &session_id)?,
            job,
        })
    })
    .await
}

/// Lists the meeting's runs and reads each report not read yet; what was
/// read is stored as the job finishes, even when a later run's report is
/// not ready (the job then tries again for the rest).
async fn read(db: &Db, zoom: &Zoom, session_id: String) -> Result<Outcome, JobFailure> {
    let lookup = session_id.clone();
    let found = db
        .run(move |conn| -> Result<_, DbError> {
            // A session moved off Zoom keeps its meeting until the meeting
            // is deleted: there is no report to wait for.
            let meeting_id = sessions::find(conn, &lookup)?
                .filter(|s| s.plan.delivery.zoom_host().is_some())
                .and_then(|s| s.zoom.meeting_id);
            let Some(meeting_id) = meeting_id else {
                return Ok(None);
            };
            let read: Vec<String> = repo::instances(conn, &lookup)?
                .into_iter()
                .filter(|i| i.report_read_at.is_some())
                .map(|i| i.meeting_uuid)
                .collect();
            Ok(Some((meeting_id, read)))
        })
        .await
        .map_err(|e| JobFailure::retry(e.to_string()))?;
    // Gone, off Zoom, or no meeting yet (the run that makes one plans this
    // again).
    let Some((meeting_id, read)) = found else {
        return Ok(Outcome::from(Ok(())));
    };
    let instances = zoom.past_instances(meeting_id).await.map_err(failure)?;
    let mut reports = Vec::new();
    let mut stopped = None;
    for instance in instances.iter().filter(|i| !read.contains(&i.uuid)) {
        match zoom.participant_report(&instance.uuid).await {
            Ok(rows) => reports.push((instance.uuid.clone(), rows)),
            Err(error) => {
                stopped = Some(error);
                break;
            }
        }
    }
    let now = Utc::now();
    Ok(Outcome {
        result: stopped.map_or(Ok(()), |error| Err(failure(error))),
        record: Some(Box::new(move |conn| {
            store(conn, &session_id, &instances, &reports, now)
        })),
    })
}

/// A call that failed, retried as Zoom's error says, with what organisers
/// read of it stored as a catalogue key and its detail (the job's last
/// error, which [`standing`] gives back): a page shows it in the reader's
/// language, not in the English of the logs.
fn failure(error: ZoomError) -> JobFailure {
    let problem = problem(&error).to_stored();
    match JobFailure::from(error) {
        JobFailure::Retry { after, .. } => JobFailure::Retry {
            error: problem,
            after,
        },
        JobFailure::Permanent(_) => JobFailure::Permanent(problem),
    }
}

/// In the transaction that finishes the job: the runs listed, and for each
/// report read its rows in place of the webhooks' (and of an earlier
/// reading's) for that run, waiting-room rows left out.
pub(crate) fn store(
    conn: &mut DbConnection,
    session_id: &str,
    instances: &[Instance],
    reports: &[(String, Vec<Participant>)],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    // Deleted while Zoom was asked: nothing to keep.
    if sessions::find(conn, session_id)?.is_none() {
        return Ok(());
    }
    for instance in instances {
        repo::note_instance(conn, session_id, &instance.uuid, instance.start_time, None)?;
    }
    for (uuid, rows) in reports {
        repo::remove_instance_rows(conn, session_id, uuid, &[Source::Webhook, Source::Report])?;
        let observed: Vec<Observed<'_>> = rows
            .iter()
            .filter(|row| !row.in_waiting_room())
            .map(|row| observed(uuid, row))
            .collect();
        evidence::record(conn, session_id, &observed, now)?;
        repo::mark_report_read(conn, session_id, uuid, now)?;
    }
    Ok(())
}

fn observed<'a>(uuid: &'a str, row: &'a Participant) -> Observed<'a> {
    let joined = row
        .join_time
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    Observed {
        source: Source::Report,
        dedup_key: format!("report:{uuid}:{}:{joined}", row.user_id),
        meeting_uuid: Some(uuid),
        import_id: None,
        seen: Seen {
            name: &row.name,
            email: Some(&row.user_email),
            registrant_id: Some(&row.registrant_id),
            zoom_user_id: Some(&row.id),
        },
        joined_at: row.join_time,
        left_at: row.leave_time,
        minutes: None,
        registration: None,
    }
}
