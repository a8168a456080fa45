//! Slowing down guessing (passwords, check-in codes) by counting failures
//! in two scopes: one person at one thing (an account from an address, a
//! participant at a session), where the first few failures cost nothing and
//! each further one waits twice as long as the last; and one client address
//! whatever it tries, cut off after many failures in a short window.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How many failures each scope allows, and how long they then wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// How far back a pair's failures count.
    pub pair_window: Duration,
    pub pair_free_failures: i64,
    pub pair_first_wait: Duration,
    pub pair_longest_wait: Duration,
    /// A sliding window: one more attempt is allowed when its oldest
    /// failure leaves it.
    pub address_window: Duration,
    pub address_failures: i64,
}

/// Failures (attempts being checked count as failed) in one scope within
/// its window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub oldest: Option<DateTime<Utc>>,
    pub latest: Option<DateTime<Utc>>,
}

impl Allowance {
    /// How long an attempt must wait, given the failures of its pair and of
    /// its address; `None`: it may be checked now.
    pub fn wait(
        &self,
        pair: &Failures,
        address: &Failures,
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        let pair_wait = (pair.count >= self.pair_free_failures)
            .then(|| {
                let doublings =
                    u32::try_from(pair.count - self.pair_free_failures).unwrap_or(u32::MAX);
                let wait = self
                    .pair_first_wait
                    .saturating_mul(2u32.saturating_pow(doublings))
                    .min(self.pair_longest_wait);
                remaining(pair.latest, wait, now)
            })
            .flatten();
        let address_wait = (address.count >= self.address_failures)
            .then(|| remaining(address.oldest, self.address_window, now))
            .flatten();
        pair_wait.max(address_wait)
    }
}

fn remaining(since: Option<DateTime<Utc>>, wait: Duration, now: DateTime<Utc>) -> Option<Duration> {
    let until = since? + chrono::Duration::from_std(wait).ok()?;
    (until - now).to_std().ok().filter(|left| !left.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWANCE: Allowance = Allowance {
        pair_window: Duration::from_secs(24 * 3600),
        pair_free_failures: 5,
        pair_first_wait: Duration::from_secs(60),
        pair_longest_wait: Duration::from_secs(15 * 60),
        address_window: Duration::from_secs(15 * 60),
        address_failures: 20,
    };

    #[test]
    fn guessing_waits_longer_each_time_per_pair_and_is_cut_off_per_address() {
        let now = Utc::now();
        let ago = |seconds| Some(now - chrono::Duration::seconds(seconds));
        let failures = |count, oldest, latest| Failures {
            count,
            oldest: ago(oldest),
            latest: ago(latest),
        };
        let none = Failures::default();
        let wait = |pair: &Failures, address: &Failures| ALLOWANCE.wait(pair, address, now);
        assert_eq!(wait(&failures(4, 100, 0), &none), None);
        assert_eq!(
            wait(&failures(5, 100, 0), &none),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            wait(&failures(6, 100, 30), &none),
            Some(Duration::from_secs(90))
        );
        assert_eq!(wait(&failures(5, 100, 60), &none), None);
        assert_eq!(
            wait(&failures(40, 9000, 0), &none),
            Some(ALLOWANCE.pair_longest_wait)
        );
        assert_eq!(
            wait(&none, &failures(20, 800, 0)),
            Some(Duration::from_secs(100))
        );
        assert_eq!(wait(&none, &failures(19, 800, 0)), None);
        assert_eq!(wait(&none, &failures(20, 900, 0)), None);
    }
}
