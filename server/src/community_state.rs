//! A show's community in memory: how connected sessions look to others, the
//! chat's and likes' throttles, each session's watch clock, and the chat's
//! rules (kept in the database by [`chat_rules`](crate::chat_rules)).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use lapak_protocol::{Progress, Viewer};
use tokio::time::Instant;

use crate::chat_rules::ChatRules;
use crate::clock::now_ms;
use crate::db::{Conn, Pool};
use crate::error::AppError;
use crate::limit::Throttle;
use crate::progress;
use crate::show::ShowFile;

/// Chat lines a session may send at once.
pub const CHAT_BURST: u32 = 5;
/// Then one line per this long.
pub const CHAT_EVERY: Duration = Duration::from_secs(2);
/// `Like` commands a session may send at once.
pub const LIKES_BURST: u32 = 4;
/// Then one per this long.
pub const LIKES_EVERY: Duration = Duration::from_millis(500);

/// The community's state in memory.
pub struct Community {
    /// How connected sessions look to others.
    people: Mutex<HashMap<i64, Viewer>>,
    /// Chat lines per session: a burst, then one every 2 s.
    pub chat: Throttle,
    /// `Like` commands per session.
    pub likes: Throttle,
    /// Each session's watch clock.
    pub watch: Clocks,
    /// Slow mode and the moderators' words.
    pub rules: ChatRules,
}

impl Default for Community {
    fn default() -> Self {
        Community {
            people: Mutex::default(),
            chat: Throttle::new(CHAT_BURST, CHAT_EVERY),
            likes: Throttle::new(LIKES_BURST, LIKES_EVERY),
            watch: Clocks::default(),
            rules: ChatRules::default(),
        }
    }
}

impl Community {
    fn people(&self) -> MutexGuard<'_, HashMap<i64, Viewer>> {
        self.people.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How others see the session, while it is connected.
    pub fn cached(&self, session: i64) -> Option<Viewer> {
        self.people().get(&session).cloned()
    }

    /// How others see the session now: cached while it is connected, else read.
    pub async fn viewer(&self, pool: &Pool, show: &str, session: i64) -> Result<Viewer, AppError> {
        match self.cached(session) {
            Some(viewer) => Ok(viewer),
            None => {
                let mut conn = pool.acquire().await?;
                progress::identity(&mut conn, show, session).await
            }
        }
    }

    /// Reads the session's identity for a new connection and caches it (unless
    /// a change cached a newer one meanwhile).
    pub async fn remember(&self, pool: &Pool, show: &str, session: i64) -> Result<(), AppError> {
        let mut conn = pool.acquire().await?;
        let read = progress::identity(&mut conn, show, session).await?;
        self.people().entry(session).or_insert(read);
        Ok(())
    }

    /// Reads the session's identity again after it changed, for a connected session.
    pub async fn refresh(&self, pool: &Pool, show: &str, session: i64) -> Result<(), AppError> {
        let mut conn = pool.acquire().await?;
        let fresh = progress::identity(&mut conn, show, session).await?;
        if let Some(cached) = self.people().get_mut(&session) {
            *cached = fresh;
        }
        Ok(())
    }

    /// The session's progress now, read on `conn`.
    pub async fn progress(
        &self,
        conn: &mut Conn,
        show: &ShowFile,
        session: i64,
    ) -> Result<Progress, AppError> {
        // Read on `conn` when not cached: a second connection from the pool could wait forever.
        let you = match self.cached(session) {
            Some(viewer) => viewer,
            None => progress::identity(conn, &show.id, session).await?,
        };
        progress::progress(conn, show, session, you, now_ms()).await
    }

    /// Forgets a session that has no connection left.
    pub fn forget(&self, session: i64) {
        self.people().remove(&session);
        self.watch.forget(session);
    }
}

/// The most one heartbeat credits.
pub const MAX_CREDIT: Duration = Duration::from_secs(30);

/// Each session's watch clock: the time up to which it has been credited.
#[derive(Default)]
pub struct Clocks(Mutex<HashMap<i64, Instant>>);

impl Clocks {
    /// Whole seconds to credit the session at `now`, moving its clock on.
    /// `started` tells whether this connection's clock was running already.
    pub fn credit(&self, session: i64, started: bool, now: Instant) -> u32 {
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
