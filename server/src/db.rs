//! The SQLite pool, built once at start, and the show's persistent setup.
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

use crate::error::AppError;
use crate::show::ShowFile;

/// How a transaction that writes begins. A plain (deferred) `BEGIN` reads
/// first and takes the write lock at its first write; if another connection
/// committed in between (a new session, the payment provider's record), SQLite
/// cannot upgrade the stale snapshot and fails at once with `SQLITE_BUSY_SNAPSHOT`
/// instead of waiting. `IMMEDIATE` takes the write lock up front, waiting up to
/// the busy timeout, so the transaction reads the latest data and never fails that way.
pub const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// Opens (creating if needed) the database and runs the migrations.
///
/// WAL with `synchronous = NORMAL`: a committed transaction survives the
/// process being killed (the WAL is in the OS's hands once written); only an
/// OS crash or power loss can lose the last commits, which is acceptable for
/// sessions and carts. Orders use [`open_durable`].
pub async fn open(path: &Path) -> Result<SqlitePool, AppError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options(path, SqliteSynchronous::Normal)?)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// A second pool on the same (already opened) database for order transactions,
/// with `synchronous = FULL`: the WAL is synced at every commit, so an order the
/// server has acknowledged survives power loss too, not only a killed process.
pub async fn open_durable(path: &Path) -> Result<SqlitePool, AppError> {
    Ok(SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options(path, SqliteSynchronous::Full)?)
        .await?)
}

fn options(path: &Path, synchronous: SqliteSynchronous) -> Result<SqliteConnectOptions, AppError> {
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}

/// Gives sessions opened before shows had their own to the default show `show`.
pub async fn adopt_sessions(conn: &mut SqliteConnection, show: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET show_id = ? WHERE show_id = ''")
        .bind(show)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the show's start (first run only: its scheduled time, or now for a
/// show without one) and seeds its stock; returns when it started.
pub async fn prepare_show(
    pool: &SqlitePool,
    show: &ShowFile,
    now_ms: i64,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    // A show that has not begun follows its file's schedule, also when moved;
    // once begun, its clock is kept (its timeline resumes where it was).
    sqlx::query(
        "INSERT INTO shows (id, started_at_ms) VALUES (?, ?)
         ON CONFLICT (id) DO UPDATE SET started_at_ms = excluded.started_at_ms
         WHERE shows.started_at_ms > ?",
    )
    .bind(&show.id)
    .bind(show.starts_at_ms().unwrap_or(now_ms))
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    for product in &show.products {
        for variant in &product.variants {
            sqlx::query("INSERT OR IGNORE INTO stock (show_id, product_id, variant_id, quantity) VALUES (?, ?, ?, ?)")
                .bind(&show.id)
                .bind(&product.id)
                .bind(&variant.id)
                .bind(i64::from(variant.stock))
                .execute(&mut *tx)
                .await?;
        }
    }
    let started: i64 = sqlx::query_scalar("SELECT started_at_ms FROM shows WHERE id = ?")
        .bind(&show.id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(started)
}

/// Units available for every variant of the show, as `(product, variant, units)`,
/// read on `conn` (inside a transaction, if it is one).
pub async fn stock(
    conn: &mut sqlx::SqliteConnection,
    show_id: &str,
) -> Result<Vec<(String, String, u32)>, AppError> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT product_id, variant_id, quantity FROM stock WHERE show_id = ?")
            .bind(show_id)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(p, v, q)| (p, v, u32::try_from(q).unwrap_or(0)))
        .collect())
}

/// A viewer's session as stored.
pub struct SessionRow {
    /// Row id: the session's handle inside the server, and its public viewer id.
    pub id: i64,
    /// Secret token the viewer keeps.
    pub token: String,
}

/// The session for `token`, or a new one (with a fresh token and name) when it is
/// unknown. How others see it (name, club, badge) is the community's: `community::viewer`.
pub async fn session(
    pool: &SqlitePool,
    show: &str,
    token: Option<&str>,
    now_ms: i64,
) -> Result<SessionRow, AppError> {
    if let Some(token) = token {
        // Another show's token starts a new session: carts and coins stay with their show.
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sessions WHERE token = ? AND show_id = ?")
                .bind(token)
                .bind(show)
                .fetch_optional(pool)
                .await?;
        if let Some(id) = found {
            let token = token.to_owned();
            return Ok(SessionRow { id, token });
        }
    }
    let token = new_token();
    let name = format!("user{:06}", rand::random_range(0..1_000_000u32));
    let id = sqlx::query_scalar(
        "INSERT INTO sessions (token, name, created_at_ms, show_id) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(&token)
    .bind(&name)
    .bind(now_ms)
    .bind(show)
    .fetch_one(pool)
    .await?;
    Ok(SessionRow { id, token })
}

/// 128 random bits from the OS-seeded CSPRNG, as 32 lowercase hex digits.
fn new_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
