//! Per-connection limits (a token bucket for frames and an idle timeout) and
//! per-session ones ([`Throttle`]), which a viewer cannot escape by opening tabs.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How much a connection may do (set from [`Config`](crate::Config)).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Frames a connection may send in a burst.
    pub burst: u32,
    /// Frames per second it may keep sending.
    pub per_second: u32,
    /// A connection silent this long is closed (viewers ping every 10 s).
    pub idle: Duration,
}

/// A token bucket: `capacity` tokens, refilled at `per_second`.
#[derive(Debug)]
pub struct TokenBucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    last: Option<Instant>,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(capacity: u32, per_second: u32) -> Self {
        let capacity = f64::from(capacity);
        TokenBucket {
            tokens: capacity,
            capacity,
            per_second: f64::from(per_second),
            last: None,
        }
    }

    /// A full bucket of `capacity` tokens that gets one back every `every`.
    pub fn every(capacity: u32, every: Duration) -> Self {
        TokenBucket {
            per_second: 1.0 / every.as_secs_f64(),
            ..TokenBucket::new(capacity, 0)
        }
    }

    /// Tokens at `now`.
    fn tokens(&self, now: Instant) -> f64 {
        let refill = self.last.map_or(0.0, |last| {
            now.duration_since(last).as_secs_f64() * self.per_second
        });
        (self.tokens + refill).min(self.capacity)
    }

    /// Takes a token at `now`; false when the bucket is empty.
    pub fn take(&mut self, now: Instant) -> bool {
        self.tokens = self.tokens(now);
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Sessions kept before full (idle) buckets are dropped.
const THROTTLE_PRUNE_AT: usize = 4_096;

/// A token bucket per session: a burst of `capacity`, then one every `every`.
/// Buckets that have refilled are forgotten once many sessions have one, so
/// memory follows the sessions active lately, not all sessions ever seen.
pub struct Throttle<K = i64> {
    capacity: u32,
    every: Duration,
    buckets: Mutex<HashMap<K, TokenBucket>>,
}

impl<K: std::hash::Hash + Eq> Throttle<K> {
    /// A throttle allowing `capacity` at once, then one every `every`.
    pub fn new(capacity: u32, every: Duration) -> Throttle<K> {
        Throttle {
            capacity,
            every,
            buckets: Mutex::default(),
        }
    }

    /// Takes one of the session's tokens at `now`; false when it has none left.
    pub fn take(&self, session: K, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= THROTTLE_PRUNE_AT {
            buckets.retain(|_, bucket| bucket.tokens(now) < bucket.capacity);
        }
        buckets
            .entry(session)
            .or_insert_with(|| TokenBucket::every(self.capacity, self.every))
            .take(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_the_rate_applies() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(3, 2);
        assert!((0..3).all(|_| bucket.take(start)));
        assert!(!bucket.take(start), "the burst is spent");
        assert!(
            bucket.take(start + Duration::from_millis(500)),
            "one token back after 0.5 s at 2/s"
        );
        assert!(!bucket.take(start + Duration::from_millis(500)));
        assert!(
            (0..3).all(|_| bucket.take(start + Duration::from_secs(60))),
            "refills only to capacity"
        );
        assert!(!bucket.take(start + Duration::from_secs(60)));
    }

    #[test]
    fn a_throttle_limits_each_session_on_its_own() {
        let start = Instant::now();
        let throttle = Throttle::new(2, Duration::from_secs(2));
        assert!(throttle.take(1, start) && throttle.take(1, start));
        assert!(!throttle.take(1, start), "session 1 spent its burst");
        assert!(throttle.take(2, start), "session 2 has its own");
        assert!(!throttle.take(1, start + Duration::from_millis(1_900)));
        assert!(throttle.take(1, start + Duration::from_millis(4_000)));
    }
}
