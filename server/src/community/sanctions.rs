//! Moderators' sanctions on viewers of a show: muted until a time, or banned.
//! A sanctioned viewer's chat lines are refused (`muted`, saying until when);
//! everything else (watching, buying, gifts) goes on.

use serde::Serialize;

use crate::db::{Conn, Pool};
use crate::error::AppError;

/// A viewer's sanction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sanction {
    /// No chat until `until_ms` (Unix ms).
    Muted {
        /// When it ends.
        until_ms: i64,
    },
    /// No chat in this show.
    Banned,
}

/// Sets `session`'s sanction in `show` (replacing any). `false` when there is
/// no such session: nothing is stored for viewers who never were.
pub async fn set(
    pool: &Pool,
    show: &str,
    session: i64,
    sanction: Sanction,
    by: &str,
) -> Result<bool, AppError> {
    let until = match sanction {
        Sanction::Muted { until_ms } => Some(until_ms),
        Sanction::Banned => None,
    };
    let done = sqlx::query(
        "INSERT INTO chat_sanctions (show_id, session_id, until_ms, by_whom, at_ms) \
         SELECT $1, id, $2, $3, $4 FROM sessions WHERE id = $5 \
         ON CONFLICT (show_id, session_id) DO UPDATE SET \
           until_ms = excluded.until_ms, by_whom = excluded.by_whom, at_ms = excluded.at_ms",
    )
    .bind(show)
    .bind(until)
    .bind(by)
    .bind(crate::clock::now_ms())
    .bind(session)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Lifts `session`'s sanction in `show`; `false` if it had none.
pub async fn lift(pool: &Pool, show: &str, session: i64) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM chat_sanctions WHERE show_id = $1 AND session_id = $2")
        .bind(show)
        .bind(session)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// `session`'s sanction in `show` in force at `now_ms`, if any.
pub async fn in_force(
    conn: &mut Conn,
    show: &str,
    session: i64,
    now_ms: i64,
) -> Result<Option<Sanction>, AppError> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT until_ms FROM chat_sanctions WHERE show_id = $1 AND session_id = $2",
    )
    .bind(show)
    .bind(session)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some((None,)) => Some(Sanction::Banned),
        Some((Some(until_ms),)) if until_ms > now_ms => Some(Sanction::Muted { until_ms }),
        _ => None,
    })
}
