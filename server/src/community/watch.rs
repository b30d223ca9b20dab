//! `Heartbeat`: watch time. A playing, visible viewer sends one every
//! `HEARTBEAT_MS`; each credits the time since the session's clock, at most
//! [`MAX_CREDIT`], in whole seconds, and moves the clock on by exactly what it
//! credited (after a longer gap, to now). So whatever the number of
//! heartbeats or tabs, a session never earns more than the wall-clock time
//! since its clock started. A connection's first heartbeat credits nothing: it
//! starts the clock, unless another tab of the session keeps it running.
//! For the same reason a retried heartbeat needs no stored answer: it is
//! credited like any other, from the clock.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use lapak_protocol::{Activity, ServerMsg};
use tokio::time::Instant;

use super::ack;
use crate::error::AppError;
use crate::unit::{Sync, Unit};
use crate::Stage;

/// The most one heartbeat credits.
pub const MAX_CREDIT: Duration = Duration::from_secs(30);

/// Each session's watch clock: the time up to which it has been credited.
#[derive(Default)]
pub struct Clocks(Mutex<HashMap<i64, Instant>>);

impl Clocks {
    /// Whole seconds to credit the session at `now`, moving its clock on.
    /// `started` tells whether this connection's clock was running already.
    fn credit(&self, session: i64, started: bool, now: Instant) -> u32 {
        let mut clocks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let clock = clocks.entry(session).or_insert(now);
        let since = now.saturating_duration_since(*clock);
        if since > MAX_CREDIT {
            // A pause, or a clock left by a tab long gone: start again from now.
            *clock = now;
            return if started {
                MAX_CREDIT.as_secs() as u32
            } else {
                0
            };
        }
        if !started {
            return 0;
        }
        let seconds = since.as_secs();
        *clock += Duration::from_secs(seconds);
        seconds as u32
    }

    /// Forgets a session that has no connection left.
    pub fn forget(&self, session: i64) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&session);
    }
}

/// Runs a `Heartbeat` to its answer. `watching` is whether this connection
/// has sent one before; it is set by the first.
pub async fn heartbeat(
    state: &Stage,
    session: i64,
    watching: &mut bool,
    id: &str,
) -> Result<ServerMsg, AppError> {
    let mut command = Unit::unstored(state, session, id, Sync::Normal).await?;
    let seconds = state
        .community
        .watch
        .credit(session, *watching, Instant::now());
    *watching = true;
    // A replay's watch time is the replay's figure; watch missions are live only.
    if crate::replay::info(state).is_some() {
        let counted = crate::replay::Counted::Watch(seconds);
        crate::replay::count(&mut command.tx, &state.show.id, session, counted).await?;
    } else {
        command.count(Activity::WatchSeconds, seconds).await?;
    }
    command.finish(ack(id)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_never_exceed_the_time_that_passed() {
        let clocks = Clocks::default();
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        assert_eq!(
            clocks.credit(1, false, start),
            0,
            "the first starts the clock"
        );
        // A flood: 200 heartbeats in 2 s credit 2 s in all.
        let flood: u32 = (1..=200).map(|i| clocks.credit(1, true, at(i * 10))).sum();
        assert_eq!(flood, 2);
        assert_eq!(
            clocks.credit(1, true, at(17_500)),
            15,
            "fractions carry over"
        );
        // A second tab joining does not restart the running clock.
        assert_eq!(clocks.credit(1, false, at(20_000)), 0);
        assert_eq!(clocks.credit(1, true, at(32_000)), 15);
        // After a long pause at most 30 s, and the clock starts again.
        assert_eq!(clocks.credit(1, true, at(632_000)), 30);
        assert_eq!(clocks.credit(1, true, at(633_000)), 1);
        // A new connection after a pause credits nothing.
        assert_eq!(clocks.credit(1, false, at(700_000)), 0);
        assert_eq!(
            clocks.credit(2, true, at(700_000)),
            0,
            "no clock yet: none to credit"
        );
    }
}
