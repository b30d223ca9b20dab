//! Stored answers: the answer given to each command id that changed
//! something, so that a retry with the same id gets it again and changes
//! nothing. A refusal that changed nothing is not stored (a retry is simply
//! checked again), so nothing a sender makes up is kept. What is stored is
//! bounded: an answer is kept for [`RETENTION`], far longer than any viewer
//! retries, and each session keeps at most its [`KEEP_PER_SESSION`] newest.
//! Orders and coin top-ups do not depend on it alone: their own rows carry
//! their command ids, so a retry finds them after their answer is dropped.

use std::time::Duration;

use lapak_protocol::{RejectCode, ServerMsg};

use crate::clock::now_ms;
use crate::db::{Conn, Pool, Writer};
use crate::error::AppError;

/// How long an answer is kept.
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// Answers kept per session, newest first.
pub const KEEP_PER_SESSION: i64 = 256;
/// How often old answers are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A plain `Ack`.
pub fn ack(id: &str) -> ServerMsg {
    ServerMsg::Ack {
        id: id.to_owned(),
        cart: None,
        order: None,
        wallet: None,
        chat: None,
    }
}

/// A `Reject` answer to command `id`.
pub fn reject(id: &str, code: RejectCode, message: String) -> ServerMsg {
    ServerMsg::Reject {
        id: id.to_owned(),
        code,
        message,
    }
}

/// The answer already given to command `id`, if any.
pub async fn stored(
    conn: &mut Conn,
    session: i64,
    id: &str,
) -> Result<Option<ServerMsg>, AppError> {
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT response FROM processed_commands WHERE session_id = $1 AND command_id = $2",
    )
    .bind(session)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(stored.map(|s| serde_json::from_str(&s)).transpose()?)
}

/// Records the answer to command `id`, so a retry gets it again and changes nothing.
pub async fn store(
    conn: &mut Conn,
    session: i64,
    id: &str,
    reply: &ServerMsg,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO processed_commands (session_id, command_id, response, stored_at_ms)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(session)
    .bind(id)
    .bind(serde_json::to_string(reply)?)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the answer to command `id`: a payment's `payment_pending`, once it is settled.
pub async fn replace(
    conn: &mut Conn,
    session: i64,
    id: &str,
    reply: &ServerMsg,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE processed_commands SET response = $1 WHERE session_id = $2 AND command_id = $3",
    )
    .bind(serde_json::to_string(reply)?)
    .bind(session)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops answers older than [`RETENTION`] at `now_ms` and all but each
/// session's [`KEEP_PER_SESSION`] newest; returns how many went.
pub async fn prune(conn: &mut Conn, now_ms: i64) -> Result<u64, AppError> {
    let cutoff = now_ms.saturating_sub(RETENTION.as_millis() as i64);
    let old = sqlx::query("DELETE FROM processed_commands WHERE stored_at_ms < $1")
        .bind(cutoff)
        .execute(&mut *conn)
        .await?;
    let over = sqlx::query(
        "DELETE FROM processed_commands WHERE (session_id, command_id) IN (
             SELECT session_id, command_id FROM (
                 SELECT session_id, command_id, ROW_NUMBER() OVER (
                     PARTITION BY session_id ORDER BY stored_at_ms DESC, command_id DESC) AS newest
                 FROM processed_commands) AS ranked
             WHERE newest > $1)",
    )
    .bind(KEEP_PER_SESSION)
    .execute(conn)
    .await?;
    Ok(old.rows_affected() + over.rows_affected())
}

/// Prunes every [`PRUNE_EVERY`], under the writer lock like every write.
pub async fn keep_bounded(pool: Pool, writer: Writer) {
    let mut tick = tokio::time::interval(PRUNE_EVERY);
    loop {
        tick.tick().await;
        let _write = writer.lock().await;
        let pruned = async {
            let mut conn = pool.acquire().await?;
            prune(&mut conn, now_ms()).await
        };
        match pruned.await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(n, "old answers dropped"),
            Err(error) => tracing::error!(%error, "dropping old answers failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn session(conn: &mut Conn, token: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO sessions (token, name, created_at_ms) VALUES ($1, 'x', 0) RETURNING id",
        )
        .bind(token)
        .fetch_one(conn)
        .await
        .unwrap()
    }

    async fn put(conn: &mut Conn, session: i64, id: &str, at_ms: i64) {
        sqlx::query(
            "INSERT INTO processed_commands (session_id, command_id, response, stored_at_ms)
             VALUES ($1, $2, '{\"type\":\"Pong\",\"server_time_ms\":0}', $3)",
        )
        .bind(session)
        .bind(id)
        .bind(at_ms)
        .execute(conn)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn old_answers_and_all_but_each_sessions_newest_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(&crate::db::Location::Sqlite(dir.path().join("t.db")))
            .await
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let now = 10 * RETENTION.as_millis() as i64;
        let (busy, quiet) = (session(&mut conn, "a").await, session(&mut conn, "b").await);
        let day_old = now - RETENTION.as_millis() as i64 - 1;
        put(&mut conn, quiet, "old", day_old).await;
        put(&mut conn, quiet, "recent", now - 1_000).await;
        for i in 0..KEEP_PER_SESSION + 10 {
            put(&mut conn, busy, &format!("c{i}"), now - 100_000 + i).await;
        }
        assert_eq!(prune(&mut conn, now).await.unwrap(), 11);
        assert!(stored(&mut conn, quiet, "old").await.unwrap().is_none());
        assert!(stored(&mut conn, quiet, "recent").await.unwrap().is_some());
        assert!(
            stored(&mut conn, busy, "c9").await.unwrap().is_none(),
            "the oldest go"
        );
        assert!(stored(&mut conn, busy, "c10").await.unwrap().is_some());
        let kept: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM processed_commands WHERE session_id = $1")
                .bind(busy)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(kept, KEEP_PER_SESSION);
    }
}
