//! Where each segment goes on the media timeline.
//!
//! A segment or part that starts a stretch (the first one, one after a
//! discontinuity, a new init section, a skipped segment, a seek or a
//! rendition switch) is placed at its programme date-time: media time =
//! programme − anchor. The segments and parts after it are appended where
//! their own timestamps put them, straight after it, for as long as that
//! agrees with their programme date-times.
// why: placing a segment sets `timestampOffset`, which in "sequence" mode
// starts a new coded frame group, and Chromium then never presents the
// frames between the keyframe and the next reference frame (the B-frames of
// the segment's first mini-GOP): measured with ffmpeg's 1 s segments of a
// 24 fps stream, 3 frames of every 24 went missing, the picture froze for
// 167 ms each second, and a tag due in that hole showed up to 4 frames late.
// Appended without a new offset, the frames follow the previous segment's as
// the encoder timed them; the packager's durations are those timestamps, so
// the programme clock still holds.

/// How far the stretch may drift from the programme date-times (seconds)
/// before the next segment is placed again: well under a frame.
const MAX_DRIFT: f64 = 0.02;

/// The stretch of adjacent segments and parts appended so far.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stretch {
    /// Media time where the next one starts, by the durations of the
    /// stretch's segments from where its first one was placed.
    next_at: f64,
}

/// Decides, segment by segment, whether to place it or let it follow.
#[derive(Debug, Default)]
pub struct Placement {
    stretch: Option<Stretch>,
}

impl Placement {
    /// A segment or part `duration` seconds long starts at media time `at` by
    /// its programme date-time; `follows` is false when it does not come
    /// straight after the last one loaded (one was skipped) or begins anew (a
    /// discontinuity or a new init section). Returns `Some(at)` to place it
    /// there, `None` to append it straight after the last one.
    pub fn place(&mut self, at: f64, duration: f64, follows: bool) -> Option<f64> {
        let continues = follows
            && self
                .stretch
                .is_some_and(|s| (s.next_at - at).abs() <= MAX_DRIFT);
        let start = match self.stretch {
            Some(s) if continues => s.next_at,
            _ => at,
        };
        self.stretch = Some(Stretch {
            next_at: start + duration,
        });
        (!continues).then_some(at)
    }

    /// The last append failed, or the loader moved (a seek, a restart, a
    /// rendition switch): the next segment is placed.
    pub fn forget(&mut self) {
        self.stretch = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_segment_is_placed_and_the_next_ones_follow_it() {
        let mut placement = Placement::default();
        assert_eq!(placement.place(0.0, 1.0, true), Some(0.0));
        assert_eq!(placement.place(1.0, 1.0, true), None);
        assert_eq!(placement.place(2.0, 1.015, true), None);
        assert_eq!(placement.place(3.015, 1.0, true), None);
    }

    #[test]
    fn a_discontinuity_or_a_new_init_section_is_placed() {
        let mut placement = Placement::default();
        placement.place(0.0, 1.0, true);
        assert_eq!(placement.place(9.0, 1.0, false), Some(9.0));
        assert_eq!(placement.place(10.0, 1.0, true), None);
    }

    #[test]
    fn a_skipped_segment_places_the_next_one() {
        let mut placement = Placement::default();
        placement.place(0.0, 1.0, true);
        assert_eq!(placement.place(2.0, 1.0, true), Some(2.0));
    }

    #[test]
    fn programme_times_that_drift_from_the_durations_are_followed() {
        let mut placement = Placement::default();
        placement.place(0.0, 1.0, true);
        // A millisecond of rounding in the playlist's date-times: it follows.
        assert_eq!(placement.place(1.001, 1.0, true), None);
        // The date-times move 15 ms a segment away from the durations: the
        // stretch is placed again whenever it is more than MAX_DRIFT off.
        let mut placed = Vec::new();
        for (i, seq) in (12..20).enumerate() {
            let at = 2.0 + i as f64 + 0.015 * (i as f64 + 1.0);
            if placement.place(at, 1.0, true).is_some() {
                placed.push(seq);
            }
        }
        assert_eq!(placed, [13, 15, 17, 19]);
    }

    #[test]
    fn forgetting_places_the_next_segment() {
        let mut placement = Placement::default();
        placement.place(0.0, 1.0, true);
        placement.forget();
        assert_eq!(placement.place(1.0, 1.0, true), Some(1.0));
    }
}
