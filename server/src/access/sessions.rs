//! Studio sessions: a secret in an HttpOnly, SameSite=Strict cookie, kept
//! here as its digest, and a CSRF token every change must carry in a header.

use super::secrets;
use super::users::{self, User};
use crate::db::Pool;
use crate::error::AppError;

/// How long a session lasts: a working day and a show.
pub const LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// The cookie's name.
pub const COOKIE: &str = "lapak_studio";

/// A session just opened: the cookie's secret and the CSRF token.
pub struct Opened {
    /// The cookie's value.
    pub secret: String,
    /// What the studio sends back in `X-CSRF-Token`.
    pub csrf: String,
}

/// Opens a session for `user`, dropping expired ones.
pub async fn open(pool: &Pool, user: &User) -> Result<Opened, AppError> {
    let now = crate::clock::now_ms();
    sqlx::query("DELETE FROM studio_sessions WHERE expires_at_ms <= $1")
        .bind(now)
        .execute(pool)
        .await?;
    let opened = Opened {
        secret: secrets::generate(),
        csrf: secrets::generate(),
    };
    sqlx::query(
        "INSERT INTO studio_sessions (token_sha256, user_id, csrf, expires_at_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(secrets::digest(&opened.secret))
    .bind(user.id)
    .bind(&opened.csrf)
    .bind(now + LIFETIME_MS)
    .execute(pool)
    .await?;
    Ok(opened)
}

/// The user and CSRF token of the live session whose cookie holds `secret`.
pub async fn find(pool: &Pool, secret: &str) -> Result<Option<(User, String)>, AppError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT user_id, csrf FROM studio_sessions WHERE token_sha256 = $1 AND expires_at_ms > $2",
    )
    .bind(secrets::digest(secret))
    .bind(crate::clock::now_ms())
    .fetch_optional(pool)
    .await?;
    let Some((user_id, csrf)) = row else {
        return Ok(None);
    };
    Ok(users::by_id(pool, user_id).await?.map(|user| (user, csrf)))
}

/// Ends the session whose cookie holds `secret`.
pub async fn close(pool: &Pool, secret: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM studio_sessions WHERE token_sha256 = $1")
        .bind(secrets::digest(secret))
        .execute(pool)
        .await?;
    Ok(())
}
