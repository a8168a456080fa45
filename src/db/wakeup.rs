//! Waking this process's job worker when work that queued a job commits,
//! so that a new registration's e-mail leaves at once rather than at the
//! worker's next poll, without anyone having to remember to ring.
//!
//! The enqueueing code holds only a connection, not the [`Db`](super::Db)
//! that commits, so it leaves a mark on its thread; the code that ran the
//! work on that thread rings once the commit has succeeded. A mark left by
//! work that then rolled back costs one needless look at the queue.

use std::cell::Cell;
use std::sync::Arc;

use tokio::sync::Notify;

thread_local! {
    static ENQUEUED: Cell<bool> = const { Cell::new(false) };
}

/// Called by whatever writes a due job row.
pub fn wake_workers_on_commit() {
    ENQUEUED.set(true);
}

/// Clears the mark and says whether it was set.
pub(super) fn take_mark() -> bool {
    ENQUEUED.replace(false)
}

#[derive(Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    pub fn ring(&self) {
        self.0.notify_waiters();
    }

    /// Woken by the next ring; a ring before the future is polled counts
    /// only once it is `enable`d.
    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.notified()
    }

    /// Runs `work` (on this thread, whose mark it then owns) and rings if
    /// it succeeded and queued a job. For work that commits as it returns:
    /// autocommit statements, or a whole transaction.
    pub(super) fn after<T, E>(&self, work: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        take_mark();
        let result = work();
        if take_mark() && result.is_ok() {
            self.ring();
        }
        result
    }
}
