//! The worker side of the jobs table: claim a due job, run it, record the
//! outcome. Anything that talks to the outside world runs here, so an outage
//! delays work without losing it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::db::models::JobRow;
use crate::db::repo::jobs as repo;
use crate::db::{Db, DbConnection, DbError};
use crate::domain::job::retry_delay;
use crate::telemetry::Metrics;

/// A claimed job as a runner sees it.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    /// 1 for the first try.
    pub attempt: u32,
    pub max_attempts: u32,
}

#[derive(Debug)]
pub enum JobFailure {
    /// Worth trying again: after `after` when the other side said so (Zoom's
    /// Retry-After), else after the usual backoff.
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
}

/// Written in the transaction that records a job's outcome (the outbox
/// row's state, say), so that the two never disagree and cost one commit.
pub type Record = Box<dyn FnOnce(&mut DbConnection) -> diesel::QueryResult<()> + Send>;

/// What running a job came to.
pub struct Outcome {
    pub result: Result<(), JobFailure>,
    pub record: Option<Record>,
}

impl From<Result<(), JobFailure>> for Outcome {
    fn from(result: Result<(), JobFailure>) -> Self {
        Outcome {
            result,
            record: None,
        }
    }
}

/// Carries out jobs by kind. Must be idempotent: a job whose worker died
/// after doing the work but before recording it runs again.
pub trait JobRunner: Send + Sync + 'static {
    fn run(&self, job: &Job) -> impl Future<Output = Outcome> + Send;
}

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub name: String,
    /// How long to sleep when the queue is empty and nobody rings.
    pub idle_poll: Duration,
    /// How long a claim holds; a job running longer is cut off and retried.
    pub lease: Duration,
    /// The wait before the first retry; it doubles with each attempt.
    pub first_retry: Duration,
    /// Jobs run at once. Most jobs wait on a remote server (SMTP, Zoom),
    /// so this is about latency, not cores.
    pub concurrency: usize,
}

/// Rung after a transaction that enqueued work commits, so that an idle
/// worker in this process starts at once instead of at its next poll.
#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn ring(&self) {
        self.0.notify_waiters();
    }
}

/// Claims due jobs and runs up to `config.concurrency` of them at once, until
/// `shutdown`; then lets the running ones finish. One loop per instance:
/// an idle instance asks the database once per `idle_poll`, however many
/// jobs it may run at once.
pub async fn run_worker<R: JobRunner>(
    db: Db,
    runner: Arc<R>,
    config: WorkerConfig,
    wakeup: Wakeup,
    metrics: Metrics,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::debug!(worker = %config.name, concurrency = config.concurrency, "job worker started");
    let mut running = JoinSet::new();
    while !*shutdown.borrow() {
        // Registered before looking, so that a ring during the look is not missed.
        let notified = wakeup.0.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let mut failed_to_claim = false;
        let free = config.concurrency.max(1).saturating_sub(running.len());
        if free > 0 {
            match claim(&db, &config, free).await {
                Ok(rows) => {
                    for row in rows {
                        let (db, runner, config, metrics) =
                            (db.clone(), runner.clone(), config.clone(), metrics.clone());
                        running.spawn(async move {
                            run_one(&db, &*runner, &config, &metrics, row).await
                        });
                    }
                }
                Err(error) => {
                    tracing::warn!(worker = %config.name, %error, "could not claim a job");
                    failed_to_claim = true;
                }
            }
        }
        let pause = if failed_to_claim {
            config.idle_poll.max(Duration::from_secs(1))
        } else {
            config.idle_poll
        };
        tokio::select! {
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = &mut notified, if !failed_to_claim => {}
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => {}
        }
    }
    while running.join_next().await.is_some() {}
    tracing::debug!(worker = %config.name, "job worker stopped");
}

/// Up to `limit` due jobs in one transaction: under a burst, one commit
/// hands out a whole round of work instead of one job each.
async fn claim(db: &Db, config: &WorkerConfig, limit: usize) -> Result<Vec<JobRow>, DbError> {
    let name = config.name.clone();
    let lease = chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::minutes(5));
    db.transaction(move |conn| Ok(repo::claim(conn, &name, Utc::now(), lease, limit)?))
        .await
}

async fn run_one<R: JobRunner>(
    db: &Db,
    runner: &R,
    config: &WorkerConfig,
    metrics: &Metrics,
    row: JobRow,
) {
    let job = Job {
        attempt: u32::try_from(row.attempts).unwrap_or(1),
        max_attempts: u32::try_from(row.max_attempts).unwrap_or(1),
        id: row.id,
        kind: row.kind,
        payload: row.payload,
    };
    // Stop short of the lease so that nobody else claims a job still running here.
    let deadline = config.lease.mul_f64(0.9);
    let Outcome {
        result: outcome,
        record,
    } = match tokio::time::timeout(deadline, runner.run(&job)).await {
        Ok(outcome) => outcome,
        Err(_) => Outcome::from(Err(JobFailure::retry(format!(
            "timed out after {} s",
            deadline.as_secs()
        )))),
    };
    let now = Utc::now();
    let (label, retry_at, error) = match outcome {
        Ok(()) => ("done", None, None),
        Err(JobFailure::Permanent(error)) => ("failed", None, Some(error)),
        Err(JobFailure::Retry { error, .. }) if job.attempt >= job.max_attempts => {
            ("failed", None, Some(error))
        }
        Err(JobFailure::Retry { error, after }) => {
            let wait = after.unwrap_or_else(|| {
                retry_delay(job.attempt, config.first_retry, rand::random::<f64>())
            });
            let at = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
            ("retry", Some(at), Some(error))
        }
    };
    metrics
        .jobs_run
        .with_label_values(&[&job.kind, label])
        .inc();
    match &error {
        None => tracing::debug!(job = %job.id, kind = %job.kind, "job done"),
        Some(error) => {
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempt, outcome = label, %error, "job failed")
        }
    }
    let worker = config.name.clone();
    let recorded = db
        .transaction(move |conn| -> Result<bool, DbError> {
            if let Some(record) = record {
                record(conn)?;
            }
            Ok(match error {
                None => repo::finish(conn, &job.id, &worker, now)?,
                Some(error) => repo::fail(conn, &job.id, &worker, &error, now, retry_at)?,
            })
        })
        .await;
    match recorded {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(worker = %config.name, "lease lapsed before the job finished; another worker has it")
        }
        // The lease runs out and the job is claimed again: delayed, not lost.
        Err(error) => {
            tracing::error!(worker = %config.name, %error, "could not record a job's outcome")
        }
    }
}
