//! API tokens for a brand's own systems: `lpk_` and a 256-bit secret, shown
//! once when made and kept here as its digest, with scopes, an optional expiry,
//! a revocation time and when it was last used.

use serde::Serialize;

use super::{secrets, Scope};
use crate::db::Pool;
use crate::error::AppError;

/// What every token starts with, so secret scanners can find leaked ones.
pub const PREFIX: &str = "lpk_";
/// Live tokens a brand may hold; each costs a row.
pub const MAX_PER_BRAND: i64 = 50;
/// How stale a token's last use may get before a request notes it again: a
/// system calling many times a second costs one write a minute, not one a call.
pub const USE_NOTED_EVERY_MS: i64 = 60_000;

/// A token as listed (never its secret).
#[derive(Clone, Debug, Serialize)]
pub struct TokenInfo {
    /// Row id: what revoking names.
    pub id: i64,
    /// What its maker called it.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// When it was made, Unix ms.
    pub created_at_ms: i64,
    /// When it stops working, if ever.
    pub expires_at_ms: Option<i64>,
    /// When it was revoked.
    pub revoked_at_ms: Option<i64>,
    /// When a request last came with it, within [`USE_NOTED_EVERY_MS`].
    pub last_used_at_ms: Option<i64>,
}

/// A brand and the scopes of a live token.
pub struct Granted {
    /// The token's row id.
    pub id: i64,
    /// Its brand.
    pub brand: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
}

type Row = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn info(
    (id, name, scopes, created_at_ms, expires_at_ms, revoked_at_ms, last_used_at_ms): Row,
) -> TokenInfo {
    TokenInfo {
        id,
        name,
        scopes: Scope::parse_list(&scopes),
        created_at_ms,
        expires_at_ms,
        revoked_at_ms,
        last_used_at_ms,
    }
}

/// Makes a token for `brand`; returns it (the only time its secret is seen)
/// and its listing. `None` when the brand already holds [`MAX_PER_BRAND`].
pub async fn create(
    pool: &Pool,
    brand: &str,
    maker: i64,
    name: &str,
    scopes: &[Scope],
    expires_at_ms: Option<i64>,
) -> Result<Option<(String, TokenInfo)>, AppError> {
    let now = crate::clock::now_ms();
    let mut tx = pool.begin().await?;
    let (live,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM api_tokens WHERE brand_id = $1 AND revoked_at_ms IS NULL \
         AND (expires_at_ms IS NULL OR expires_at_ms > $2)",
    )
    .bind(brand)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if live >= MAX_PER_BRAND {
        return Ok(None);
    }
    let secret = format!("{PREFIX}{}", secrets::generate());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (brand_id, name, token_sha256, scopes, created_by, created_at_ms, expires_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(brand)
    .bind(name)
    .bind(secrets::digest(&secret))
    .bind(Scope::join(scopes))
    .bind(maker)
    .bind(now)
    .bind(expires_at_ms)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let listed = info((
        id,
        name.to_owned(),
        Scope::join(scopes),
        now,
        expires_at_ms,
        None,
        None,
    ));
    Ok(Some((secret, listed)))
}

/// The brand's tokens, newest first.
pub async fn list(pool: &Pool, brand: &str) -> Result<Vec<TokenInfo>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, scopes, created_at_ms, expires_at_ms, revoked_at_ms, last_used_at_ms \
         FROM api_tokens WHERE brand_id = $1 ORDER BY id DESC",
    )
    .bind(brand)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// Revokes the brand's token `id`; `false` if the brand has no such token.
pub async fn revoke(pool: &Pool, brand: &str, id: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at_ms = COALESCE(revoked_at_ms, $1) WHERE id = $2 AND brand_id = $3",
    )
    .bind(crate::clock::now_ms())
    .bind(id)
    .bind(brand)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the token `secret` grants, if it is live (known, not revoked, not
/// expired); its use is noted when the last one noted is a minute old.
pub async fn find(pool: &Pool, secret: &str) -> Result<Option<Granted>, AppError> {
    if !secret.starts_with(PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let now = crate::clock::now_ms();
    let row: Option<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, brand_id, scopes, last_used_at_ms FROM api_tokens WHERE token_sha256 = $1 \
         AND revoked_at_ms IS NULL AND (expires_at_ms IS NULL OR expires_at_ms > $2)",
    )
    .bind(secrets::digest(secret))
    .bind(now)
    .fetch_optional(pool)
    .await?;
    let Some((id, brand, scopes, last_used_at_ms)) = row else {
        return Ok(None);
    };
    if last_used_at_ms.is_none_or(|at| now - at >= USE_NOTED_EVERY_MS) {
        note_use(pool, id, now).await;
    }
    Ok(Some(Granted {
        id,
        brand,
        scopes: Scope::parse_list(&scopes),
    }))
}

/// Notes that token `id` was used at `now`, unless another request (on this
/// server or another sharing the database) noted it within the minute. A
/// failure is logged, not answered: bookkeeping never refuses a live token.
async fn note_use(pool: &Pool, id: i64, now: i64) {
    let noted = sqlx::query(
        "UPDATE api_tokens SET last_used_at_ms = $1 WHERE id = $2 \
         AND (last_used_at_ms IS NULL OR last_used_at_ms <= $3)",
    )
    .bind(now)
    .bind(id)
    .bind(now - USE_NOTED_EVERY_MS)
    .execute(pool)
    .await;
    if let Err(error) = noted {
        tracing::warn!(token = id, %error, "a token's use could not be noted");
    }
}
