//! Sliding-window failure counter: after `max` failures of a key within `window`, the key
//! is limited until the oldest failure leaves the window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Failure counter per key (account e-mail, client IP…).
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl RateLimiter {
    /// At most `max` failures per key in `window`.
    pub fn new(max: usize, window: Duration) -> RateLimiter {
        RateLimiter {
            max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Five failures in fifteen minutes, as for sign-in.
    pub fn login() -> RateLimiter {
        RateLimiter::new(5, Duration::minutes(15))
    }

    /// Whether any of `keys` reached the limit at `now`.
    pub fn is_limited(&self, keys: &[&str], now: DateTime<Utc>) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().any(|k| match map.get_mut(*k) {
            Some(q) => {
                prune(q, now - self.window);
                q.len() >= self.max
            }
            None => false,
        })
    }

    /// Counts one failure for each of `keys`.
    pub fn record_failure(&self, keys: &[&str], now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Forget keys whose failures are all old, so the map does not grow forever.
        if map.len() > 10_000 {
            let horizon = now - self.window;
            map.retain(|_, q| q.back().is_some_and(|t| *t > horizon));
        }
        for k in keys {
            let q = map.entry((*k).to_string()).or_default();
            prune(q, now - self.window);
            q.push_back(now);
        }
    }

    /// Forgets the failures of `key` (after a successful sign-in of that account).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

fn prune(q: &mut VecDeque<DateTime<Utc>>, horizon: DateTime<Utc>) {
    while q.front().is_some_and(|t| *t <= horizon) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn five_failures_limit_until_the_window_slides() {
        let rl = RateLimiter::login();
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .expect("t0");
        for i in 0..4 {
            rl.record_failure(&["a@x", "ip:1"], t0 + Duration::minutes(i));
            assert!(!rl.is_limited(&["a@x"], t0 + Duration::minutes(i)));
        }
        rl.record_failure(&["a@x", "ip:1"], t0 + Duration::minutes(4));
        assert!(rl.is_limited(&["a@x"], t0 + Duration::minutes(5)));
        assert!(rl.is_limited(&["other@x", "ip:1"], t0 + Duration::minutes(5)));
        assert!(!rl.is_limited(&["other@x", "ip:2"], t0 + Duration::minutes(5)));
        // The first failure leaves the window 15 minutes after it happened.
        assert!(!rl.is_limited(&["a@x"], t0 + Duration::minutes(15)));
        rl.clear("a@x");
        assert!(!rl.is_limited(&["a@x"], t0 + Duration::minutes(5)));
    }
}
