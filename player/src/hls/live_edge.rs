//! Where to play a live stream: a target delay behind the live edge, the same
//! for every viewer on the programme clock, reached at the join and held by
//! slowing down a little, never by speeding up. Pure, so the rules are tested
//! natively; the driver feeds it the video's numbers.
// why never faster: Chromium shows a 30 fps video on a 60 Hz screen two
// refreshes a frame; played faster, it drops frames rather than show some
// for one refresh: about 30 × (rate − 1) a second (measured: 8 of 458 at
// 1.02×, 2 of 452 at 1.005×, none at 0.95×–0.995×). Catching up by any rate
// loses as many frames as the delay it gains, a few at a time; a skip at a
// keyframe loses them at once, with no decoding to wait for, and happens
// only after a stall.
use lapak_protocol::hls::MediaPlaylist;

use super::low_latency;

/// Segments behind the edge the player aims for in a playlist without parts:
/// enough that one slow segment download does not stall playback.
pub const TARGET_SEGMENTS: f64 = 3.0;
/// Seconds behind the newest part, at least, in a low-latency playlist.
pub const LOW_LATENCY_TARGET: f64 = 1.0;
/// Seconds nearer the edge than the target a join lands: the first frame
/// comes a little after the seek, and a delay short of the target is undone
/// by slowing down, which drops no frame.
pub const JOIN_LEAD: f64 = 0.1;
/// Closer to the edge than the target by more than this (seconds, about a
/// frame), the video slows down...
const HOLD: f64 = 0.04;
/// ...until it is within this.
const SETTLED: f64 = 0.015;
/// Behind the target by more than this (seconds, a few frames), the video
/// skips ahead to a keyframe; less is left as it is.
const SKIP_ABOVE: f64 = 0.1;
/// The rate for falling back to the target from a few frames nearer the edge:
/// not heard in speech or music.
pub const SLOW_RATE: f64 = 0.98;
/// The rate from further (a quarter second or more) nearer: heard only
/// side by side with the original.
pub const MIN_RATE: f64 = 0.95;

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
    /// Whether the video is slowing down to the target.
    slowing: bool,
    /// Whether the target is held: from the join, and after "go live"; not
    /// after the shopper paused (they stay where they paused).
    held: bool,
    /// Whether the video has played since the controller started.
    played: bool,
}

/// The target delay for `playlist` (seconds behind its edge): its
/// `PART-HOLD-BACK` (at least [`LOW_LATENCY_TARGET`]) when it has parts and
/// blocking reloads, else [`TARGET_SEGMENTS`] segments.
pub fn target_for(playlist: &MediaPlaylist) -> f64 {
    if low_latency::blocking(playlist) {
        let hold_back = playlist
            .server_control
            .as_ref()
            .and_then(|c| c.part_hold_back);
        let parts = playlist.part_target.map(|t| 3.0 * t);
        return hold_back.or(parts).unwrap_or(0.0).max(LOW_LATENCY_TARGET);
    }
    let n = playlist.segments.len();
    let segment = if n == 0 {
        playlist.target_duration as f64
    } else {
        playlist.duration() / n as f64
    };
    TARGET_SEGMENTS * segment.max(0.5)
}

impl LiveEdge {
    /// A controller aiming `target` seconds behind the edge.
    pub fn new(target: f64) -> Self {
        Self {
            target,
            slowing: false,
            held: true,
            played: false,
        }
    }

    /// Holds the target again ("go live").
    pub fn hold(&mut self) {
        self.held = true;
    }

    /// Stops holding the target: the shopper sought elsewhere.
    pub fn let_go(&mut self) {
        self.held = false;
    }

    /// Latency above which the shopper is shown as behind (and offered "go live").
    pub fn behind_above(&self) -> f64 {
        2.0 * self.target
    }

    /// Latency above which the player jumps back to the target by itself,
    /// held or not: the shopper has been away for long.
    pub fn jump_above(&self) -> f64 {
        self.target + 12.0_f64.max(2.0 * self.target)
    }

    /// The decision for one sample.
    pub fn update(&mut self, s: Sample) -> Decision {
        let excess = s.latency - self.target;
        let behind = s.latency > self.behind_above();
        let mut decision = Decision {
            rate: 1.0,
            jump_by: None,
            behind,
        };
        if s.paused {
            // A pause after playing is the shopper's: the delay is theirs.
            self.held &= !self.played;
            self.slowing = false;
            return decision;
        }
        self.played = true;
        if s.latency > self.jump_above() {
            self.held = true;
            self.slowing = false;
            decision.jump_by = Some(excess);
            return decision;
        }
        if !self.held {
            return decision;
        }
        // Behind (after a stall): skip what is buffered ahead, if it is.
        if excess > SKIP_ABOVE && s.ahead > excess + SKIP_ABOVE {
            self.slowing = false;
            decision.jump_by = Some(excess);
            return decision;
        }
        // Nearer the edge than the target: slow down until there.
        if excess < -HOLD {
            self.slowing = true;
        } else if excess > -SETTLED {
            self.slowing = false;
        }
        // why two rates, not one in proportion: each change of rate
        // resynchronises the audio; a few changes are enough.
        if self.slowing {
            decision.rate = if excess < -0.25 { MIN_RATE } else { SLOW_RATE };
        }
        decision
    }
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

    fn paused(latency: f64) -> Sample {
        Sample {
            paused: true,
            ..at(latency)
        }
    }

    #[test]
    fn at_the_target_plays_at_normal_speed() {
        let mut edge = LiveEdge::new(1.0);
        let d = edge.update(at(1.02));
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
    fn nearer_the_edge_slows_down_until_within_a_frame_and_never_speeds_up() {
        let mut edge = LiveEdge::new(1.0);
        assert_eq!(edge.update(at(0.97)).rate, 1.0, "within a frame");
        assert_eq!(edge.update(at(0.9)).rate, SLOW_RATE);
        assert_eq!(edge.update(at(0.5)).rate, MIN_RATE);
        assert!(edge.update(at(0.97)).rate < 1.0, "keeps on until settled");
        assert_eq!(edge.update(at(0.99)).rate, 1.0);
        for latency in [1.05, 1.09, 1.5, 3.0] {
            assert!(
                edge.update(at(latency)).rate <= 1.0,
                "never faster: {latency}"
            );
        }
    }

    #[test]
    fn a_few_frames_behind_is_left_and_more_skips_what_is_buffered() {
        let mut edge = LiveEdge::new(1.0);
        assert_eq!(edge.update(at(1.08)).jump_by, None);
        let d = edge.update(at(1.6));
        assert_eq!(d.rate, 1.0);
        assert!((d.jump_by.expect("a skip") - 0.6).abs() < 1e-9, "{d:?}");
        let starved = Sample {
            latency: 1.6,
            ahead: 0.3,
            paused: false,
        };
        assert_eq!(edge.update(starved).jump_by, None, "nothing to skip to");
    }

    #[test]
    fn behind_beyond_twice_the_target() {
        let mut edge = LiveEdge::new(3.0);
        assert!(!edge.update(at(5.9)).behind);
        assert!(edge.update(at(6.5)).behind);
    }

    #[test]
    fn far_behind_jumps_to_the_target_held_or_not() {
        let mut edge = LiveEdge::new(3.0);
        edge.update(at(3.0));
        edge.update(paused(3.0));
        let d = edge.update(at(20.0));
        assert_eq!(d.jump_by, Some(17.0));
        assert_eq!(d.rate, 1.0);
    }

    #[test]
    fn after_the_shoppers_pause_the_delay_is_kept_until_go_live() {
        let mut edge = LiveEdge::new(1.0);
        edge.update(at(1.0));
        assert!(edge.update(paused(5.0)).behind);
        let d = edge.update(at(9.0));
        assert_eq!((d.rate, d.jump_by, d.behind), (1.0, None, true));
        edge.hold();
        assert_eq!(edge.update(at(9.0)).jump_by, Some(8.0));
    }

    #[test]
    fn a_video_paused_before_it_ever_played_is_still_held() {
        // Autoplay refused: the shopper's first tap plays it, at the target.
        let mut edge = LiveEdge::new(1.0);
        edge.update(paused(1.0));
        assert_eq!(edge.update(at(4.0)).jump_by, Some(3.0));
    }

    #[test]
    fn paused_neither_jumps_nor_slows_but_shows_behind() {
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
}
