//! Stream keys: the secret in a host's RTMP address, one per show, kept in
//! the database so that a rotation made from the command line while the server runs
//! takes effect on the next publish.

use rand::distr::{Alphanumeric, SampleString};
use subtle::ConstantTimeEq;

use crate::db::Pool;
use crate::error::AppError;

/// 32 characters from 62: about 190 bits, more than enough against guessing.
const KEY_LEN: usize = 32;

fn generate() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), KEY_LEN)
}

/// The show's key, created on first use.
pub async fn current(pool: &Pool, show_id: &str) -> Result<String, AppError> {
    sqlx::query(
        "INSERT INTO stream_keys (show_id, stream_key, created_at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(show_id)
    .bind(generate())
    .bind(crate::clock::now_ms())
    .execute(pool)
    .await?;
    let key: (String,) = sqlx::query_as("SELECT stream_key FROM stream_keys WHERE show_id = $1")
        .bind(show_id)
        .fetch_one(pool)
        .await?;
    Ok(key.0)
}

/// Replaces the show's key with a new one and returns it.
pub async fn rotate(pool: &Pool, show_id: &str) -> Result<String, AppError> {
    let key = generate();
    sqlx::query(
        "INSERT INTO stream_keys (show_id, stream_key, created_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (show_id) DO UPDATE SET stream_key = excluded.stream_key, created_at_ms = excluded.created_at_ms",
    )
    .bind(show_id)
    .bind(&key)
    .bind(crate::clock::now_ms())
    .execute(pool)
    .await?;
    Ok(key)
}

/// Whether `offered` is the key; the time taken does not depend on where they differ.
pub fn matches(offered: &str, key: &str) -> bool {
    offered.as_bytes().ct_eq(key.as_bytes()).into()
}

/// What a log may say about a key someone offered: its length and first characters only.
pub fn redacted(offered: &str) -> String {
    let head: String = offered.chars().take(3).collect();
    format!("{head}… ({} chars)", offered.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_url_safe_and_long() {
        let key = generate();
        assert_eq!(key.len(), KEY_LEN);
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(key, generate());
    }

    #[test]
    fn only_the_exact_key_matches() {
        assert!(matches("abc", "abc"));
        assert!(!matches("abd", "abc"));
        assert!(!matches("ab", "abc"));
        assert!(!matches("", "abc"));
    }

    #[test]
    fn redaction_keeps_the_secret_out_of_logs() {
        let shown = redacted("supersecretkey");
        assert!(!shown.contains("secret"));
        assert!(shown.starts_with("sup"));
    }
}
