//! Waiting for the application's background work: every e-mail and Zoom
//! call is a row in the jobs table, so a test waits for the table to drain
//! instead of polling for the effect.

use std::future::Future;
use std::time::Duration;

use bimtek::db::states::Stored;
use bimtek::db::{Db, DbError};
use bimtek::domain::job::JobStatus;
use chrono::Utc;
use tokio::time::Instant;

/// Long enough for a slow CI machine, short enough to fail a stuck test.
pub const WAIT: Duration = Duration::from_secs(60);

/// Jobs running, or queued and due: work the application still has to do
/// now. Jobs planned for later (reminders, retries) do not count.
async fn pending_jobs(db: &Db) -> Vec<(String, String)> {
    db.run(|conn| -> Result<_, DbError> {
        use bimtek::db::schema::jobs::dsl::*;
        use diesel::prelude::*;
        let now = Utc::now().naive_utc();
        Ok(jobs
            .filter(
                status
                    .eq(JobStatus::Running.stored())
                    .or(status.eq(JobStatus::Queued.stored()).and(run_at.le(now))),
            )
            .select((kind, status))
            .load(conn)?)
    })
    .await
    .unwrap()
}

/// Returns once the application has worked off every job that is due,
/// including those the jobs themselves queued; panics with what is left
/// after [`WAIT`]. Nothing due has to be seen twice in a row: a job asked
/// to run again is queued at the moment its run is recorded, which can be
/// just after the moment a look took as "now" and just before the look
/// reads the table, so that one look finds it neither running nor due.
pub async fn wait_for_jobs(db: &Db) {
    let deadline = Instant::now() + WAIT;
    let mut idle_once = false;
    loop {
        let pending = pending_jobs(db).await;
        if pending.is_empty() {
            if idle_once {
                return;
            }
            idle_once = true;
        } else {
            idle_once = false;
            assert!(
                Instant::now() < deadline,
                "jobs still due after {WAIT:?}: {pending:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls `check` until it gives a value, for effects that wait on a time
/// set from outside (a Zoom rate limit, a lease running out).
pub async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "waited in vain for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
