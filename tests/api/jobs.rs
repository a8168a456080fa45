//! The jobs table and its workers, on real databases: each job runs once
//! even with several workers (as several instances would run them), failed
//! attempts are retried and recorded, and a dead worker's job is taken over.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bimtek::db::repo::jobs::{self as repo, NewJob};
use bimtek::db::states::Stored;
use bimtek::db::{Db, DbError};
use bimtek::jobs::{
    Attempt, BackgroundJob, JobFailure, Outcome, Registry, WorkerConfig, run_worker,
};
use bimtek::telemetry::Metrics;
use chrono::Utc;
use diesel::Connection;
use tokio::sync::watch;

use crate::support::*;

#[derive(Default)]
struct Recorder {
    runs: Mutex<Vec<(String, u32)>>,
}

/// The test's kinds of job: each records its run and then behaves as its
/// name says (see [`Recorder::outcome`]).
macro_rules! test_job {
    ($name:ident, $kind:literal) => {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct $name {}

        impl BackgroundJob for $name {
            const KIND: &'static str = $kind;
            type Context = Arc<Recorder>;

            fn dedup_key(&self) -> Option<String> {
                None
            }

            async fn run(self, recorder: &Arc<Recorder>, attempt: &Attempt) -> Outcome {
                recorder.outcome(Self::KIND, attempt).await.into()
            }
        }
    };
}

test_job!(Fine, "ok");
test_job!(Flaky, "flaky");
test_job!(Broken, "broken");
test_job!(Poison, "poison");
test_job!(Later, "later");

impl Recorder {
    async fn outcome(&self, kind: &str, attempt: &Attempt) -> Result<(), JobFailure> {
        self.runs
            .lock()
            .unwrap()
            .push((attempt.job_id.clone(), attempt.number));
        tokio::time::sleep(Duration::from_millis(1)).await;
        let now = Some(Duration::ZERO);
        match kind {
            "flaky" if attempt.number < 3 => Err(JobFailure::Retry {
                error: format!("try {}", attempt.number),
                after: now,
            }),
            "broken" => Err(JobFailure::Retry {
                error: "still broken".into(),
                after: now,
            }),
            "poison" => Err(JobFailure::Permanent("cannot ever work".into())),
            "later" => Err(JobFailure::retry("server down")),
            _ => Ok(()),
        }
    }
}

/// How long the test's workers retry a failing job: short, so that a job
/// that keeps failing gives up within the test.
const RETRY_FOR: Duration = Duration::from_millis(600);

struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// `count` workers, each with its own pool and running four jobs at once,
    /// as separate instances would.
    fn start(database: &TestDatabase, runner: &Arc<Recorder>, count: usize) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let handles = (0..count)
            .map(|n| {
                let db = Db::open(&database.url, 2).expect("the database opens");
                let config = WorkerConfig {
                    name: format!("worker-{n}"),
                    idle_poll: Duration::from_millis(20),
                    lease: Duration::from_secs(60),
                    run_timeout: Duration::from_secs(50),
                    first_retry: Duration::from_secs(30),
                    retry_for: RETRY_FOR,
                    concurrency: 4,
                };
                let registry = Registry::new(runner.clone())
                    .register::<Fine>()
                    .register::<Flaky>()
                    .register::<Broken>()
                    .register::<Poison>()
                    .register::<Later>();
                tokio::spawn(run_worker(
                    db,
                    Arc::new(registry),
                    config,
                    Metrics::new(),
                    stopped.clone(),
                ))
            })
            .collect();
        Workers { stop, handles }
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        for handle in self.handles {
            handle.await.unwrap();
        }
    }
}

async fn enqueue(db: &Db, kind: &'static str, dedup_key: Option<String>) -> bool {
    db.run(move |conn| -> Result<bool, DbError> {
        let job = NewJob {
            kind,
            payload: "{}".into(),
            dedup_key,
            run_at: Utc::now(),
        };
        Ok(repo::enqueue(conn, &job, Utc::now())?)
    })
    .await
    .unwrap()
}

async fn statuses(db: &Db) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = db
        .run(|conn| -> Result<_, DbError> { Ok(repo::count_by_status(conn)?) })
        .await
        .unwrap()
        .into_iter()
        .map(|(status, n)| (status.stored().to_owned(), n))
        .collect();
    counts.sort();
    counts
}

async fn wait_for(db: &Db, expected: &[(&str, i64)]) {
    let expected: Vec<(String, i64)> = expected
        .iter()
        .map(|(s, n)| ((*s).to_owned(), *n))
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let now = statuses(db).await;
        if now == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs stuck at {now:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

backend_tests!(two_workers_run_each_of_many_jobs_exactly_once, multi_thread);
async fn two_workers_run_each_of_many_jobs_exactly_once(backend: TestBackend) {
    const N: usize = 300;
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    for _ in 0..N {
        enqueue(&db, "ok", None).await;
    }
    let runner = Arc::new(Recorder::default());
    let workers = Workers::start(&database, &runner, 2);
    wait_for(&db, &[("done", N as i64)]).await;
    workers.stop().await;

    let runs = runner.runs.lock().unwrap().clone();
    let mut ids: Vec<&String> = runs.iter().map(|(id, _)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        runs.len(),
        N,
        "{}: {} runs for {N} jobs",
        database.backend().name(),
        runs.len()
    );
    assert_eq!(ids.len(), N, "{}", database.backend().name());
    assert!(runs.iter().all(|(_, attempt)| *attempt == 1));
}

type Row = (
    String,
    String,
    i32,
    Option<String>,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
);

backend_tests!(failures_are_retried_and_recorded, multi_thread);
async fn failures_are_retried_and_recorded(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    enqueue(&db, "flaky", None).await;
    enqueue(&db, "broken", None).await;
    enqueue(&db, "poison", None).await;
    enqueue(&db, "later", None).await;
    let runner = Arc::new(Recorder::default());
    let workers = Workers::start(&database, &runner, 1);
    wait_for(&db, &[("done", 1), ("failed", 2), ("queued", 1)]).await;
    workers.stop().await;

    let rows = db
        .run(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            Ok(jobs
                .select((
                    kind,
                    status,
                    attempts,
                    last_error,
                    run_at,
                    failing_since,
                    finished_at,
                ))
                .load::<Row>(conn)?)
        })
        .await
        .unwrap();
    let find = |k: &str| rows.iter().find(|r| r.0 == k).unwrap().clone();
    let name = database.backend().name();

    let flaky = find("flaky");
    assert_eq!(
        (flaky.1.as_str(), flaky.2, flaky.3),
        ("done", 3, None),
        "{name}"
    );
    // Retried at once each time: it gives up when its time budget is
    // spent, not after a number of attempts.
    let broken = find("broken");
    assert_eq!(broken.1, "failed", "{name}");
    let failing = broken.6.unwrap() - broken.5.unwrap();
    assert!(
        failing.to_std().unwrap() >= RETRY_FOR && broken.2 > 3,
        "{name}: gave up after {failing} and {} attempts",
        broken.2
    );
    assert_eq!(broken.3.as_deref(), Some("still broken"), "{name}");
    let poison = find("poison");
    assert_eq!(
        (poison.1.as_str(), poison.2),
        ("failed", 1),
        "{name}: a permanent failure is not retried"
    );
    assert_eq!(poison.3.as_deref(), Some("cannot ever work"), "{name}");
    let later = find("later");
    assert_eq!((later.1.as_str(), later.2), ("queued", 1), "{name}");
    let wait = later.4.and_utc() - Utc::now();
    assert!(
        wait > chrono::Duration::seconds(25),
        "{name}: retried after only {wait}"
    );
}

backend_tests!(
    a_dead_workers_job_is_taken_over_when_its_lease_lapses,
    multi_thread
);
async fn a_dead_workers_job_is_taken_over_when_its_lease_lapses(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    enqueue(&db, "ok", None).await;
    // A worker claims it with a short lease and then "dies".
    let claimed = db
        .transaction(|conn| -> Result<_, DbError> {
            Ok(repo::claim(
                conn,
                "doomed",
                Utc::now(),
                chrono::Duration::milliseconds(200),
                4,
            )?)
        })
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let runner = Arc::new(Recorder::default());
    let workers = Workers::start(&database, &runner, 1);
    wait_for(&db, &[("done", 1)]).await;
    workers.stop().await;
    assert_eq!(
        runner.runs.lock().unwrap()[0].1,
        2,
        "{}: the second attempt",
        database.backend().name()
    );
}

backend_tests!(work_with_a_dedup_key_is_enqueued_once);
async fn work_with_a_dedup_key_is_enqueued_once(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    assert!(enqueue(&db, "ok", Some("mail:registration-1:confirm".into())).await);
    assert!(!enqueue(&db, "ok", Some("mail:registration-1:confirm".into())).await);
    assert!(enqueue(&db, "ok", Some("mail:registration-2:confirm".into())).await);
    // A duplicate inside a transaction does not spoil the transaction.
    let in_transaction = db
        .transaction(|conn| -> Result<bool, DbError> {
            let job = NewJob {
                kind: "ok",
                payload: "{}".into(),
                dedup_key: Some("mail:registration-1:confirm".into()),
                run_at: Utc::now(),
            };
            let first = repo::enqueue(conn, &job, Utc::now())?;
            let other = NewJob {
                dedup_key: Some("mail:registration-3:confirm".into()),
                ..job
            };
            Ok(!first && repo::enqueue(conn, &other, Utc::now())?)
        })
        .await
        .unwrap();
    assert!(in_transaction, "{}", database.backend().name());
    assert_eq!(
        statuses(&db).await,
        vec![("queued".to_owned(), 3)],
        "{}",
        database.backend().name()
    );
}

/// Asks for the keyed job to run (again), as a change to what it follows does.
async fn rerun(db: &Db) {
    db.transaction(|conn| -> Result<(), DbError> {
        let job = NewJob {
            kind: "ok",
            payload: "{}".into(),
            dedup_key: Some("zoom.meeting.sync:session-1".into()),
            run_at: Utc::now(),
        };
        Ok(repo::enqueue_or_rerun(conn, &job, Utc::now())?)
    })
    .await
    .unwrap();
}

/// Claims the job and finishes it, with a change while it runs or not.
async fn run_keyed(db: &Db, changed_meanwhile: bool) -> bool {
    let id = db
        .transaction(|conn| -> Result<String, DbError> {
            let lease = chrono::Duration::minutes(5);
            Ok(repo::claim(conn, "w", Utc::now(), lease, 1)?[0].id.clone())
        })
        .await
        .unwrap();
    if changed_meanwhile {
        rerun(db).await;
    }
    db.transaction(move |conn| -> Result<bool, DbError> {
        Ok(repo::finish(conn, &id, "w", Utc::now())?)
    })
    .await
    .unwrap()
}

backend_tests!(a_keyed_job_runs_again_after_a_change_it_may_have_missed);
/// Work that follows the latest state of something: one job per key,
/// queued again when done, and run once more when the state changed while
/// it ran (it may have read the state before the change).
async fn a_keyed_job_runs_again_after_a_change_it_may_have_missed(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    let name = database.backend().name();
    rerun(&db).await;
    rerun(&db).await;
    assert_eq!(
        statuses(&db).await,
        vec![("queued".to_owned(), 1)],
        "{name}"
    );
    assert!(run_keyed(&db, true).await);
    let once_more = statuses(&db).await;
    assert_eq!(once_more, vec![("queued".to_owned(), 1)], "{name}");
    assert!(run_keyed(&db, false).await);
    assert_eq!(statuses(&db).await, vec![("done".to_owned(), 1)], "{name}");
    rerun(&db).await;
    assert_eq!(
        statuses(&db).await,
        vec![("queued".to_owned(), 1)],
        "{name}"
    );
}

backend_tests!(a_change_committed_as_a_keyed_job_finishes_runs_it_again);
/// A change that asks for another run while the job runs, and whose
/// transaction is still open when the job finishes, still gets its run:
/// the job is queued again, not marked done over the request.
async fn a_change_committed_as_a_keyed_job_finishes_runs_it_again(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 3).unwrap();
    rerun(&db).await;
    let id = db
        .transaction(|conn| -> Result<String, DbError> {
            let lease = chrono::Duration::minutes(5);
            Ok(repo::claim(conn, "w", Utc::now(), lease, 1)?[0].id.clone())
        })
        .await
        .unwrap();
    let (asked, asked_for_a_run) = tokio::sync::oneshot::channel();
    let (commit, may_commit) = std::sync::mpsc::channel::<()>();
    let changing = db.clone();
    let change = tokio::spawn(async move {
        changing
            .run(move |conn| {
                conn.transaction(|conn| -> Result<(), DbError> {
                    let job = NewJob {
                        kind: "ok",
                        payload: "{}".into(),
                        dedup_key: Some("zoom.meeting.sync:session-1".into()),
                        run_at: Utc::now(),
                    };
                    repo::enqueue_or_rerun(conn, &job, Utc::now())?;
                    asked.send(()).unwrap();
                    // The rest of the change's transaction takes its time.
                    may_commit.recv().unwrap();
                    Ok(())
                })
            })
            .await
    });
    asked_for_a_run.await.unwrap();
    let finishing = db.clone();
    let finish = tokio::spawn(async move {
        finishing
            .transaction(move |conn| -> Result<bool, DbError> {
                Ok(repo::finish(conn, &id, "w", Utc::now())?)
            })
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    commit.send(()).unwrap();
    change.await.unwrap().unwrap();
    assert!(finish.await.unwrap().unwrap());
    assert_eq!(
        statuses(&db).await,
        vec![("queued".to_owned(), 1)],
        "{}: the change is run",
        database.backend().name()
    );
}

backend_tests!(a_keyed_job_that_fails_for_good_after_a_change_runs_again);
/// A change while the job ran is not dropped when the run then fails for
/// good: the change may be what it needed (a fixed setting, say).
async fn a_keyed_job_that_fails_for_good_after_a_change_runs_again(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    rerun(&db).await;
    let id = db
        .transaction(|conn| -> Result<String, DbError> {
            let lease = chrono::Duration::minutes(5);
            Ok(repo::claim(conn, "w", Utc::now(), lease, 1)?[0].id.clone())
        })
        .await
        .unwrap();
    rerun(&db).await;
    let recorded = db
        .transaction(move |conn| -> Result<bool, DbError> {
            Ok(repo::fail(conn, &id, "w", "refused", Utc::now(), None)?)
        })
        .await
        .unwrap();
    assert!(recorded);
    assert_eq!(
        statuses(&db).await,
        vec![("queued".to_owned(), 1)],
        "{}: the change is run",
        database.backend().name()
    );
}

backend_tests!(the_running_application_works_its_queue);
async fn the_running_application_works_its_queue(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    enqueue(&app.db, "unknown-kind", None).await;
    wait_for(&app.db, &[("failed", 1)]).await;
    let error = app
        .db
        .run(|conn| -> Result<_, DbError> {
            use bimtek::db::schema::jobs::dsl::*;
            use diesel::prelude::*;
            Ok(jobs.select(last_error).first::<Option<String>>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(
        error.as_deref(),
        Some("no handler for job kind \"unknown-kind\""),
        "{app}"
    );
}

/// Plans the keyed job for `at`, as a session's end plans its report.
async fn plan(db: &Db, at: chrono::DateTime<Utc>) {
    db.transaction(move |conn| -> Result<(), DbError> {
        let job = NewJob {
            kind: "ok",
            payload: "{}".into(),
            dedup_key: Some("zoom.reports.read:session-1".into()),
            run_at: at,
        };
        Ok(repo::reschedule(conn, &job, Utc::now())?)
    })
    .await
    .unwrap()
}

/// The keyed job's state and when it runs, to the millisecond.
async fn planned(db: &Db) -> (String, i64) {
    let job = db
        .run(|conn| -> Result<_, DbError> {
            Ok(repo::state_of(conn, "zoom.reports.read:session-1")?)
        })
        .await
        .unwrap()
        .expect("the job exists");
    (
        job.status.stored().to_owned(),
        job.run_at.timestamp_millis(),
    )
}

backend_tests!(a_job_due_at_a_time_follows_that_time_whatever_its_state);
/// Work due after something ends (a session's report): planned, moved
/// while queued, planned again once done, and run once more at the new
/// time when it was planned again while running.
async fn a_job_due_at_a_time_follows_that_time_whatever_its_state(backend: TestBackend) {
    let database = TestDatabase::create(&backend);
    let db = Db::open(&database.url, 2).unwrap();
    let name = database.backend().name();
    let later = Utc::now() + chrono::Duration::hours(2);
    let earlier = Utc::now() - chrono::Duration::minutes(5);
    let queued = |at: chrono::DateTime<Utc>| ("queued".to_owned(), at.timestamp_millis());
    plan(&db, later).await;
    assert_eq!(planned(&db).await, queued(later), "{name}");
    plan(&db, earlier).await;
    assert_eq!(planned(&db).await, queued(earlier), "{name}: moved sooner");

    let claim = || async {
        db.transaction(|conn| -> Result<String, DbError> {
            let lease = chrono::Duration::minutes(5);
            Ok(repo::claim(conn, "w", Utc::now(), lease, 1)?[0].id.clone())
        })
        .await
        .unwrap()
    };
    let finish = |id: String| async {
        db.transaction(move |conn| -> Result<bool, DbError> {
            Ok(repo::finish(conn, &id, "w", Utc::now())?)
        })
        .await
        .unwrap()
    };
    let id = claim().await;
    plan(&db, later).await;
    assert!(finish(id).await);
    assert_eq!(
        planned(&db).await,
        queued(later),
        "{name}: planned again while it ran, it runs again then"
    );
    plan(&db, earlier).await;
    let id = claim().await;
    assert!(finish(id).await);
    assert_eq!(planned(&db).await.0, "done", "{name}");
    plan(&db, later).await;
    assert_eq!(planned(&db).await, queued(later), "{name}: planned anew");
}
