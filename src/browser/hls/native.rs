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

/// A natively played stream that ended before it played, loaded again.
// why: WebKitGTK's duration for live HLS is its playhead (see `Liveness`), so
// a position check that finds the playhead at the duration pauses the video
// and fires `ended` where it started, having played nothing (at 0.02 s, or at
// 1–2 s when it joins three segments from the edge); GStreamer plays on, and
// loading the same playlist again plays the live stream. What
// counts is the time played, not the playhead, which starts wherever the
// browser joins the live window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EarlyEnd {
    reloads: u8,
}

impl EarlyEnd {
    /// Whether a stream that ended having played `played` seconds (the
    /// length of the element's `played` ranges) is to be loaded again;
    /// counts the reload.
    pub fn reload(&mut self, played: f64) -> bool {
        let again = played < EARLY_END_S && self.reloads < RELOADS;
        self.reloads += u8::from(again);
        again
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
        let mut early = EarlyEnd::default();
        assert!(!early.reload(42.0), "a stream that played out has ended");
        assert!((0..3).all(|_| early.reload(0.0)));
        assert!(!early.reload(0.05), "then the end is believed");
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
