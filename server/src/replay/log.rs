//! The show's event log: every event viewers see over the picture, with its
//! programme time, kept while the show is on air. The hub gathers the events
//! it publishes (`Hub::take_log`); the show's task writes them every [`FLUSH`]
//! as one row ([`Row`]), a deflated JSON array of `[programme ms, event]`, and
//! once more when the server stops.

use std::time::Duration;

use lapak_protocol::replay::ReplayLog;
use lapak_protocol::ServerMsg;

use crate::clock::now_ms;
use crate::db::{Conn, Pool};
use crate::error::AppError;
use crate::hub::Frame;

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

/// Gathered events as one row of a show's log.
pub struct Row {
    /// The earliest programme time among them.
    first_ms: i64,
    /// How many.
    events: usize,
    /// Their deflated JSON array of `[programme ms, event]`.
    body: Vec<u8>,
}

impl Row {
    /// `events` as a row; `None` when there are none.
    pub fn of(events: &[(i64, Frame)]) -> Result<Option<Row>, AppError> {
        let Some(first_ms) = events.iter().map(|(at, _)| *at).min() else {
            return Ok(None);
        };
        Ok(Some(Row {
            first_ms,
            events: events.len(),
            body: deflate(events)?,
        }))
    }

    /// Its size in the log.
    pub fn bytes(&self) -> i64 {
        self.body.len() as i64
    }
}

/// Adds `row` to `show`'s log.
pub async fn append(pool: &Pool, show: &str, row: &Row) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO show_events (show_id, first_ms, events, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(show)
    .bind(row.first_ms)
    .bind(row.events as i64)
    .bind(&row.body)
    .execute(pool)
    .await?;
    Ok(())
}

/// `events` as a deflated JSON array of `[programme ms, event]`; the events
/// are already JSON, so they are joined, not serialized again.
fn deflate(events: &[(i64, Frame)]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(b"[")?;
    for (i, (at, text)) in events.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        write!(encoder, "{comma}[{at},{}]", text.json())?;
    }
    encoder.write_all(b"]")?;
    encoder.finish()
}

/// One row's events.
fn inflate(body: &[u8]) -> Result<Vec<(i64, ServerMsg)>, AppError> {
    let reader = flate2::read::DeflateDecoder::new(body);
    Ok(serde_json::from_reader(reader)?)
}

/// Bytes of events kept for `show`.
pub async fn stored_bytes(conn: &mut Conn, show: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(LENGTH(body)), 0) AS BIGINT) FROM show_events WHERE show_id = $1",
    )
    .bind(show)
    .fetch_one(&mut *conn)
    .await?)
}

/// The replay's log: `show`'s events within `window`, by time, without the
/// lines a moderator removed (nor the removals), and without any chat when
/// `chat` is false.
pub async fn read(
    conn: &mut Conn,
    show: &str,
    window: (i64, i64),
    chat: bool,
) -> Result<ReplayLog, AppError> {
    let rows: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT body FROM show_events WHERE show_id = $1 AND first_ms <= $2 ORDER BY id",
    )
    .bind(show)
    .bind(window.1)
    .fetch_all(&mut *conn)
    .await?;
    let mut events = Vec::new();
    for body in rows {
        events.extend(
            inflate(&body)?
                .into_iter()
                .filter(|(at, _)| *at <= window.1),
        );
    }
    // Written in publishing order; a tag's frame may be earlier than its row's.
    events.sort_by_key(|(at, _)| *at);
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
pub async fn remove(conn: &mut Conn, show: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM show_events WHERE show_id = $1")
        .bind(show)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// `(programme ms, event)` for the hub to gather, if `event` is kept.
pub fn entry(frame: &Frame) -> Option<(i64, Frame)> {
    let event = frame.msg();
    kept(event).then(|| (programme_time(event, now_ms()), frame.clone()))
}
