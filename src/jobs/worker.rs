//! The worker side of the jobs table: claim due jobs, run them, record
//! their outcomes.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{Attempt, JobFailure, Outcome, Registry};
use crate::db::models::JobRow;
use crate::db::repo::jobs as repo;
use crate::db::states::Stored;
use crate::db::{Db, DbError};
use crate::domain::job::{JobStatus, retry_delay};
use crate::telemetry::Metrics;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub name: String,
    /// How long to sleep when the queue is empty and nothing was queued here.
    pub idle_poll: Duration,
    /// How long a claim holds without renewal. The worker renews its
    /// claims every third of it, so a job of a dead instance is taken over
    /// within one lease (seconds), while a live one runs as long as it needs.
    pub lease: Duration,
    /// A job running longer is cut off and retried.
    pub run_timeout: Duration,
    /// The wait before the first retry; it doubles with each attempt.
    pub first_retry: Duration,
    /// How long a job retries while the other side is away or asks to
    /// wait, from its first failure.
    pub retry_for: Duration,
    /// Jobs run at once. Most jobs wait on a remote server (SMTP, Zoom),
    /// so this is about latency, not cores.
    pub concurrency: usize,
}

/// Claims due jobs and runs up to `config.concurrency` of them at once, until
/// `shutdown`; then lets the running ones finish. One loop per instance:
/// an idle instance asks the database once per `idle_poll`, however many
/// jobs it may run at once, and at once when this process commits a job.
pub async fn run_worker<C: Send + Sync + 'static>(
    db: Db,
    registry: Arc<Registry<C>>,
    config: WorkerConfig,
    metrics: Metrics,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::debug!(worker = %config.name, concurrency = config.concurrency, "job worker started");
    let wakeup = db.wakeup().clone();
    let mut running = JoinSet::new();
    take_back(&db, &config).await;
    let mut heartbeat = tokio::time::interval(config.lease / 3);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !*shutdown.borrow() {
        // Registered before looking, so that a commit during the look is not missed.
        let notified = wakeup.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let mut failed_to_claim = false;
        let free = config.concurrency.max(1).saturating_sub(running.len());
        if free > 0 {
            match claim(&db, &config, free).await {
                Ok(rows) => {
                    for row in rows {
                        let (db, registry, config, metrics) = (
                            db.clone(),
                            registry.clone(),
                            config.clone(),
                            metrics.clone(),
                        );
                        running.spawn(async move {
                            run_one(&db, &registry, &config, &metrics, row).await
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
            _ = heartbeat.tick(), if !running.is_empty() => renew(&db, &config).await,
            _ = shutdown.changed() => {}
        }
    }
    loop {
        tokio::select! {
            done = running.join_next() => if done.is_none() { break },
            _ = heartbeat.tick() => renew(&db, &config).await,
        }
    }
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

/// Jobs held under this worker's name are those of its previous life,
/// which died with them (a crash): no live instance shares a name (see
/// [`super::InstanceName`]). They are free at once, instead of after their
/// lease: a restart takes over its own work in seconds.
async fn take_back(db: &Db, config: &WorkerConfig) {
    let name = config.name.clone();
    let taken = db
        .transaction(move |conn| -> Result<usize, DbError> {
            Ok(repo::release_held(conn, &name, Utc::now())?)
        })
        .await;
    match taken {
        Ok(0) => {}
        Ok(jobs) => {
            tracing::info!(worker = %config.name, jobs, "taking back the jobs held when this instance last stopped")
        }
        Err(error) => {
            tracing::warn!(worker = %config.name, %error, "could not take back this instance's earlier jobs; their leases will lapse")
        }
    }
}

async fn renew(db: &Db, config: &WorkerConfig) {
    let name = config.name.clone();
    let until = Utc::now()
        + chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::minutes(5));
    let renewed = db
        .transaction(move |conn| -> Result<usize, DbError> {
            Ok(repo::renew_leases(conn, &name, until)?)
        })
        .await;
    if let Err(error) = renewed {
        tracing::warn!(worker = %config.name, %error, "could not renew the leases of running jobs");
    }
}

async fn run_one<C: Send + Sync + 'static>(
    db: &Db,
    registry: &Registry<C>,
    config: &WorkerConfig,
    metrics: &Metrics,
    row: JobRow,
) {
    let attempt = Attempt {
        job_id: row.id,
        number: u32::try_from(row.attempts).unwrap_or(1),
        failing_since: row.failing_since.map(|at| at.and_utc()),
        retry_for: config.retry_for,
    };
    let kind = row.kind;
    let deadline = config.run_timeout;
    let running = registry.run(&kind, &row.payload, &attempt);
    let Outcome {
        result: outcome,
        record,
    } = match tokio::time::timeout(deadline, running).await {
        Ok(outcome) => outcome,
        Err(_) => Outcome::from(Err(JobFailure::retry(format!(
            "timed out after {} s",
            deadline.as_secs()
        )))),
    };
    let now = Utc::now();
    // The metric's outcome: the state the run leaves the job in, as the
    // table names it, or a retry.
    let (done, failed) = (JobStatus::Done.stored(), JobStatus::Failed.stored());
    let (label, retry_at, error) = match outcome {
        Ok(()) => (done, None, None),
        Err(failure) if attempt.gives_up(&failure) => (failed, None, Some(failure.reason())),
        Err(JobFailure::Retry { error, after }) => {
            let wait = after.unwrap_or_else(|| {
                retry_delay(attempt.number, config.first_retry, rand::random::<f64>())
            });
            let at = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
            ("retry", Some(at), Some(error))
        }
        Err(JobFailure::Permanent(error)) => (failed, None, Some(error)),
    };
    metrics.jobs_run.with_label_values(&[&kind, label]).inc();
    let id = attempt.job_id;
    match &error {
        None => tracing::debug!(job = %id, %kind, "job done"),
        Some(error) => {
            tracing::warn!(job = %id, %kind, attempt = attempt.number, outcome = label, %error, "job failed")
        }
    }
    let worker = config.name.clone();
    let recorded = db
        .transaction(move |conn| -> Result<bool, DbError> {
            if let Some(record) = record {
                record(conn)?;
            }
            Ok(match error {
                None => repo::finish(conn, &id, &worker, now)?,
                Some(error) => repo::fail(conn, &id, &worker, &error, now, retry_at)?,
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
