//! Replays: an ended show that keeps selling. The show's events are kept with
//! their programme time while it is on air (`log`); once it ends, viewers of
//! the same show get its recording as on-demand HLS and the event log to play
//! in sync with it (`lapak_protocol::replay`). The brand trims the start and
//! end, hides the chat or removes the replay; replay views, watch time and tag
//! taps are counted apart from live (`replay_views`).

pub mod log;

use crate::db::Conn;
use crate::error::AppError;

/// The brand's choices for a show's replay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Programme time cut from the start, ms.
    pub trim_start_ms: i64,
    /// Programme time cut from the end, ms.
    pub trim_end_ms: i64,
    /// Whether the chat is hidden in the replay.
    pub chat_hidden: bool,
    /// Whether the brand removed the replay (its log is gone).
    pub removed: bool,
}

impl Settings {
    /// The stored choices, or the defaults (everything, with the chat).
    pub async fn load(conn: &mut Conn, show: &str) -> Result<Settings, AppError> {
        // Truth values are stored as 0 and 1, which both back ends read as integers.
        let row: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT trim_start_ms, trim_end_ms, chat, removed FROM replays WHERE show_id = $1",
        )
        .bind(show)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(
            row.map_or_else(Settings::default, |(start, end, chat, removed)| Settings {
                trim_start_ms: start,
                trim_end_ms: end,
                chat_hidden: chat == 0,
                removed: removed != 0,
            }),
        )
    }

    /// Stores them.
    pub async fn save(&self, conn: &mut Conn, show: &str) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO replays (show_id, trim_start_ms, trim_end_ms, chat, removed)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (show_id) DO UPDATE SET trim_start_ms = excluded.trim_start_ms,
               trim_end_ms = excluded.trim_end_ms, chat = excluded.chat, removed = excluded.removed",
        )
        .bind(show)
        .bind(self.trim_start_ms)
        .bind(self.trim_end_ms)
        .bind(i64::from(!self.chat_hidden))
        .bind(i64::from(self.removed))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The replay's programme window within the recording's `span`; `None`
    /// when removed or trimmed to nothing.
    pub fn window(&self, span: (i64, i64)) -> Option<(i64, i64)> {
        let window = (span.0 + self.trim_start_ms, span.1 - self.trim_end_ms);
        (!self.removed && window.0 < window.1).then_some(window)
    }
}

/// Whether `show` has ended (its host or owner ended it; kept across restarts).
pub async fn ended(conn: &mut Conn, show: &str) -> Result<bool, AppError> {
    Ok(ended_at(conn, show).await?.is_some())
}

/// When `show` ended (Unix ms), if it has.
pub async fn ended_at(conn: &mut Conn, show: &str) -> Result<Option<i64>, AppError> {
    let ended: Option<Option<i64>> =
        sqlx::query_scalar("SELECT ended_at_ms FROM shows WHERE id = $1")
            .bind(show)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(ended.flatten())
}

/// Keeps `show` as ended (its replay opens, also after a restart).
pub async fn end(conn: &mut Conn, show: &str, now_ms: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE shows SET ended_at_ms = $1 WHERE id = $2 AND ended_at_ms IS NULL")
        .bind(now_ms)
        .bind(show)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Replay figures, apart from live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    /// Shoppers who opened the replay.
    pub views: u64,
    /// Seconds of the replay watched.
    pub watch_s: u64,
    /// Taps on products' tags in the replay.
    pub taps: u64,
}

/// The replay's figures for `show`.
pub async fn figures(conn: &mut Conn, show: &str) -> Result<Figures, AppError> {
    let (views, watch_s, taps): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(watch_s), 0) AS BIGINT), CAST(COALESCE(SUM(taps), 0) AS BIGINT)
         FROM replay_views WHERE show_id = $1",
    )
    .bind(show)
    .fetch_one(&mut *conn)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Figures {
        views: count(views),
        watch_s: count(watch_s),
        taps: count(taps),
    })
}

/// What a replay viewer did, counted apart from live.
pub enum Counted {
    /// Opened the replay.
    View,
    /// Watched it this many seconds.
    Watch(u32),
    /// Tapped a product's tag.
    Tap,
}

/// Counts `what` for `session` in `show`'s replay (on the command's transaction).
pub async fn count(
    conn: &mut Conn,
    show: &str,
    session: i64,
    what: Counted,
) -> Result<(), AppError> {
    let (watch_s, taps) = match what {
        Counted::View => (0, 0),
        Counted::Watch(seconds) => (i64::from(seconds), 0),
        Counted::Tap => (0, 1),
    };
    sqlx::query(
        "INSERT INTO replay_views (show_id, session_id, watch_s, taps) VALUES ($1, $2, $3, $4)
         ON CONFLICT (show_id, session_id) DO UPDATE SET watch_s = replay_views.watch_s + excluded.watch_s,
           taps = replay_views.taps + excluded.taps",
    )
    .bind(show)
    .bind(session)
    .bind(watch_s)
    .bind(taps)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
