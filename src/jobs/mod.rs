//! Background jobs: anything that talks to the outside world is a row in
//! the jobs table, written in the transaction that causes it, and carried
//! out by a worker, so an outage delays work without losing it.
//!
//! Each kind of job is a type ([`BackgroundJob`]): its payload is the type
//! itself, stored as JSON; its name is the row's `kind`. A [`Registry`]
//! lists the kinds a worker runs and dispatches each claimed row to its
//! type, with the shared [`JobContext`]. A job's runner lives beside the
//! service that enqueues it.

mod context;
mod instance;
mod registry;
mod worker;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::DbConnection;
use crate::db::repo::jobs as repo;
use crate::domain::job::may_retry;

pub use context::JobContext;
pub use instance::InstanceName;
pub use registry::Registry;
pub use worker::{WorkerConfig, run_worker};

/// One kind of job. Must be idempotent: a job whose worker died after
/// doing the work but before recording it runs again.
pub trait BackgroundJob: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The row's `kind`, unique among the registered types.
    const KIND: &'static str;
    /// What every job of the registry shares (connections, clients).
    type Context: Send + Sync + 'static;

    /// Work that must happen once (one e-mail per message, one Zoom
    /// meeting per session) has a key: enqueueing it again is a no-op.
    fn dedup_key(&self) -> Option<String>;

    fn run(
        self,
        context: &Self::Context,
        attempt: &Attempt,
    ) -> impl Future<Output = Outcome> + Send;
}

/// Queues `job` to run now; `false` when its dedup key is queued already.
pub fn enqueue<J: BackgroundJob>(
    conn: &mut DbConnection,
    job: &J,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    enqueue_at(conn, job, now, now)
}

/// Queues `job` to run at `run_at`.
pub fn enqueue_at<J: BackgroundJob>(
    conn: &mut DbConnection,
    job: &J,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    repo::enqueue(conn, &row(job, run_at), now)
}

/// For a job that follows the latest state of something: see
/// [`repo::enqueue_or_rerun`].
pub fn enqueue_or_rerun<J: BackgroundJob>(
    conn: &mut DbConnection,
    job: &J,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    repo::enqueue_or_rerun(conn, &row(job, now), now)
}

/// Makes sure `job` runs at `run_at`, wherever it stood: see
/// [`repo::reschedule`].
pub fn reschedule<J: BackgroundJob>(
    conn: &mut DbConnection,
    job: &J,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    repo::reschedule(conn, &row(job, run_at), now)
}

/// Runs `job` at once if it is queued for later; whether it is still to
/// run: see [`repo::hasten`].
pub fn hasten<J: BackgroundJob>(
    conn: &mut DbConnection,
    job: &J,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    match job.dedup_key() {
        Some(key) => repo::hasten(conn, &key, now),
        None => Ok(false),
    }
}

/// Locks the running `job`'s row before it reads what it decides on: see
/// [`repo::lock`].
pub fn lock<J: BackgroundJob>(conn: &mut DbConnection, job: &J) -> QueryResult<()> {
    match job.dedup_key() {
        Some(key) => repo::lock(conn, &key),
        None => Ok(()),
    }
}

/// The running `job` runs again at `at` instead of being done.
pub fn postpone<J: BackgroundJob>(
    conn: &mut DbConnection,
    job: &J,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    match job.dedup_key() {
        Some(key) => repo::postpone(conn, &key, at),
        None => Ok(()),
    }
}

fn row<J: BackgroundJob>(job: &J, run_at: DateTime<Utc>) -> repo::NewJob<'static> {
    repo::NewJob {
        kind: J::KIND,
        payload: serde_json::to_string(job).expect("a job's payload serialises"),
        dedup_key: job.dedup_key(),
        run_at,
    }
}

/// Which run of a claimed job this is.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub job_id: String,
    /// 1 for the first try.
    pub number: u32,
    /// The first failure of the failures this run follows, if it follows any.
    pub failing_since: Option<DateTime<Utc>>,
    /// How long failures worth retrying are retried, from `failing_since`.
    pub retry_for: Duration,
}

impl Attempt {
    /// Whether an earlier run may have reached the other side without its
    /// answer being recorded (a crash, a time-out).
    pub fn may_have_run_before(&self) -> bool {
        self.number > 1
    }

    /// Whether `failure` ends the job: no retry follows. A refusal ends it
    /// at its first attempt (someone must act: the organiser's "try again"
    /// queues it afresh); an outage or a rate limit once the job has been
    /// failing for its whole time budget.
    pub fn gives_up(&self, failure: &JobFailure) -> bool {
        match failure {
            JobFailure::Permanent(_) => true,
            JobFailure::Retry { .. } => !may_retry(self.failing_since, self.retry_for, Utc::now()),
        }
    }
}

#[derive(Debug)]
pub enum JobFailure {
    /// The other side is away or asks to wait (an outage, a rate limit, a
    /// database that did not answer): tried again after `after` when it
    /// said so (Zoom's Retry-After), else after the usual backoff, until
    /// the job's time budget runs out.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// Trying again cannot help (a malformed payload, a refused address).
    Permanent(String),
}

impl JobFailure {
    pub fn retry(error: impl Into<String>) -> Self {
        JobFailure::Retry {
            error: error.into(),
            after: None,
        }
    }

    /// What the job's row and the organisers' pages show.
    pub fn reason(self) -> String {
        match self {
            JobFailure::Retry { error, .. } | JobFailure::Permanent(error) => error,
        }
    }
}

/// Written in the transaction that records a job's outcome (the outbox
/// row's state, say), so that the two never disagree and cost one commit.
pub type Record = Box<dyn FnOnce(&mut DbConnection) -> QueryResult<()> + Send>;

/// What running a job came to.
pub struct Outcome {
    pub result: Result<(), JobFailure>,
    pub record: Option<Record>,
}

impl Outcome {
    /// Done, with `record` written as the job is marked done.
    pub fn done(
        record: impl FnOnce(&mut DbConnection) -> QueryResult<()> + Send + 'static,
    ) -> Self {
        Outcome {
            result: Ok(()),
            record: Some(Box::new(record)),
        }
    }
}

impl From<Result<(), JobFailure>> for Outcome {
    fn from(result: Result<(), JobFailure>) -> Self {
        Outcome {
            result,
            record: None,
        }
    }
}
