//! The browser's own HLS (`video.src = playlist`): what the player can read
//! from the element alone. Pure, so the rules are tested natively.

/// Seconds a finite duration must grow by before the stream counts as live:
/// more than a browser's refinement of an on-demand stream's estimate.
const GROWTH_S: f64 = 1.0;

/// Whether a natively played stream is live, from the durations seen.
// why: Safari reports a live stream's duration as infinite. WebKitGTK takes
// every HLS playlist for a finished download, so not live; GStreamer's hlsdemux
// has no duration for a live playlist, so WebKitGTK reports the playhead as the
// duration, a finite duration that grows as it plays. Growth is the sign of live.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Liveness {
    first: Option<f64>,
    live: bool,
}

impl Liveness {
    /// Takes the video's `duration` now; says whether the stream is live.
    pub fn observe(&mut self, duration: f64) -> bool {
        if duration == f64::INFINITY {
            self.live = true;
        } else if duration.is_finite() && duration > 0.0 {
            match self.first {
                None => self.first = Some(duration),
                Some(first) if duration - first > GROWTH_S => self.live = true,
                Some(_) => {}
            }
        }
        self.live
    }

    /// Whether a duration seen so far said live.
    pub fn is_live(&self) -> bool {
        self.live
    }
}

/// Seconds played before which a native stream's end is taken for a misread playlist.
const EARLY_END_S: f64 = 1.0;
/// Times such a stream is loaded again, at most.
const RELOADS: u8 = 3;
/// Seconds a live stream's playhead goes back when it "ended".
const NUDGE_BACK_S: f64 = 0.5;
/// Times a live stream that "ended" at the same place is moved back and
/// played, at most: past that, the end is believed.
const NUDGES: u8 = 3;
/// Seconds past its last "end" at which a live stream counts as having
/// played on: a real end comes back at the same place.
const PLAYED_ON_S: f64 = 0.1;

/// What to do about a native stream whose playhead stopped with `ended`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OnEnd {
    /// Load the same playlist again.
    Reload,
    /// Move the playhead back to this media time and play.
    Nudge(f64),
    /// It has ended.
    Ended,
}

/// The answer to a natively played stream that stopped with `ended`.
// why: WebKitGTK's duration for live HLS is its playhead (see `Liveness`), so
// a position check that finds the playhead at the duration pauses the video
// and fires `ended`; GStreamer plays on. Having played nothing (at 0.02 s, or
// at 1–2 s when it joins three segments from the edge), loading the same
// playlist again plays the live stream; what counts is the time played, not
// the playhead, which starts wherever the browser joins the live window. Later
// (or at about a second played, when it sticks where it joined: t = d = 1),
// a live stream is moved back a little and played: the duration stays where
// it was, ahead of the playhead, and playback goes on past it. A stream is
// live when the show is on air or its duration grew (`Liveness`); a real end
// (a replay's, an ended show's) is believed at once, and a live stream's
// after a few moves back that come to the same place again.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ends {
    reloads: u8,
    nudges: u8,
    /// Where the last move back was made from.
    nudged_at: Option<f64>,
}

impl Ends {
    /// What to do about a stream that stopped with `ended` at media time `t`,
    /// having played `played` seconds (the length of the element's `played`
    /// ranges), `live` or not; counts the reload or the move back.
    pub fn on_end(&mut self, live: bool, t: f64, played: f64) -> OnEnd {
        if played < EARLY_END_S && self.reloads < RELOADS {
            self.reloads += 1;
            return OnEnd::Reload;
        }
        if !live {
            return OnEnd::Ended;
        }
        if self.nudged_at.is_none_or(|at| t > at + PLAYED_ON_S) {
            self.nudges = 0;
        }
        if self.nudges >= NUDGES {
            return OnEnd::Ended;
        }
        self.nudges += 1;
        self.nudged_at = Some(t);
        OnEnd::Nudge((t - NUDGE_BACK_S).max(0.0))
    }
}

/// Programme time (unix ms) at media time `t`, from `getStartDate()`'s time
/// (`start_ms`). WebKitGTK has the method but answers NaN (only Apple's media
/// engine reads EXT-X-PROGRAM-DATE-TIME): then there is no programme clock,
/// and tags show as they come, as for a plain file.
pub fn programme_ms(start_ms: f64, t: f64) -> Option<i64> {
    (start_ms.is_finite() && t.is_finite()).then_some((start_ms + t * 1000.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_infinite_duration_is_live() {
        let mut l = Liveness::default();
        assert!(l.observe(f64::INFINITY));
        assert!(l.is_live());
    }

    #[test]
    fn a_growing_duration_is_live_once_it_has_grown_a_segment() {
        let mut l = Liveness::default();
        assert!(!l.observe(0.5));
        assert!(!l.observe(1.5));
        assert!(l.observe(2.5));
        // Stays live, even if a reload reports less for a moment.
        assert!(l.observe(0.2));
    }

    #[test]
    fn a_fixed_or_refined_duration_is_on_demand() {
        let mut l = Liveness::default();
        for d in [f64::NAN, 0.0, 60.0, 60.4, 60.4, 59.9] {
            assert!(!l.observe(d), "{d}");
        }
    }

    #[test]
    fn an_end_before_playing_is_loaded_again_a_few_times_and_a_real_end_never() {
        let mut ends = Ends::default();
        assert_eq!(
            ends.on_end(false, 42.0, 42.0),
            OnEnd::Ended,
            "a stream that played out has ended"
        );
        assert!((0..3).all(|_| ends.on_end(false, 0.02, 0.0) == OnEnd::Reload));
        assert_eq!(
            ends.on_end(false, 0.05, 0.05),
            OnEnd::Ended,
            "then the end is believed"
        );
    }

    #[test]
    fn webkitgtk_live_stream_stuck_ended_at_its_duration_after_a_second_is_moved_back_and_played() {
        // The player stuck at t = 1, duration 1, `ended`, having played about a second.
        let mut ends = Ends::default();
        assert_eq!(ends.on_end(true, 1.0, 1.0), OnEnd::Nudge(0.5));
        // Not live (a replay, an ended show): the same stop is an end.
        assert_eq!(Ends::default().on_end(false, 1.0, 1.0), OnEnd::Ended);
    }

    #[test]
    fn webkitgtk_live_stream_ended_again_further_on_is_moved_back_every_time() {
        let mut ends = Ends::default();
        for t in 1..100 {
            let t = f64::from(t) * 1.5;
            assert_eq!(
                ends.on_end(true, t, t),
                OnEnd::Nudge(t - NUDGE_BACK_S),
                "{t}"
            );
        }
    }

    #[test]
    fn a_live_stream_ending_at_the_same_place_is_believed_after_three_moves_back() {
        // A live show that ended: its real end comes back however often it is replayed.
        let mut ends = Ends::default();
        for _ in 0..3 {
            assert_eq!(ends.on_end(true, 600.0, 590.0), OnEnd::Nudge(599.5));
        }
        assert_eq!(ends.on_end(true, 600.0, 590.5), OnEnd::Ended);
        assert_eq!(ends.on_end(true, 600.02, 591.0), OnEnd::Ended);
    }

    #[test]
    fn a_live_stream_that_ended_before_playing_is_loaded_again_then_moved_back() {
        let mut ends = Ends::default();
        assert!((0..3).all(|_| ends.on_end(true, 0.02, 0.0) == OnEnd::Reload));
        assert_eq!(ends.on_end(true, 0.02, 0.0), OnEnd::Nudge(0.0));
    }

    #[test]
    fn a_start_date_gives_the_programme_time() {
        assert_eq!(
            programme_ms(1_700_000_000_000.0, 2.5),
            Some(1_700_000_002_500)
        );
    }

    #[test]
    fn no_start_date_means_no_programme_clock() {
        assert_eq!(programme_ms(f64::NAN, 2.5), None);
        assert_eq!(programme_ms(1_700_000_000_000.0, f64::NAN), None);
    }
}
