//! Sign-in throttling: after [`FAILURES`] wrong passwords for one email, or
//! from one address, within [`WINDOW_MS`], further tries are refused until the
//! window has passed, right or wrong, without checking the password.

use std::collections::HashMap;
use std::sync::Mutex;

/// Wrong passwords allowed per window, per email and per client address.
pub const FAILURES: u32 = 5;
/// The window, in ms.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Keys remembered at most; the oldest windows are forgotten first.
// why: every key is chosen by whoever signs in, so the map needs a bound.
const MAX_KEYS: usize = 10_000;

/// Failure counts by key (`email:…`, `ip:…`).
#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    started_ms: i64,
    failures: u32,
}

impl Throttle {
    /// Milliseconds until any of `keys` may try again, if one is locked now.
    pub fn locked(&self, keys: &[String], now_ms: i64) -> Option<i64> {
        let windows = self.windows.lock().expect("throttle lock");
        keys.iter()
            .filter_map(|key| windows.get(key))
            .filter(|w| w.failures >= FAILURES && now_ms - w.started_ms < WINDOW_MS)
            .map(|w| w.started_ms + WINDOW_MS - now_ms)
            .max()
    }

    /// Counts a wrong password against each of `keys`.
    pub fn failed(&self, keys: &[String], now_ms: i64) {
        let mut windows = self.windows.lock().expect("throttle lock");
        windows.retain(|_, w| now_ms - w.started_ms < WINDOW_MS);
        for key in keys {
            if windows.len() >= MAX_KEYS && !windows.contains_key(key) {
                let oldest = windows.iter().min_by_key(|(_, w)| w.started_ms);
                if let Some(oldest) = oldest.map(|(k, _)| k.clone()) {
                    windows.remove(&oldest);
                }
            }
            let window = windows.entry(key.clone()).or_insert(Window {
                started_ms: now_ms,
                failures: 0,
            });
            window.failures += 1;
        }
    }

    /// A right password clears the email's count (not the address's: one
    /// attacker's good account must not reset its guesses at others).
    pub fn succeeded(&self, email_key: &str) {
        self.windows
            .lock()
            .expect("throttle lock")
            .remove(email_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(email: &str, ip: &str) -> Vec<String> {
        vec![format!("email:{email}"), format!("ip:{ip}")]
    }

    #[test]
    fn five_failures_lock_the_email_for_the_window() {
        let throttle = Throttle::default();
        let k = keys("a@x", "1.1.1.1");
        for _ in 0..FAILURES {
            assert_eq!(throttle.locked(&k, 0), None);
            throttle.failed(&k, 0);
        }
        assert_eq!(throttle.locked(&k, 1000), Some(WINDOW_MS - 1000));
        assert_eq!(
            throttle.locked(&keys("a@x", "2.2.2.2"), 1000),
            Some(WINDOW_MS - 1000),
            "another address, same email"
        );
        assert_eq!(
            throttle.locked(&keys("b@x", "1.1.1.1"), 1000),
            Some(WINDOW_MS - 1000),
            "same address, another email"
        );
        assert_eq!(throttle.locked(&keys("b@x", "2.2.2.2"), 1000), None);
        assert_eq!(throttle.locked(&k, WINDOW_MS), None, "the window passed");
    }

    #[test]
    fn memory_stays_bounded_under_many_emails() {
        let throttle = Throttle::default();
        for i in 0..(MAX_KEYS + 500) {
            throttle.failed(&[format!("email:{i}")], i as i64);
        }
        assert!(throttle.windows.lock().unwrap().len() <= MAX_KEYS);
    }
}
