//! Server time, and a show's stream time: how far its timeline has played,
//! at its playback speed, since it started.

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Stream time: wall-clock time since the show started, times the playback speed.
pub fn elapsed(started_at_ms: i64, now_ms: i64, speed: u32) -> u64 {
    u64::try_from(now_ms - started_at_ms)
        .unwrap_or(0)
        .saturating_mul(u64::from(speed))
}

/// Server time (the programme date-time) at stream time `stream_ms`.
pub fn programme_ms(started_at_ms: i64, speed: u32, stream_ms: u64) -> i64 {
    let real = stream_ms / u64::from(speed);
    started_at_ms.saturating_add(i64::try_from(real).unwrap_or(i64::MAX))
}

/// A show's clock: when it started, and how fast its timeline plays.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// Server time of the show's start.
    pub started_at_ms: i64,
    /// Timeline playback speed (1 = real time).
    pub speed: u32,
}

impl Clock {
    /// Stream time at server time `now_ms`.
    pub fn stream_ms(&self, now_ms: i64) -> u64 {
        elapsed(self.started_at_ms, now_ms, self.speed)
    }

    /// Server time at stream time `stream_ms`: the programme date-time of a cue.
    pub fn wall_ms(&self, stream_ms: u64) -> i64 {
        programme_ms(self.started_at_ms, self.speed, stream_ms)
    }

    /// When the show is to begin, if it has not by `now_ms`.
    pub fn scheduled_start(&self, now_ms: i64) -> Option<i64> {
        (now_ms < self.started_at_ms).then_some(self.started_at_ms)
    }
}
