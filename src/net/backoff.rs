//! Reconnect delays: exponential from 500 ms, capped at 10 s, with jitter so a
//! server restart is not met by every viewer reconnecting in the same instant.

const FIRST_MS: u32 = 500;
const CAP_MS: u32 = 10_000;

/// Delay before the next reconnect attempt.
#[derive(Debug, Default)]
pub struct Backoff {
    attempt: u32,
}

impl Backoff {
    /// The next delay; `random` in 0..1 picks a point in the upper half of the window.
    pub fn next_delay_ms(&mut self, random: f64) -> u32 {
        let ceiling = FIRST_MS
            .saturating_mul(1 << self.attempt.min(5))
            .min(CAP_MS);
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        half + (f64::from(half) * random.clamp(0.0, 1.0)) as u32
    }

    /// A healthy connection (a `Welcome` arrived): start again from the shortest delay.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_to_the_cap_and_resets() {
        let mut backoff = Backoff::default();
        let delays: Vec<u32> = (0..8).map(|_| backoff.next_delay_ms(1.0)).collect();
        assert_eq!(
            delays,
            [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]
        );
        backoff.reset();
        assert_eq!(backoff.next_delay_ms(1.0), 500);
    }

    #[test]
    fn jitter_stays_within_the_upper_half() {
        let mut backoff = Backoff::default();
        assert_eq!(backoff.next_delay_ms(0.0), 250);
        let mut backoff = Backoff::default();
        assert_eq!(
            backoff.next_delay_ms(7.0),
            500,
            "out-of-range randomness is clamped"
        );
    }
}
