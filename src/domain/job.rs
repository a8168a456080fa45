//! Rules of the job queue: its states and how long to wait before a retry.

use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
    ];
}

pub const FIRST_RETRY: Duration = Duration::from_secs(30);
const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// Wait before retry number `attempt` (1-based): `first` (normally 30 s)
/// doubling up to an hour. `jitter` in [0, 1) spreads retries by up to
/// +25 % so that a recovered server is not hit by every waiting job in the
/// same second.
pub fn retry_delay(attempt: u32, first: Duration, jitter: f64) -> Duration {
    base_delay(attempt, first).mul_f64(1.0 + 0.25 * jitter.clamp(0.0, 1.0))
}

const fn base_delay(attempt: u32, first: Duration) -> Duration {
    let doublings = attempt.saturating_sub(1);
    let doublings = if doublings > 16 { 16 } else { doublings };
    let base = first.saturating_mul(1 << doublings);
    if base.as_nanos() > LONGEST_WAIT.as_nanos() {
        LONGEST_WAIT
    } else {
        base
    }
}

/// How long a job keeps trying while a server it needs is down or asks
/// it to wait: an outage over a night delays work, it does not lose it.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);

/// Whether a job that failed again at `now` may try once more: while the
/// other side is away or slowing it down, a job retries for `budget`
/// counted from the first failure of the run of failures (`since`; `None`
/// when this is the first). Counted in time, not attempts: a server that
/// asks for a second's pause forty times has not been down for a day.
pub fn may_retry(since: Option<DateTime<Utc>>, budget: Duration, now: DateTime<Utc>) -> bool {
    let since = since.unwrap_or(now);
    let budget = chrono::Duration::from_std(budget).unwrap_or(chrono::Duration::MAX);
    // A budget past the end of time never runs out.
    since.checked_add_signed(budget).is_none_or(|end| now < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_then_cap() {
        let delays: Vec<u64> = (1..=9)
            .map(|a| retry_delay(a, FIRST_RETRY, 0.0).as_secs())
            .collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(u32::MAX, FIRST_RETRY, 0.0), LONGEST_WAIT);
        assert_eq!(
            retry_delay(3, Duration::from_millis(100), 0.0),
            Duration::from_millis(400)
        );
    }

    #[test]
    fn jitter_adds_at_most_a_quarter() {
        assert_eq!(
            retry_delay(1, FIRST_RETRY, 1.0),
            Duration::from_millis(37_500)
        );
        assert_eq!(
            retry_delay(1, FIRST_RETRY, 7.0),
            Duration::from_millis(37_500)
        );
    }

    #[test]
    fn retries_last_as_long_as_the_budget_however_many_they_are() {
        let since = DateTime::parse_from_rfc3339("2026-12-05T08:00:00Z")
            .unwrap()
            .to_utc();
        let budget = Duration::from_secs(3600);
        assert!(may_retry(None, budget, since));
        assert!(may_retry(
            Some(since),
            budget,
            since + chrono::Duration::minutes(59)
        ));
        assert!(!may_retry(
            Some(since),
            budget,
            since + chrono::Duration::minutes(60)
        ));
        assert!(!may_retry(None, Duration::ZERO, since));
        assert!(may_retry(
            Some(since),
            Duration::MAX,
            since + chrono::Duration::days(400)
        ));
    }
}
