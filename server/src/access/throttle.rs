//! Sign-in throttling: after [`FAILURES`] wrong passwords for one email, or
//! from one address, within [`WINDOW_MS`], further tries are refused until the
//! window has passed, right or wrong, without checking the password.
//!
//! The counts are kept in the database, so every server sharing it counts the
//! same tries. A try is counted before its password is checked (and given
//! back when it was right), so tries sent at once cannot outrun the count.

use std::net::IpAddr;

use crate::db::Pool;
use crate::error::AppError;

/// Wrong passwords allowed per window, per email and per client address.
pub const FAILURES: i64 = 5;
/// The window, in ms.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Rows kept at most; the oldest windows are forgotten first.
// why: every key is chosen by whoever signs in, so the table needs a bound.
const MAX_ROWS: i64 = 10_000;

/// Whose tries a sign-in counts against: its email's and its address's.
pub struct Keys {
    email: String,
    address: String,
}

impl Keys {
    /// The keys of a sign-in as `email` (normalized) from `address`.
    pub fn new(email: &str, address: IpAddr) -> Keys {
        Keys {
            email: format!("email:{email}"),
            address: format!("ip:{address}"),
        }
    }
}

/// Counts a try against `keys` at `now_ms`, before its password is checked;
/// the milliseconds until it may try again when it is refused: one of `keys`
/// is locked (nothing is counted), or this try went past the limit (tries sent
/// at once, each counted before any was checked).
pub async fn admit(pool: &Pool, keys: &Keys, now_ms: i64) -> Result<Option<i64>, AppError> {
    let opened_after = now_ms - WINDOW_MS;
    let locked: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(window_start_ms) FROM sign_in_tries \
         WHERE key IN ($1, $2) AND tries >= $3 AND window_start_ms > $4",
    )
    .bind(&keys.email)
    .bind(&keys.address)
    .bind(FAILURES)
    .bind(opened_after)
    .fetch_one(pool)
    .await?;
    if let Some(started) = locked {
        return Ok(Some(started + WINDOW_MS - now_ms));
    }
    // One statement counts both, so tries sent at once are counted in one
    // order for the email and the address alike. A window that has passed
    // starts again with this try.
    let counted: Vec<(i64, i64)> = sqlx::query_as(
        "INSERT INTO sign_in_tries (key, window_start_ms, tries) VALUES ($1, $3, 1), ($2, $3, 1)
         ON CONFLICT (key) DO UPDATE SET
             tries = CASE WHEN sign_in_tries.window_start_ms > $4
                          THEN sign_in_tries.tries + 1 ELSE 1 END,
             window_start_ms = CASE WHEN sign_in_tries.window_start_ms > $4
                          THEN sign_in_tries.window_start_ms ELSE $3 END
         RETURNING tries, window_start_ms",
    )
    .bind(&keys.email)
    .bind(&keys.address)
    .bind(now_ms)
    .bind(opened_after)
    .fetch_all(pool)
    .await?;
    let over = counted
        .into_iter()
        .filter(|(tries, _)| *tries > FAILURES)
        .map(|(_, started)| started + WINDOW_MS - now_ms)
        .max();
    forget(pool, opened_after, MAX_ROWS).await?;
    Ok(over)
}

/// A right password: the email's count is cleared, and the address gets its
/// try back, not its count (one attacker's good account must not reset
/// their guesses at others).
pub async fn succeeded(pool: &Pool, keys: &Keys) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_tries WHERE key = $1")
        .bind(&keys.email)
        .execute(pool)
        .await?;
    sqlx::query("UPDATE sign_in_tries SET tries = tries - 1 WHERE key = $1 AND tries > 0")
        .bind(&keys.address)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes the windows opened at or before `opened_after`, and the oldest
/// others until at most `max_rows` are left.
async fn forget(pool: &Pool, opened_after: i64, max_rows: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_tries WHERE window_start_ms <= $1")
        .bind(opened_after)
        .execute(pool)
        .await?;
    sqlx::query(
        "DELETE FROM sign_in_tries WHERE window_start_ms <= (
             SELECT window_start_ms FROM sign_in_tries
             ORDER BY window_start_ms DESC LIMIT 1 OFFSET $1)",
    )
    .bind(max_rows)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{self, Location};

    async fn pool(dir: &tempfile::TempDir) -> Pool {
        let location = Location::Sqlite(dir.path().join("lapak.db"));
        db::open(&location).await.unwrap()
    }

    fn keys(email: &str, ip: [u8; 4]) -> Keys {
        Keys::new(email, ip.into())
    }

    async fn wrong(pool: &Pool, keys: &Keys, now_ms: i64) -> Option<i64> {
        admit(pool, keys, now_ms).await.unwrap()
    }

    #[tokio::test]
    async fn five_failures_lock_the_email_and_the_address_for_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let k = keys("a@x", [1, 1, 1, 1]);
        for _ in 0..FAILURES {
            assert_eq!(wrong(&pool, &k, 0).await, None);
        }
        assert_eq!(wrong(&pool, &k, 1000).await, Some(WINDOW_MS - 1000));
        assert_eq!(
            wrong(&pool, &keys("a@x", [2, 2, 2, 2]), 1000).await,
            Some(WINDOW_MS - 1000),
            "another address, same email"
        );
        assert_eq!(
            wrong(&pool, &keys("b@x", [1, 1, 1, 1]), 1000).await,
            Some(WINDOW_MS - 1000),
            "same address, another email"
        );
        assert_eq!(wrong(&pool, &keys("b@x", [2, 2, 2, 2]), 1000).await, None);
        assert_eq!(wrong(&pool, &k, WINDOW_MS).await, None, "the window passed");
    }

    #[tokio::test]
    async fn a_right_password_clears_the_emails_count_not_the_addresss() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let k = keys("a@x", [1, 1, 1, 1]);
        for _ in 0..FAILURES - 1 {
            assert_eq!(wrong(&pool, &k, 0).await, None);
        }
        // The fifth try is the right password.
        assert_eq!(admit(&pool, &k, 0).await.unwrap(), None);
        succeeded(&pool, &k).await.unwrap();
        assert_eq!(
            wrong(&pool, &keys("a@x", [2, 2, 2, 2]), 0).await,
            None,
            "the email starts again"
        );
        assert_eq!(
            wrong(&pool, &keys("b@x", [1, 1, 1, 1]), 0).await,
            None,
            "the address's fifth try"
        );
        assert!(wrong(&pool, &keys("c@x", [1, 1, 1, 1]), 0).await.is_some());
    }

    #[tokio::test]
    async fn the_table_stays_bounded_under_many_emails() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        for i in 0..150u8 {
            wrong(&pool, &keys(&format!("{i}@x"), [1, 1, 1, i]), i.into()).await;
        }
        forget(&pool, -1, 100).await.unwrap();
        let kept: Vec<String> =
            sqlx::query_scalar("SELECT key FROM sign_in_tries ORDER BY window_start_ms DESC")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(kept.len() <= 100, "{}", kept.len());
        assert!(
            kept.contains(&"email:149@x".to_owned()),
            "the newest are kept"
        );
    }
}
