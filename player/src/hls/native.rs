//! The browser's own HLS (`video.src = playlist`): what the player can read
//! from the element alone. Pure, so the rules are tested natively.

/// What a natively played stream's `duration` says of it.
// why: Safari reports a live stream's duration as infinite and its live window
// in `seekable`. WebKitGTK (GStreamer) judges a stream live from the `src`
// download alone, and a playlist download has a length and finishes, so never
// live; GStreamer's hlsdemux has no duration for a playlist without
// EXT-X-ENDLIST, so the duration is 0. For a stream it takes as finished with
// no duration, WebKitGTK sets the duration to the playhead whenever `seekable`
// is read: from then on `ended` is true while the picture plays on, and moving
// the playhead asks hlsdemux for a seek it refuses, which leaves the playhead
// stuck. Such a stream plays as it comes: its window is never read, its
// playhead never moved, and `ended` then means what it says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Timeline {
    /// No metadata yet.
    #[default]
    Unknown,
    /// Live, with its window in `seekable` (Safari).
    Window,
    /// Live, with no duration and no window that may be read (WebKitGTK).
    Edge,
    /// On demand: a finite duration.
    OnDemand,
}

impl Timeline {
    /// Takes the video's `duration` now. A stream once seen without a
    /// duration stays so: were the duration ever set to the playhead, it
    /// must not pass for on-demand.
    pub fn observe(&mut self, duration: f64) {
        let now = if duration == f64::INFINITY {
            Self::Window
        } else if duration == 0.0 {
            Self::Edge
        } else if duration.is_finite() && duration > 0.0 {
            Self::OnDemand
        } else {
            Self::Unknown
        };
        if *self != Self::Edge && now != Self::Unknown {
            *self = now;
        }
    }

    /// Whether the stream is live.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Window | Self::Edge)
    }

    /// Whether `seekable` may be read and the playhead moved.
    pub fn can_seek(self) -> bool {
        matches!(self, Self::Window | Self::OnDemand)
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

    fn seen(durations: &[f64]) -> Timeline {
        let mut timeline = Timeline::default();
        for d in durations {
            timeline.observe(*d);
        }
        timeline
    }

    #[test]
    fn before_metadata_nothing_is_known() {
        assert_eq!(seen(&[f64::NAN]), Timeline::Unknown);
        assert!(!Timeline::Unknown.is_live());
        assert!(!Timeline::Unknown.can_seek());
    }

    #[test]
    fn an_infinite_duration_is_live_with_a_window() {
        let timeline = seen(&[f64::NAN, f64::INFINITY]);
        assert_eq!(timeline, Timeline::Window);
        assert!(timeline.is_live() && timeline.can_seek());
    }

    #[test]
    fn no_duration_after_metadata_is_live_with_nothing_to_seek() {
        // WebKitGTK playing a live playlist: loadedmetadata with duration 0.
        let timeline = seen(&[f64::NAN, 0.0]);
        assert_eq!(timeline, Timeline::Edge);
        assert!(timeline.is_live());
        assert!(!timeline.can_seek());
    }

    #[test]
    fn a_stream_without_a_duration_stays_so_whatever_the_duration_becomes() {
        // WebKitGTK sets the duration to the playhead when `seekable` is read.
        assert_eq!(seen(&[0.0, 9.7, 12.0, f64::NAN]), Timeline::Edge);
    }

    #[test]
    fn a_finite_duration_is_on_demand() {
        let timeline = seen(&[f64::NAN, 60.0, 60.4]);
        assert_eq!(timeline, Timeline::OnDemand);
        assert!(!timeline.is_live() && timeline.can_seek());
    }

    #[test]
    fn a_live_stream_with_a_window_that_ends_is_on_demand() {
        assert_eq!(seen(&[f64::INFINITY, 600.0]), Timeline::OnDemand);
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
