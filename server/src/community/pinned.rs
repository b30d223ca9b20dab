//! The host's message above the chat: the show file's to begin with, then
//! whatever a host sets from the studio or the API, kept across restarts.
//! It is shown like a chat line, so it obeys a chat line's rules.

use sqlx::SqliteConnection;

use super::text;
use crate::error::AppError;
use crate::show::ShowFile;

/// The message to show now: the last one a host set, else the show file's.
pub async fn current(
    conn: &mut SqliteConnection,
    show: &ShowFile,
) -> Result<Option<String>, AppError> {
    let set: Option<Option<String>> =
        sqlx::query_scalar("SELECT pinned FROM pinned_messages WHERE show_id = ?")
            .bind(&show.id)
            .fetch_optional(conn)
            .await?;
    Ok(set.unwrap_or_else(|| show.community.pinned.clone()))
}

/// `raw` as viewers will read it (hidden characters dropped, one line, 1 to
/// the chat's length), or why not; `None` takes the message down.
pub fn check(raw: Option<&str>) -> Result<Option<String>, lapak_protocol::ChatError> {
    raw.map(text::chat).transpose()
}

/// Keeps `message` as the show's, set by `who`.
pub async fn keep(
    conn: &mut SqliteConnection,
    show: &str,
    message: Option<&str>,
    who: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO pinned_messages (show_id, pinned, by_whom, at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (show_id) DO UPDATE SET pinned = excluded.pinned,
             by_whom = excluded.by_whom, at_ms = excluded.at_ms",
    )
    .bind(show)
    .bind(message)
    .bind(who)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}
