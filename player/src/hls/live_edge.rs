//! Where to play a live stream: a target a few segments behind the live edge,
//! reached by playing slightly faster, or by a jump when far behind. Pure, so
//! the rules are tested natively; the driver feeds it the video's numbers.

/// Segments behind the edge the player aims for: enough that one slow segment
/// download does not stall playback.
pub const TARGET_SEGMENTS: f64 = 3.0;
/// Fastest catch-up rate: 10 % faster is not noticeable in speech or music.
pub const MAX_RATE: f64 = 1.1;

/// What the controller reads each tick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Seconds between the playhead and the live edge.
    pub latency: f64,
    /// Seconds buffered ahead of the playhead.
    pub ahead: f64,
    /// Whether the video is paused (by the shopper or the browser).
    pub paused: bool,
}

/// What the driver should do after a tick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// The `playbackRate` to set.
    pub rate: f64,
    /// Seek by this many seconds forward (to the live target), if any.
    pub jump_by: Option<f64>,
    /// Whether the shopper is far enough behind to be offered "go live".
    pub behind: bool,
}

/// The live-edge controller for one stream.
#[derive(Clone, Debug)]
pub struct LiveEdge {
    /// Seconds behind the edge to play at.
    pub target: f64,
    catching_up: bool,
}

impl LiveEdge {
    /// A controller aiming [`TARGET_SEGMENTS`] segments of `segment` seconds behind the edge.
    pub fn new(segment: f64) -> Self {
        Self {
            target: TARGET_SEGMENTS * segment.max(0.5),
            catching_up: false,
        }
    }

    /// Latency above which the shopper is shown as behind (and offered "go live").
    pub fn behind_above(&self) -> f64 {
        2.0 * self.target
    }

    /// Latency above which the player jumps back to the target by itself:
    /// catching up by rate would take minutes.
    pub fn jump_above(&self) -> f64 {
        self.target + 12.0_f64.max(2.0 * self.target)
    }

    /// The decision for one sample.
    pub fn update(&mut self, s: Sample) -> Decision {
        let excess = s.latency - self.target;
        let behind = s.latency > self.behind_above();
        if s.paused {
            self.catching_up = false;
            return Decision {
                rate: 1.0,
                jump_by: None,
                behind,
            };
        }
        if s.latency > self.jump_above() {
            self.catching_up = false;
            return Decision {
                rate: 1.0,
                jump_by: Some(excess),
                behind,
            };
        }
        // Hysteresis: start above target + 1 s, stop near the target, so the
        // rate does not toggle every tick around one threshold.
        if excess > 1.0 {
            self.catching_up = true;
        } else if excess < 0.25 {
            self.catching_up = false;
        }
        // Never speed up into an empty buffer: that only trades latency for a stall.
        let rate = if self.catching_up && s.ahead > 1.5 {
            (1.0 + 0.05 * excess).clamp(1.0, MAX_RATE)
        } else {
            1.0
        };
        Decision {
            rate,
            jump_by: None,
            behind,
        }
    }
}

/// Index of the segment to start a live playlist at: the one holding the live
/// target, `TARGET_SEGMENTS` from the end (the first one for a short window).
pub fn start_index(segments: usize) -> usize {
    segments.saturating_sub(TARGET_SEGMENTS as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(latency: f64) -> Sample {
        Sample {
            latency,
            ahead: latency,
            paused: false,
        }
    }

    #[test]
    fn at_the_target_plays_at_normal_speed() {
        let mut edge = LiveEdge::new(1.0);
        let d = edge.update(at(3.0));
        assert_eq!(
            d,
            Decision {
                rate: 1.0,
                jump_by: None,
                behind: false
            }
        );
    }

    #[test]
    fn a_little_behind_catches_up_by_rate_capped_at_max() {
        let mut edge = LiveEdge::new(1.0);
        let d = edge.update(at(4.5));
        assert!(d.rate > 1.0 && d.rate <= MAX_RATE, "{d:?}");
        assert_eq!(edge.update(at(10.0)).rate, MAX_RATE);
    }

    #[test]
    fn catch_up_has_hysteresis() {
        let mut edge = LiveEdge::new(1.0);
        assert_eq!(edge.update(at(3.8)).rate, 1.0, "below the start threshold");
        assert!(edge.update(at(4.2)).rate > 1.0);
        assert!(
            edge.update(at(3.8)).rate > 1.0,
            "keeps going until near the target"
        );
        assert_eq!(edge.update(at(3.1)).rate, 1.0);
    }

    #[test]
    fn does_not_speed_up_with_little_buffer() {
        let mut edge = LiveEdge::new(1.0);
        let d = edge.update(Sample {
            latency: 5.0,
            ahead: 0.5,
            paused: false,
        });
        assert_eq!(d.rate, 1.0);
    }

    #[test]
    fn behind_beyond_twice_the_target() {
        let mut edge = LiveEdge::new(1.0);
        assert!(!edge.update(at(5.9)).behind);
        assert!(edge.update(at(6.5)).behind);
    }

    #[test]
    fn far_behind_jumps_to_the_target() {
        let mut edge = LiveEdge::new(1.0);
        let d = edge.update(at(20.0));
        assert_eq!(d.jump_by, Some(17.0));
        assert_eq!(d.rate, 1.0);
    }

    #[test]
    fn paused_neither_jumps_nor_speeds_up_but_shows_behind() {
        let mut edge = LiveEdge::new(2.0);
        let d = edge.update(Sample {
            latency: 60.0,
            ahead: 10.0,
            paused: true,
        });
        assert_eq!(
            d,
            Decision {
                rate: 1.0,
                jump_by: None,
                behind: true
            }
        );
    }

    #[test]
    fn starts_three_segments_from_the_end() {
        assert_eq!(start_index(10), 7);
        assert_eq!(start_index(2), 0);
        assert_eq!(start_index(0), 0);
    }
}
