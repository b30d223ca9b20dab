//! The show's event log: every event viewers see over the picture, with its
//! programme time, kept while the show is on air. The hub gathers the events
//! it publishes (`Hub::take_log`); this task writes them every
//! [`FLUSH`] in one transaction, and once more when the server stops.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use lapak_protocol::replay::ReplayLog;
use lapak_protocol::ServerMsg;
use sqlx::SqliteConnection;

use crate::error::AppError;
use crate::{now_ms, Stage};

/// How often gathered events are written.
pub const FLUSH: Duration = Duration::from_millis(250);
/// Most bytes of events kept per show: past it, a show's later events are
/// not kept (about 10 hours of a 1,000-line-a-minute chat).
pub const MAX_LOG_BYTES: i64 = 256 * 1024 * 1024;

/// Whether `event` belongs in the replay: what is seen over the picture.
/// Stock and the on-air state are today's in a replay; slow mode is moot.
pub fn kept(event: &ServerMsg) -> bool {
    matches!(
        event,
        ServerMsg::Pinned { .. }
            | ServerMsg::Unpinned { .. }
            | ServerMsg::DealStarted { .. }
            | ServerMsg::DealChanged { .. }
            | ServerMsg::DealEnded { .. }
            | ServerMsg::Gifted { .. }
            | ServerMsg::Leaderboard { .. }
            | ServerMsg::Chat { .. }
            | ServerMsg::ChatRemoved { .. }
            | ServerMsg::PinnedMessage { .. }
            | ServerMsg::Likes { .. }
            | ServerMsg::ViewerCount { .. }
    )
}

/// The programme time of `event` published at `now_ms`: a tag's own frame,
/// else when it was published (the frame arriving then).
pub fn programme_time(event: &ServerMsg, now_ms: i64) -> i64 {
    match event {
        ServerMsg::Pinned { pin, .. } => pin.at,
        ServerMsg::Unpinned { at, .. } => *at,
        _ => now_ms,
    }
}

/// Writes the show's gathered events every [`FLUSH`], until the task is dropped.
pub async fn keep(stage: Arc<Stage>) {
    let mut stored = match stage.pool.acquire().await {
        Ok(mut conn) => stored_bytes(&mut conn, &stage.show.id).await.unwrap_or(0),
        Err(_) => 0,
    };
    let mut interval = tokio::time::interval(FLUSH);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match write(&stage, stored).await {
            Ok(written) => stored += written,
            Err(error) => tracing::error!(show = %stage.show.id, %error, "cannot keep events"),
        }
    }
}

/// Writes what the hub gathered now (the server is stopping).
pub async fn flush(stage: &Stage) {
    if let Err(error) = write(stage, 0).await {
        tracing::error!(show = %stage.show.id, %error, "cannot keep the last events");
    }
}

/// Writes the gathered events in one transaction; the bytes written.
async fn write(stage: &Stage, stored: i64) -> Result<i64, AppError> {
    let events = stage.hub.take_log();
    if events.is_empty() {
        return Ok(0);
    }
    let bytes: i64 = events.iter().map(|(_, text)| text.len() as i64).sum();
    if stored + bytes > MAX_LOG_BYTES {
        tracing::warn!(show = %stage.show.id, "event log full: later events are not kept");
        return Ok(0);
    }
    let _write = stage.writer.lock().await;
    let mut tx = stage.pool.begin().await?;
    for (at, text) in &events {
        sqlx::query("INSERT INTO show_events (show_id, at_ms, body) VALUES (?, ?, ?)")
            .bind(&stage.show.id)
            .bind(at)
            .bind(text.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(bytes)
}

/// Bytes of events kept for `show`.
pub async fn stored_bytes(conn: &mut SqliteConnection, show: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(SUM(LENGTH(body)), 0) FROM show_events WHERE show_id = ?",
    )
    .bind(show)
    .fetch_one(&mut *conn)
    .await?)
}

/// The replay's log: `show`'s events within `window`, by time, without the
/// lines a moderator removed (nor the removals), and without any chat when
/// `chat` is false.
pub async fn read(
    conn: &mut SqliteConnection,
    show: &str,
    window: (i64, i64),
    chat: bool,
) -> Result<ReplayLog, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT at_ms, body FROM show_events WHERE show_id = ? AND at_ms <= ? ORDER BY at_ms, id",
    )
    .bind(show)
    .bind(window.1)
    .fetch_all(&mut *conn)
    .await?;
    let mut events: Vec<(i64, ServerMsg)> = rows
        .into_iter()
        .filter_map(|(at, body)| Some((at, serde_json::from_str(&body).ok()?)))
        .collect();
    let removed: std::collections::HashSet<u64> = events
        .iter()
        .flat_map(|(_, e)| match e {
            ServerMsg::ChatRemoved { ids, .. } => ids.clone(),
            _ => Vec::new(),
        })
        .collect();
    events.retain_mut(|(_, event)| match event {
        ServerMsg::Chat { messages, .. } => {
            messages.retain(|m| !removed.contains(&m.id));
            chat && !messages.is_empty()
        }
        ServerMsg::ChatRemoved { .. } => false,
        _ => true,
    });
    Ok(ReplayLog {
        starts_ms: window.0,
        ends_ms: window.1,
        events: before_window(events, window.0),
    })
}

/// Events before the window matter only for the state they leave (the tags up,
/// the likes so far): they are folded to the window's start, where the replay
/// begins, and dropped when superseded by a later one of their kind.
fn before_window(events: Vec<(i64, ServerMsg)>, start: i64) -> Vec<(i64, ServerMsg)> {
    let first_inside = events.partition_point(|(at, _)| *at < start);
    let mut kept: Vec<(i64, ServerMsg)> = Vec::new();
    for (_, event) in &events[..first_inside] {
        // Running totals: only the last one before the start counts.
        let total = matches!(
            event,
            ServerMsg::Likes { .. }
                | ServerMsg::ViewerCount { .. }
                | ServerMsg::Leaderboard { .. }
                | ServerMsg::PinnedMessage { .. }
        );
        if total {
            kept.retain(|(_, k)| std::mem::discriminant(k) != std::mem::discriminant(event));
        }
        // Chat before the start is not replayed; gifts before it are gone from the lane.
        if !matches!(event, ServerMsg::Chat { .. } | ServerMsg::Gifted { .. }) {
            kept.push((start, event.clone()));
        }
    }
    kept.extend(events.into_iter().skip(first_inside));
    kept
}

/// Deletes `show`'s events (its replay was removed).
pub async fn remove(conn: &mut SqliteConnection, show: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM show_events WHERE show_id = ?")
        .bind(show)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// `(programme ms, event)` for the hub to gather, if `event` is kept.
pub fn entry(event: &ServerMsg, text: &Utf8Bytes) -> Option<(i64, Utf8Bytes)> {
    kept(event).then(|| (programme_time(event, now_ms()), text.clone()))
}
