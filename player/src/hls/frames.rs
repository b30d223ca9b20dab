//! How long each frame stays on screen, measured from the frames the browser
//! presents (`requestVideoFrameCallback`'s `mediaTime` and `presentedFrames`).
//!
//! A tag belongs to the frame whose display interval holds its programme time.
//! Knowing the interval lets the viewer show it on that frame, instead of on
//! the first frame that starts after it (up to a frame late, two when the
//! browser skips a callback).

/// Frames longer than this (a still, a gap) are not a frame rate.
const LONGEST_FRAME_MS: f64 = 100.0;

/// Steps remembered: about a second of video.
const WINDOW: usize = 24;

/// Measures the frame interval from consecutive presented frames: the shortest
/// step of the last [`WINDOW`].
// why the shortest: a frame the decoder drops is never presented, so the next
// frame's step is two intervals long while `presentedFrames` grows by one.
// Taken as the interval, it showed tags a whole frame early.
#[derive(Debug, Default)]
pub struct FrameClock {
    last: Option<(f64, u32)>,
    steps: std::collections::VecDeque<f64>,
}

impl FrameClock {
    /// A frame at media time `media_s` was presented, the browser's
    /// `presented`-th. Returns the frame interval in whole ms (0 until known).
    pub fn presented(&mut self, media_s: f64, presented: u32) -> i64 {
        if let Some((was_s, was_n)) = self.last.replace((media_s, presented)) {
            let frames = presented.wrapping_sub(was_n);
            let step_ms = (media_s - was_s) * 1000.0 / f64::from(frames.max(1));
            // Seeks, discontinuities and skipped callbacks give other steps;
            // only a plausible one is remembered.
            if frames > 0 && step_ms > 0.0 && step_ms <= LONGEST_FRAME_MS {
                if self.steps.len() == WINDOW {
                    self.steps.pop_front();
                }
                self.steps.push_back(step_ms);
            }
        }
        self.steps
            .iter()
            .copied()
            .reduce(f64::min)
            .unwrap_or(0.0)
            .round() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_four_frames_a_second_last_42_ms() {
        let mut clock = FrameClock::default();
        assert_eq!(clock.presented(10.0, 1), 0);
        assert_eq!(clock.presented(10.0 + 1.0 / 24.0, 2), 42);
    }

    #[test]
    fn a_skipped_callback_still_measures_one_frame() {
        let mut clock = FrameClock::default();
        clock.presented(10.0, 1);
        assert_eq!(clock.presented(10.0 + 2.0 / 30.0, 3), 33);
    }

    #[test]
    fn a_seek_or_a_gap_keeps_the_last_interval() {
        let mut clock = FrameClock::default();
        clock.presented(10.0, 1);
        clock.presented(10.04, 2);
        assert_eq!(clock.presented(25.0, 3), 40, "a seek forward");
        assert_eq!(clock.presented(5.0, 4), 40, "a seek back");
    }

    #[test]
    fn a_dropped_frame_does_not_lengthen_the_interval() {
        let mut clock = FrameClock::default();
        let frame = 1.0 / 24.0;
        clock.presented(10.0, 1);
        clock.presented(10.0 + frame, 2);
        // The next frame is dropped: two intervals pass, one more frame is presented.
        assert_eq!(clock.presented(10.0 + 3.0 * frame, 3), 42);
    }

    #[test]
    fn a_faster_stream_is_followed_at_once_and_a_slower_one_within_a_second() {
        let mut clock = FrameClock::default();
        let mut t = 10.0;
        for n in 1..=30 {
            t += 1.0 / 24.0;
            clock.presented(t, n);
        }
        t += 1.0 / 30.0;
        assert_eq!(clock.presented(t, 31), 33, "30 fps at the first step");
        let mut interval = 0;
        for n in 32..=(31 + WINDOW as u32) {
            t += 1.0 / 24.0;
            interval = clock.presented(t, n);
        }
        assert_eq!(interval, 42, "24 fps again once the window has passed");
    }
}
