//! A per-address allowance for the public registration form: enough for an
//! office registering its staff from one connection, too little for a
//! script. Kept in memory: each instance counts for itself, and a restart
//! forgives everyone, which costs nothing here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Beyond this many addresses, windows that have ended are dropped.
const PRUNE_AT: usize = 10_000;

pub struct RateLimit {
    per_window: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    /// `per_minute` 0: no limit.
    pub fn per_minute(per_minute: u32) -> RateLimit {
        RateLimit {
            per_window: per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt from `address`; over the allowance, how long
    /// until its window ends.
    pub fn allow(&self, address: Option<&str>, now: Instant) -> Result<(), Duration> {
        if self.per_window == 0 {
            return Ok(());
        }
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let window = windows
            .entry(address.unwrap_or("").to_owned())
            .or_insert((now, 0));
        if now.duration_since(window.0) >= WINDOW {
            *window = (now, 0);
        }
        window.1 += 1;
        if window.1 <= self.per_window {
            Ok(())
        } else {
            Err(WINDOW - now.duration_since(window.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_allowance_per_minute() {
        let limit = RateLimit::per_minute(2);
        let start = Instant::now();
        assert_eq!(limit.allow(Some("10.0.0.1"), start), Ok(()));
        assert_eq!(limit.allow(Some("10.0.0.1"), start), Ok(()));
        let later = start + Duration::from_secs(20);
        assert_eq!(
            limit.allow(Some("10.0.0.1"), later),
            Err(Duration::from_secs(40)),
            "the wait is what is left of the window"
        );
        assert_eq!(limit.allow(Some("10.0.0.2"), start), Ok(()));
        assert_eq!(limit.allow(Some("10.0.0.1"), start + WINDOW), Ok(()));
        let unlimited = RateLimit::per_minute(0);
        assert!((0..100).all(|_| unlimited.allow(None, start).is_ok()));
    }
}
