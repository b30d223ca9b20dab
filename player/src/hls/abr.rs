//! Adaptive bitrate: estimate throughput from segment downloads and pick the
//! rendition that fits with a safety margin, without flapping between two.
//! Pure; the driver feeds it (bytes, milliseconds) per segment.

/// Share of the estimate a rendition's bandwidth may use.
const SAFETY: f64 = 0.8;
/// Estimate before the first download, bits per second (a modest phone link).
const INITIAL_BPS: f64 = 1_500_000.0;
/// Downloads averaged: a short window that reacts to a drop, and a longer one
/// that ignores one lucky download; the estimate is the lower of the two.
const FAST_WINDOW: usize = 2;
const SLOW_WINDOW: usize = 6;
/// Downloads before switching up again after a switch: lets the estimate
/// settle, so two renditions do not alternate every segment.
const HOLD_SAMPLES: u32 = 3;
/// Downloads smaller or quicker than this say more about latency than throughput.
const MIN_BYTES: f64 = 16_000.0;
const MIN_MS: f64 = 5.0;

/// The throughput estimate and the current choice.
///
/// why bytes over time summed, not a moving average of rates: a download
/// that took 3 s must outweigh one that took 3 ms, or a link that just
/// dropped keeps reading as fast for many segments.
#[derive(Clone, Debug, Default)]
pub struct Abr {
    /// The last downloads, (bytes, milliseconds), newest at `(count - 1) % SLOW_WINDOW`.
    samples: [(f64, f64); SLOW_WINDOW],
    count: usize,
    since_switch: u32,
}

impl Abr {
    /// Records one download of `bytes` that took `ms`.
    pub fn sample(&mut self, bytes: f64, ms: f64) {
        if bytes < MIN_BYTES {
            return;
        }
        self.samples[self.count % SLOW_WINDOW] = (bytes, ms.max(MIN_MS));
        self.count += 1;
        self.since_switch = self.since_switch.saturating_add(1);
    }

    /// Bits per second over the last `n` downloads.
    fn over(&self, n: usize) -> f64 {
        let n = n.min(self.count);
        let (bytes, ms) = (1..=n)
            .map(|back| self.samples[(self.count - back) % SLOW_WINDOW])
            .fold((0.0, 0.0), |(b, t), (db, dt)| (b + db, t + dt));
        bytes * 8000.0 / ms
    }

    /// Bits per second the link is believed to carry.
    pub fn estimate(&self) -> f64 {
        if self.count == 0 {
            return INITIAL_BPS;
        }
        self.over(FAST_WINDOW).min(self.over(SLOW_WINDOW))
    }

    /// Index into `bandwidths` (bits per second, any order) of the rendition
    /// to load next, given the one loading now. Down at once when the current
    /// one no longer fits; up only after [`HOLD_SAMPLES`] downloads.
    pub fn choose(&mut self, bandwidths: &[u64], current: usize) -> usize {
        let budget = self.estimate() * SAFETY;
        let mut best: Option<usize> = None;
        let mut lowest = 0;
        for (i, &bw) in bandwidths.iter().enumerate() {
            if bw < bandwidths[lowest] {
                lowest = i;
            }
            if (bw as f64) <= budget && best.is_none_or(|b| bw > bandwidths[b]) {
                best = Some(i);
            }
        }
        let pick = best.unwrap_or(lowest);
        let Some(&now) = bandwidths.get(current) else {
            // The first choice counts as a switch: hold it a few downloads.
            self.since_switch = 0;
            return pick;
        };
        let up = bandwidths[pick] > now;
        if pick == current || (up && self.since_switch < HOLD_SAMPLES) {
            return current;
        }
        self.since_switch = 0;
        pick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LADDER: [u64; 3] = [400_000, 1_200_000, 3_000_000];

    fn feed(abr: &mut Abr, bps: f64, n: usize) {
        for _ in 0..n {
            // One-second segments downloaded at `bps`.
            abr.sample(bps / 8.0, 1000.0);
        }
    }

    #[test]
    fn starts_with_what_the_initial_estimate_affords() {
        let mut abr = Abr::default();
        assert_eq!(abr.choose(&LADDER, usize::MAX), 1);
    }

    #[test]
    fn estimate_follows_the_measured_throughput() {
        let mut abr = Abr::default();
        feed(&mut abr, 5_000_000.0, 10);
        let e = abr.estimate();
        assert!((e - 5_000_000.0).abs() < 1.0, "{e}");
    }

    #[test]
    fn picks_the_highest_rendition_within_the_safety_margin() {
        let mut abr = Abr::default();
        feed(&mut abr, 5_000_000.0, 10);
        assert_eq!(abr.choose(&LADDER, 1), 2);
        let mut abr = Abr::default();
        // 3.5 Mbit/s × 0.8 = 2.8: not enough for the 3 Mbit/s rendition.
        feed(&mut abr, 3_500_000.0, 10);
        assert_eq!(abr.choose(&LADDER, 1), 1);
    }

    #[test]
    fn a_throughput_drop_switches_down_at_once() {
        let mut abr = Abr::default();
        feed(&mut abr, 5_000_000.0, 10);
        assert_eq!(abr.choose(&LADDER, 2), 2);
        feed(&mut abr, 300_000.0, 1);
        assert_eq!(abr.choose(&LADDER, 2), 1, "estimate {}", abr.estimate());
        feed(&mut abr, 300_000.0, 3);
        assert_eq!(abr.choose(&LADDER, 1), 0, "estimate {}", abr.estimate());
    }

    #[test]
    fn one_fast_download_does_not_switch_up() {
        let mut abr = Abr::default();
        feed(&mut abr, 1_000_000.0, 10);
        assert_eq!(abr.choose(&LADDER, 0), 0);
        feed(&mut abr, 3_000_000.0, 1);
        assert_eq!(abr.choose(&LADDER, 0), 0, "the longer window holds it down");
    }

    #[test]
    fn no_flapping_right_after_a_switch() {
        let mut abr = Abr::default();
        feed(&mut abr, 5_000_000.0, 10);
        feed(&mut abr, 200_000.0, 6);
        assert_eq!(abr.choose(&LADDER, 2), 0);
        feed(&mut abr, 50_000_000.0, 2);
        assert_eq!(abr.choose(&LADDER, 0), 0, "held for a few downloads");
        feed(&mut abr, 50_000_000.0, 8);
        assert_eq!(abr.choose(&LADDER, 0), 2);
    }

    /// Found in Chromium: after a drop to 600 kbit/s the player kept the top
    /// rendition, because rates averaged per download let the fast ones win.
    #[test]
    fn a_slow_download_outweighs_many_fast_ones() {
        let mut abr = Abr::default();
        for _ in 0..6 {
            abr.sample(250_000.0, 4.0); // 500 Mbit/s on localhost
        }
        assert_eq!(abr.choose(&LADDER, 2), 2);
        abr.sample(250_000.0, 3_333.0); // 600 kbit/s
        assert_eq!(abr.choose(&LADDER, 2), 0, "estimate {}", abr.estimate());
    }

    #[test]
    fn tiny_downloads_are_ignored() {
        let mut abr = Abr::default();
        abr.sample(500.0, 1.0);
        assert_eq!(abr.estimate(), INITIAL_BPS);
    }

    #[test]
    fn nothing_fits_takes_the_lowest() {
        let mut abr = Abr::default();
        feed(&mut abr, 100_000.0, 10);
        assert_eq!(abr.choose(&[3_000_000, 800_000, 1_500_000], 0), 1);
    }
}
