//! The programme clock of a run: the server time its first frame stands for.
//! Every segment's `EXT-X-PROGRAM-DATE-TIME` and every pin is measured from
//! it, so an error in it is carried by every viewer for the whole run.
//!
//! Taking the first frame's arrival alone is fragile: an encoder that sends its
//! first frame late (a slow first keyframe, a connection that stalls while it
//! opens) would date the whole run that much late. Instead each frame of the
//! run's first [`SETTLE_MS`] of stream time proposes `arrival − (timestamp −
//! first timestamp)`, the arrival it says the first frame would have had, and
//! the earliest proposal wins: one frame that arrives on time is enough. All
//! of them arrive before the run's first segment closes, so no listed
//! programme time moves.

/// Stream time (ms) over which proposals are taken: a segment's length.
pub const SETTLE_MS: u32 = 1_000;

/// A run's programme clock as its first frames arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    first_timestamp: u32,
    /// Server time (unix ms) of the run's first frame.
    pub first_frame_ms: i64,
}

impl Clock {
    /// The clock of a run whose first frame (stream time `timestamp`) arrived
    /// at `arrived_ms`.
    pub fn new(timestamp: u32, arrived_ms: i64) -> Clock {
        Clock {
            first_timestamp: timestamp,
            first_frame_ms: arrived_ms,
        }
    }

    /// Takes a later frame's arrival into account; `true` when the clock moved
    /// earlier.
    pub fn observe(&mut self, timestamp: u32, arrived_ms: i64) -> bool {
        let since = timestamp.wrapping_sub(self.first_timestamp);
        if since >= SETTLE_MS {
            return false;
        }
        let proposed = arrived_ms - i64::from(since);
        let earlier = proposed < self.first_frame_ms;
        if earlier {
            self.first_frame_ms = proposed;
        }
        earlier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_first_frame_does_not_delay_the_clock() {
        // The first frame arrives 700 ms late; the next ones on time, 40 ms apart.
        let mut clock = Clock::new(5_000, 10_700);
        for frame in 1..25_i64 {
            clock.observe(5_000 + 40 * frame as u32, 10_000 + 40 * frame);
        }
        assert_eq!(clock.first_frame_ms, 10_000);
    }

    #[test]
    fn frames_after_the_first_second_and_late_ones_do_not_move_it() {
        let mut clock = Clock::new(0, 10_000);
        // Late frames propose later times: ignored.
        assert!(!clock.observe(40, 10_300));
        // A frame past the settling second cannot move it, however early.
        assert!(!clock.observe(SETTLE_MS, 10_000));
        assert_eq!(clock.first_frame_ms, 10_000);
        // An early one within it does.
        assert!(clock.observe(500, 10_450));
        assert_eq!(clock.first_frame_ms, 9_950);
    }
}
