use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use uuid::Uuid;

use crate::db::models::{JobRow, NewJobRow};
use crate::db::schema::jobs;
use crate::db::states::Stored;
use crate::db::{DbConnection, wake_workers_on_commit};
use crate::domain::job::JobStatus;

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: String,
    /// Work that must happen once (one e-mail per message, one Zoom
    /// registrant per participant) carries a key; enqueueing it again is a no-op.
    pub dedup_key: Option<String>,
    pub run_at: DateTime<Utc>,
}

/// Adds a job; `false` when a job with the same dedup key already exists.
/// `ON CONFLICT DO NOTHING` rather than catching the unique violation: a
/// failed statement would abort the caller's transaction on PostgreSQL
/// unless it ran in a savepoint of its own.
pub fn enqueue(conn: &mut DbConnection, job: &NewJob<'_>, now: DateTime<Utc>) -> QueryResult<bool> {
    let row = NewJobRow {
        id: Uuid::now_v7().to_string(),
        kind: job.kind,
        payload: &job.payload,
        dedup_key: job.dedup_key.as_deref(),
        status: JobStatus::Queued,
        run_at: job.run_at.naive_utc(),
        attempts: 0,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    };
    let insert = diesel::insert_into(jobs::table)
        .values(row)
        .on_conflict(jobs::dedup_key)
        .do_nothing();
    // The derived multi-backend has no ON CONFLICT; each backend has.
    let inserted = match conn {
        DbConnection::Pg(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(sqlite) => insert.execute(sqlite)?,
    };
    if inserted == 1 && job.run_at <= now {
        wake_workers_on_commit();
    }
    Ok(inserted == 1)
}

/// Makes sure the job keyed `job.dedup_key` runs (again) from `now` on,
/// for work that follows the latest state of something (a session's
/// meeting, its registrants) and is one job per thing: a new key is
/// queued; a finished or failed job is queued again with fresh attempts;
/// a queued job stays as it is (it will read the latest state); a running
/// job may have read the state before this change, so it is asked to run
/// once more when it finishes (see [`finish`]). One row per key also means
/// that two runs for the same thing never overlap.
pub fn enqueue_or_rerun(
    conn: &mut DbConnection,
    job: &NewJob<'_>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    requeue(conn, job, now, false)
}

/// Like [`enqueue_or_rerun`], for work due at a time that may move (a
/// session's report, read after its end): the job runs at `job.run_at`
/// whatever its state, a queued one moved there (its attempts kept), a
/// running one once more when it finishes, at that time or at once.
pub fn reschedule(
    conn: &mut DbConnection,
    job: &NewJob<'_>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    requeue(conn, job, now, true)
}

fn requeue(
    conn: &mut DbConnection,
    job: &NewJob<'_>,
    now: DateTime<Utc>,
    move_queued: bool,
) -> QueryResult<()> {
    if enqueue(conn, job, now)? {
        return Ok(());
    }
    let key = job.dedup_key.as_deref().unwrap_or_default();
    // Locked until this transaction ends: a claim skips the row (so no
    // run starts before this change is visible) and a finishing run waits
    // for it (so it sees the request to run again). SQLite's writes are
    // serial already.
    let keyed = jobs::table
        .filter(jobs::dedup_key.eq(key))
        .select(jobs::status);
    let status: Option<String> = match conn {
        DbConnection::Pg(pg) => keyed.for_update().first(pg).optional()?,
        DbConnection::Sqlite(sqlite) => keyed.first(sqlite).optional()?,
    };
    // Read after the lock: later than the stamp of any claim before it.
    let at = Utc::now().max(now).max(job.run_at).naive_utc();
    let keyed = jobs::table.filter(jobs::dedup_key.eq(key));
    match status.as_deref().and_then(JobStatus::from_stored) {
        Some(JobStatus::Done | JobStatus::Failed) => {
            if job.run_at <= now {
                wake_workers_on_commit();
            }
            diesel::update(keyed)
                .set((
                    jobs::status.eq(JobStatus::Queued.stored()),
                    jobs::payload.eq(&job.payload),
                    jobs::run_at.eq(at),
                    jobs::attempts.eq(0),
                    jobs::last_error.eq(None::<String>),
                    jobs::failing_since.eq(None::<chrono::NaiveDateTime>),
                    jobs::updated_at.eq(Utc::now().max(now).naive_utc()),
                    jobs::finished_at.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(conn)
                .map(drop)
        }
        // A claim stamps `updated_at`; a `run_at` later than that is the
        // request to run again.
        Some(JobStatus::Running) => diesel::update(keyed)
            .set(jobs::run_at.eq(at))
            .execute(conn)
            .map(drop),
        Some(JobStatus::Queued) if move_queued => {
            if job.run_at <= now {
                wake_workers_on_commit();
            }
            diesel::update(keyed)
                .set(jobs::run_at.eq(job.run_at.naive_utc()))
                .execute(conn)
                .map(drop)
        }
        Some(JobStatus::Queued) | None => Ok(()),
    }
}

/// Where a keyed job stands: what a page says of work that is planned
/// or failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobState {
    pub status: JobStatus,
    pub last_error: Option<String>,
    /// When it runs next (or last ran).
    pub run_at: DateTime<Utc>,
}

pub fn state_of(conn: &mut DbConnection, key: &str) -> QueryResult<Option<JobState>> {
    let row: Option<(String, Option<String>, chrono::NaiveDateTime)> = jobs::table
        .filter(jobs::dedup_key.eq(key))
        .select((jobs::status, jobs::last_error, jobs::run_at))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(status, last_error, run_at)| {
        Some(JobState {
            status: JobStatus::from_stored(&status)?,
            last_error,
            run_at: run_at.and_utc(),
        })
    }))
}

/// Of `keys`, those whose job is at work: running, or queued and due (a
/// worker takes it within a poll).
pub fn at_work(
    conn: &mut DbConnection,
    keys: &[String],
    now: DateTime<Utc>,
) -> QueryResult<Vec<String>> {
    let running = jobs::status.eq(JobStatus::Running.stored());
    let due = jobs::status
        .eq(JobStatus::Queued.stored())
        .and(jobs::run_at.le(now.naive_utc()));
    jobs::table
        .filter(jobs::dedup_key.eq_any(keys))
        .filter(running.or(due))
        .select(jobs::dedup_key.assume_not_null())
        .load(conn)
}

/// Brings the queued job keyed `key` forward to `now` when it waits for a
/// later time (a retry's backoff, an invitation waiting for a link):
/// someone asked for it to run at once. `true` when the job is still to
/// run (queued, or running and not yet past reading what it works on; see
/// [`lock`]), `false` when it is done, failed or was never queued.
pub fn hasten(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> QueryResult<bool> {
    let Some(status) = locked_status(conn, key)? else {
        return Ok(false);
    };
    match JobStatus::from_stored(&status) {
        Some(JobStatus::Queued) => {
            let now = now.naive_utc();
            let hastened = diesel::update(
                jobs::table
                    .filter(jobs::dedup_key.eq(key))
                    .filter(jobs::run_at.gt(now)),
            )
            .set(jobs::run_at.eq(now))
            .execute(conn)?;
            if hastened == 1 {
                wake_workers_on_commit();
            }
            Ok(true)
        }
        Some(JobStatus::Running) => Ok(true),
        _ => Ok(false),
    }
}

/// Locks the job keyed `key` until the transaction ends, for a running job
/// that decides from what it reads whether to wait: a [`hasten`] for it
/// then comes wholly before that reading (and the job sees what caused it)
/// or wholly after its outcome (and finds it queued again, or done).
/// SQLite's writes are serial already.
pub fn lock(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    locked_status(conn, key).map(drop)
}

fn locked_status(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    let keyed = jobs::table
        .filter(jobs::dedup_key.eq(key))
        .select(jobs::status);
    match conn {
        DbConnection::Pg(pg) => keyed.for_update().first(pg).optional(),
        DbConnection::Sqlite(sqlite) => keyed.first(sqlite).optional(),
    }
}

/// The running job keyed `key` runs again at `at` instead of being done
/// (a later `run_at` than its claim is a request to run again; see
/// [`finish`]).
pub fn postpone(conn: &mut DbConnection, key: &str, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(
        jobs::table
            .filter(jobs::dedup_key.eq(key))
            .filter(jobs::status.eq(JobStatus::Running.stored())),
    )
    .set(jobs::run_at.eq(at.naive_utc()))
    .execute(conn)
    .map(drop)
}

/// Takes up to `limit` jobs for `worker`: first those whose worker's lease
/// ran out, then the due ones, oldest first. Each statement only takes rows
/// it sees free (on PostgreSQL it skips rows another claim has locked), so
/// two workers never take the same job. Each is an index seek on
/// `jobs_ready (status, run_at)`: one `WHERE (queued …) OR (running …)
/// ORDER BY` had SQLite read and sort every queued job (3 ms at 10,000)
/// while it held the write lock.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: usize,
) -> QueryResult<Vec<JobRow>> {
    let mut claimed = take(conn, worker, now, lease, Due::LeaseLapsed, limit)?;
    if claimed.len() < limit {
        let more = take(conn, worker, now, lease, Due::Queued, limit - claimed.len())?;
        claimed.extend(more);
    }
    // RETURNING gives no order.
    claimed.sort_by(|a, b| (a.run_at, &a.id).cmp(&(b.run_at, &b.id)));
    Ok(claimed)
}

#[derive(Clone, Copy)]
enum Due {
    LeaseLapsed,
    Queued,
}

fn take(
    conn: &mut DbConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
    due: Due,
    limit: usize,
) -> QueryResult<Vec<JobRow>> {
    let now = now.naive_utc();
    let until = now + lease;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    // Numbered parameters: PostgreSQL writes them $n, SQLite ?n (SQLite
    // reads $n as a name and numbers names by first appearance).
    let sql = |p: char, lock: &str| {
        let due = match due {
            Due::LeaseLapsed => format!("status = 'running' AND locked_until < {p}2"),
            Due::Queued => format!("status = 'queued' AND run_at <= {p}2 ORDER BY run_at"),
        };
        format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, \
             locked_by = {p}1, locked_until = {p}3, updated_at = {p}2 \
             WHERE id IN (SELECT id FROM jobs WHERE {due} LIMIT {p}4{lock}) RETURNING *"
        )
    };
    match conn {
        DbConnection::Pg(pg) => diesel::sql_query(sql('$', " FOR UPDATE SKIP LOCKED"))
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(until)
            .bind::<BigInt, _>(limit)
            .load(pg),
        // SQLite has one writer: nothing to skip.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(sql('?', ""))
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(until)
            .bind::<BigInt, _>(limit)
            .load(sqlite),
    }
}

/// Marks a claimed job done, or queues it again with fresh attempts when
/// [`enqueue_or_rerun`] asked for another run while it ran; `false` when
/// the worker had lost its lease and someone else holds the job now.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let Some(held) = hold(conn, id, worker)? else {
        return Ok(false);
    };
    let now = now.naive_utc();
    if held.rerun_requested() {
        return diesel::update(owned(id, worker))
            .set((
                jobs::status.eq(JobStatus::Queued.stored()),
                jobs::attempts.eq(0),
                jobs::last_error.eq(None::<String>),
                jobs::failing_since.eq(None::<chrono::NaiveDateTime>),
                jobs::locked_by.eq(None::<String>),
                jobs::locked_until.eq(None::<chrono::NaiveDateTime>),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)
            .map(|n| n == 1);
    }
    diesel::update(owned(id, worker))
        .set((
            jobs::status.eq(JobStatus::Done.stored()),
            jobs::last_error.eq(None::<String>),
            jobs::failing_since.eq(None::<chrono::NaiveDateTime>),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<chrono::NaiveDateTime>),
            jobs::updated_at.eq(now),
            jobs::finished_at.eq(Some(now)),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// What a finishing run reads of the job it holds.
struct Held {
    run_at: chrono::NaiveDateTime,
    claimed_at: chrono::NaiveDateTime,
    attempts: i32,
    failing_since: Option<chrono::NaiveDateTime>,
}

impl Held {
    /// A claim stamps `updated_at`; a `run_at` later than that is
    /// [`enqueue_or_rerun`]'s request to run again.
    fn rerun_requested(&self) -> bool {
        self.run_at > self.claimed_at
    }
}

/// The job `worker` holds, locked until the transaction ends (`None` when
/// it holds it no longer). Without the lock, a change whose transaction
/// asked for a run while the outcome was being written could commit
/// between the look and the update, and its run would be lost: an UPDATE
/// on PostgreSQL skips a row whose committed version fails its condition
/// without waiting for the transaction that is changing it.
fn hold(conn: &mut DbConnection, id: &str, worker: &str) -> QueryResult<Option<Held>> {
    let query = owned(id, worker).select((
        jobs::run_at,
        jobs::updated_at,
        jobs::attempts,
        jobs::failing_since,
    ));
    type Row = (
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        i32,
        Option<chrono::NaiveDateTime>,
    );
    let row: Option<Row> = match conn {
        DbConnection::Pg(pg) => query.for_update().first(pg).optional()?,
        // SQLite's writes are serial already.
        DbConnection::Sqlite(sqlite) => query.first(sqlite).optional()?,
    };
    Ok(
        row.map(|(run_at, claimed_at, attempts, failing_since)| Held {
            run_at,
            claimed_at,
            attempts,
            failing_since,
        }),
    )
}

/// Lets the lease of every job `worker` is running lapse now, for the
/// next claim to take them; how many.
pub fn release_held(
    conn: &mut DbConnection,
    worker: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let lapsed = now - Duration::seconds(1);
    let released = diesel::update(
        jobs::table
            .filter(jobs::locked_by.eq(worker))
            .filter(jobs::status.eq(JobStatus::Running.stored())),
    )
    .set(jobs::locked_until.eq(Some(lapsed.naive_utc())))
    .execute(conn)?;
    if released > 0 {
        wake_workers_on_commit();
    }
    Ok(released)
}

/// Extends the lease on every job `worker` is running: a live worker
/// keeps its jobs however long they take, a dead one loses them one lease
/// after its last renewal.
pub fn renew_leases(
    conn: &mut DbConnection,
    worker: &str,
    until: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        jobs::table
            .filter(jobs::locked_by.eq(worker))
            .filter(jobs::status.eq(JobStatus::Running.stored())),
    )
    .set(jobs::locked_until.eq(Some(until.naive_utc())))
    .execute(conn)
}

/// Records a failed attempt: back in the queue at `retry_at`, or failed for
/// good when there is none, unless [`enqueue_or_rerun`] asked for another
/// run meanwhile: then it is queued at once with fresh attempts, as it
/// would have been had the request come after the failure. A retry keeps
/// the time of the first failure it follows, from which its budget counts.
pub fn fail(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
    retry_at: Option<DateTime<Utc>>,
) -> QueryResult<bool> {
    let Some(held) = hold(conn, id, worker)? else {
        return Ok(false);
    };
    let now = now.naive_utc();
    let failing_since = held.failing_since.unwrap_or(now);
    let (status, run_at, attempts, failing_since, finished_at) = match retry_at {
        Some(at) => (
            JobStatus::Queued,
            at.naive_utc(),
            held.attempts,
            Some(failing_since),
            None,
        ),
        None if held.rerun_requested() => (JobStatus::Queued, now, 0, None, None),
        None => (
            JobStatus::Failed,
            now,
            held.attempts,
            Some(failing_since),
            Some(now),
        ),
    };
    diesel::update(owned(id, worker))
        .set((
            jobs::status.eq(status.stored()),
            jobs::run_at.eq(run_at),
            jobs::attempts.eq(attempts),
            jobs::last_error.eq(Some(error)),
            jobs::failing_since.eq(failing_since),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<chrono::NaiveDateTime>),
            jobs::updated_at.eq(now),
            jobs::finished_at.eq(finished_at),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// The row `worker` holds. Statuses are literals here because diesel's
/// `auto_type` needs expressions whose types it can name.
#[diesel::dsl::auto_type]
fn owned<'a>(id: &'a str, worker: &'a str) -> _ {
    jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::locked_by.eq(worker))
        .filter(jobs::status.eq("running"))
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<JobRow>> {
    jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// How many jobs are in each state that has any.
pub fn count_by_status(conn: &mut DbConnection) -> QueryResult<Vec<(JobStatus, i64)>> {
    let counts: Vec<(String, i64)> = jobs::table
        .group_by(jobs::status)
        .select((jobs::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts
        .into_iter()
        .filter_map(|(status, n)| Some((JobStatus::from_stored(&status)?, n)))
        .collect())
}
