//! Buffer housekeeping: what to remove behind the playhead, how much is
//! buffered ahead, and where to seek when playback sits in front of a hole.
//! Pure; the driver passes the video's buffered ranges as `(start, end)` pairs.

/// Seconds kept behind the playhead (a short rewind, and memory bounded on long shows).
pub const KEEP_BEHIND: f64 = 30.0;
/// Trim only once this much more has piled up, so removals are few and large.
const TRIM_SLACK: f64 = 10.0;
/// Holes up to this long are skipped; longer ones mean data is still coming.
pub const MAX_GAP: f64 = 3.0;
/// Playback stuck within this distance of a range's end counts as at the end.
const END_EPSILON: f64 = 0.15;
/// A stuck playhead with less than this ahead counts as at the range's end.
const STUCK_AHEAD: f64 = 0.5;
/// Seeks land this far inside the next range, past its first partial frame.
const LAND_INSIDE: f64 = 0.05;
/// How far a range may fall short of a segment's ends and still hold it:
/// audio and video frames end a few milliseconds apart.
const HOLD_SLACK: f64 = 0.1;

/// Range to remove behind `time`, if enough has accumulated. It ends
/// [`KEEP_BEHIND`] before `time`: nothing ahead of the playhead goes, even
/// when a seek back left ranges there.
pub fn trim(ranges: &[(f64, f64)], time: f64) -> Option<(f64, f64)> {
    let start = ranges.first()?.0;
    let keep_from = time - KEEP_BEHIND;
    (keep_from - start > TRIM_SLACK).then_some((start, keep_from))
}

/// Seconds buffered contiguously ahead of `time` (0 when it is in no range).
pub fn ahead(ranges: &[(f64, f64)], time: f64) -> f64 {
    ranges
        .iter()
        .find(|(s, e)| *s <= time + END_EPSILON && time < *e)
        .map_or(0.0, |(_, e)| e - time)
}

/// Whether `start..end` seconds are buffered already (loaded before a seek back).
pub fn holds(ranges: &[(f64, f64)], start: f64, end: f64) -> bool {
    ranges
        .iter()
        .any(|(s, e)| *s <= start + HOLD_SLACK && end - HOLD_SLACK <= *e)
}

/// Where to seek when the playhead cannot go on: it is before the first
/// range, in a hole, or at the end of a range with another one shortly after.
/// `None` when playback is fine or the next data is not there yet.
///
/// `stuck`: the playhead has not moved for a while although playing. Then
/// any hole is jumped, however long: segments are appended in order, so a
/// hole with data after it never fills (a packager restart leaves one the
/// length of its downtime), and Chrome may stop a little before the range
/// ends (where one track ends before the other).
pub fn gap_jump(ranges: &[(f64, f64)], time: f64, stuck: bool) -> Option<f64> {
    let (in_range, max_gap) = if stuck {
        (STUCK_AHEAD, f64::INFINITY)
    } else {
        (END_EPSILON, MAX_GAP)
    };
    if ahead(ranges, time) > in_range {
        return None;
    }
    let next = ranges.iter().find(|(s, _)| *s > time)?;
    (next.0 - time <= max_gap).then_some(next.0 + LAND_INSIDE)
}

/// Notices a playhead that does not move although it should.
#[derive(Clone, Debug, Default)]
pub struct Stall {
    last_time: f64,
    since_ms: f64,
}

impl Stall {
    /// Milliseconds the playhead has sat still at `time` while playing, as of
    /// `now_ms`; 0 while it moves or is paused.
    pub fn observe(&mut self, now_ms: f64, time: f64, playing: bool) -> f64 {
        if !playing || (time - self.last_time).abs() > 0.001 {
            self.last_time = time;
            self.since_ms = now_ms;
            return 0.0;
        }
        now_ms - self.since_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_thirty_seconds_behind_and_trims_in_chunks() {
        assert_eq!(
            trim(&[(0.0, 50.0)], 35.0),
            None,
            "5 s over the limit: not yet"
        );
        assert_eq!(trim(&[(0.0, 50.0)], 45.0), Some((0.0, 15.0)));
        assert_eq!(trim(&[], 45.0), None);
    }

    #[test]
    fn trimming_after_a_seek_back_keeps_what_lies_ahead() {
        // Played to 100 s, sought back to 50 s, played on to 95 s.
        let r = [(50.0, 100.0), (120.0, 130.0)];
        assert_eq!(trim(&r, 95.0), Some((50.0, 65.0)));
        assert_eq!(
            ahead(&r, 95.0),
            5.0,
            "the range after the hole is not ahead"
        );
    }

    #[test]
    fn a_segment_is_held_by_one_range_give_or_take_a_frame() {
        let r = [(0.0, 3.98), (10.02, 20.0)];
        assert!(holds(&r, 2.0, 4.0));
        assert!(holds(&r, 10.0, 12.0));
        assert!(!holds(&r, 3.0, 5.0), "runs past the range");
        assert!(!holds(&r, 4.0, 10.0), "in the hole");
        assert!(!holds(&[], 0.0, 1.0));
    }

    #[test]
    fn buffered_ahead_is_the_rest_of_the_current_range() {
        let r = [(0.0, 4.0), (4.5, 9.0)];
        assert_eq!(ahead(&r, 1.0), 3.0);
        assert_eq!(ahead(&r, 4.2), 0.0);
        assert_eq!(ahead(&r, 4.4), 4.6, "just before a range counts as in it");
    }

    #[test]
    fn no_jump_while_data_lies_ahead() {
        assert_eq!(gap_jump(&[(0.0, 4.0)], 1.0, false), None);
        assert_eq!(gap_jump(&[(0.0, 4.0), (5.0, 6.0)], 1.0, true), None);
    }

    #[test]
    fn jumps_a_small_hole_at_the_end_of_a_range() {
        assert_eq!(gap_jump(&[(0.0, 4.0), (4.5, 9.0)], 3.95, false), Some(4.55));
    }

    #[test]
    fn jumps_to_the_first_range_when_the_stream_starts_late() {
        // Audio and video rarely start at exactly 0.
        assert_eq!(gap_jump(&[(0.4, 9.0)], 0.0, false), Some(0.45));
    }

    #[test]
    fn waits_for_data_when_the_hole_is_long_or_nothing_follows() {
        assert_eq!(gap_jump(&[(0.0, 4.0), (10.0, 12.0)], 4.0, false), None);
        assert_eq!(gap_jump(&[(0.0, 4.0)], 4.0, false), None);
        assert_eq!(gap_jump(&[(0.0, 4.0)], 4.0, true), None);
    }

    /// Found in Chromium: a packager killed and restarted left a 3.2 s hole;
    /// the playhead stopped 0.2 s before its range's end and stayed there.
    #[test]
    fn a_stuck_playhead_jumps_a_long_hole_from_just_before_the_end() {
        let r = [(0.0, 9.0), (11.99, 13.0)];
        assert_eq!(gap_jump(&r, 8.8, false), None, "not stuck yet");
        let to = gap_jump(&r, 8.8, true).expect("a jump");
        assert!((to - 12.04).abs() < 1e-9, "{to}");
    }

    #[test]
    fn a_still_playhead_counts_up_and_a_moving_one_resets() {
        let mut s = Stall::default();
        assert_eq!(s.observe(0.0, 1.0, true), 0.0);
        assert_eq!(s.observe(250.0, 1.0, true), 250.0);
        assert_eq!(s.observe(500.0, 1.0, true), 500.0);
        assert_eq!(s.observe(750.0, 1.2, true), 0.0);
        assert_eq!(s.observe(1000.0, 1.2, false), 0.0, "paused is not stalled");
    }
}
