//! Per-connection limits: a token bucket for frames and an idle timeout.
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

    /// Takes a token at `now`; false when the bucket is empty.
    pub fn take(&mut self, now: Instant) -> bool {
        if let Some(last) = self.last {
            let refill = now.duration_since(last).as_secs_f64() * self.per_second;
            self.tokens = (self.tokens + refill).min(self.capacity);
        }
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
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
}
