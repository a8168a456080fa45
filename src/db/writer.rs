//! SQLite's writing, done by one thread with group commit.
//!
//! SQLite lets one connection write at a time. When every pooled connection
//! races for that lock, the losers sleep in SQLite's busy handler (1, 2, 5,
//! 10 ms …) instead of being woken when the lock is free, and every write
//! transaction pays for its own commit. Measured under a registration burst,
//! the lock was idle between holders while most connections slept, and each
//! registration committed about 23 WAL pages.
//!
//! So a process writes through one thread that owns one connection. It takes
//! whatever work has queued up while it was busy, runs each piece in its own
//! savepoint inside one `BEGIN IMMEDIATE` transaction, and commits them
//! together. Each caller still gets its own outcome: work that fails is
//! rolled back to its savepoint without touching the others, and nobody
//! hears "done" before the commit that makes it durable has succeeded.
//! Consecutive rows share the right-most pages of every index (the keys are
//! time-ordered), so the WAL written per piece of work falls sharply.

use std::panic::{AssertUnwindSafe, catch_unwind};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use tokio::sync::{mpsc, oneshot};

use super::wakeup::{Wakeup, take_mark};
use super::{DbConnection, DbError, Manager};
use diesel::r2d2::ManageConnection;

/// At most this many pieces of work share a commit, so that one commit's
/// latency stays bounded when the queue is long.
const MAX_BATCH: usize = 64;

/// Runs one caller's work inside the open transaction, in a savepoint
/// unless it is alone in its batch, and returns whether it succeeded and how
/// to tell the caller once the commit's outcome is known.
type Task = Box<dyn FnOnce(&mut DbConnection, Alone) -> (bool, Settle) + Send>;
type Settle = Box<dyn FnOnce(Result<(), &str>) + Send>;

/// Work alone in its batch needs no savepoint: the transaction is its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alone {
    Yes,
    No,
}

/// The queue to the writing thread. Cloning shares the thread; it ends when
/// the last clone is dropped.
#[derive(Clone)]
pub struct Writer {
    tasks: mpsc::UnboundedSender<Task>,
    wakeup: Wakeup,
}

impl Writer {
    pub fn start(manager: Manager, wakeup: Wakeup) -> std::io::Result<Writer> {
        let (tasks, queue) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_forever(&manager, queue))?;
        Ok(Writer { tasks, wakeup })
    }

    /// Runs `work` in a savepoint of the next group commit; its result
    /// arrives after that commit succeeded (or as the commit's error).
    pub async fn transaction<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let (reply, outcome) = oneshot::channel();
        let wakeup = self.wakeup.clone();
        let task: Task = Box::new(move |conn, alone| {
            take_mark();
            let result = match alone {
                Alone::Yes => work(conn),
                Alone::No => conn.transaction(work),
            };
            let enqueued = take_mark();
            let succeeded = result.is_ok();
            let settle: Settle = Box::new(move |committed| {
                let result = match committed {
                    Ok(()) => result,
                    Err(reason) => result.and(Err(E::from(DbError::Commit(reason.to_owned())))),
                };
                if enqueued && result.is_ok() {
                    wakeup.ring();
                }
                let _ = reply.send(result);
            });
            (succeeded, settle)
        });
        self.tasks.send(task).map_err(|_| DbError::Cancelled)?;
        outcome.await.map_err(|_| E::from(DbError::Cancelled))?
    }
}

fn write_forever(manager: &Manager, mut queue: mpsc::UnboundedReceiver<Task>) {
    let mut conn: Option<DbConnection> = None;
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(task) => batch.push(task),
                Err(_) => break,
            }
        }
        if conn.as_mut().is_none_or(|c| manager.has_broken(c)) {
            conn = match manager.connect() {
                Ok(fresh) => Some(fresh),
                Err(error) => {
                    // Dropping the batch tells each caller its work was not done.
                    tracing::error!(%error, "the SQLite writer cannot connect");
                    continue;
                }
            };
        }
        let Some(open) = conn.as_mut() else { continue };
        // A panic in someone's work leaves the transaction in an unknown
        // state: the connection is closed, which rolls back the whole batch,
        // and every caller in it hears that its work was not done.
        if catch_unwind(AssertUnwindSafe(|| commit_together(open, batch))).is_err() {
            tracing::error!("work in a write transaction panicked; its batch was rolled back");
            conn = None;
        }
    }
}

fn commit_together(conn: &mut DbConnection, batch: Vec<Task>) {
    type Transactions = <DbConnection as Connection>::TransactionManager;
    let DbConnection::Sqlite(sqlite) = conn else {
        unreachable!("the writer serves SQLite only")
    };
    if let Err(error) = AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE") {
        tracing::error!(%error, "the SQLite writer cannot begin a transaction");
        return;
    }
    let alone = if batch.len() == 1 {
        Alone::Yes
    } else {
        Alone::No
    };
    let mut failed_alone = false;
    let settles: Vec<Settle> = batch
        .into_iter()
        .map(|task| {
            let (succeeded, settle) = task(conn, alone);
            failed_alone |= alone == Alone::Yes && !succeeded;
            settle
        })
        .collect();
    let committed = if failed_alone {
        // The work's own error is what its caller hears.
        let _ = Transactions::rollback_transaction(conn);
        Ok(())
    } else {
        Transactions::commit_transaction(conn).map_err(|error| {
            let _ = Transactions::rollback_transaction(conn);
            error.to_string()
        })
    };
    for settle in settles {
        settle(committed.as_ref().map(|_| ()).map_err(String::as_str));
    }
}
