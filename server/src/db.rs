//! The database pool, built once at start, and the show's persistent setup.
//!
//! One server code path runs on SQLite (the embedded default) and on
//! PostgreSQL (`--database postgres://…`), through sqlx's `Any` driver: the
//! queries are written once, in the SQL both speak, with `$N` placeholders.
use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, ConnectOptions, Executor, Transaction};

use crate::error::AppError;

/// A pool on either back end.
pub type Pool = sqlx::AnyPool;
/// One connection on either back end.
pub type Conn = sqlx::AnyConnection;
/// A transaction on either back end.
pub type Tx = Transaction<'static, Any>;
/// Serializes a process's writes in one scope (a show, or what shows share),
/// so its concurrent commands never race in the database.
pub type Writer = std::sync::Arc<tokio::sync::Mutex<()>>;

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (created, with its folder, if missing).
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL.
    Postgres(String),
}

impl Location {
    /// `--database` when given (a `postgres://` URL), else the SQLite file `--db`.
    pub fn new(database: Option<&str>, sqlite_file: &Path) -> Result<Location, AppError> {
        match database {
            None | Some("") => Ok(Location::Sqlite(sqlite_file.to_path_buf())),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Location::Postgres(url.to_owned()))
            }
            // Only the scheme is told: the rest may hold a password.
            Some(url) => Err(AppError::Config(format!(
                "--database must be a postgres:// URL, not a {}: one (SQLite is chosen with --db)",
                url.split(':').next().unwrap_or_default()
            ))),
        }
    }

    /// Whether several servers can share it (PostgreSQL; an SQLite file is one server's).
    pub fn is_shared(&self) -> bool {
        matches!(self, Location::Postgres(_))
    }
}

/// How durable a pool's commits are on SQLite (PostgreSQL syncs every commit).
#[derive(Clone, Copy)]
enum Durability {
    /// WAL with `synchronous = NORMAL`: a committed transaction survives the
    /// process being killed; only an OS crash or power loss can lose the last
    /// commits, which is acceptable for sessions and carts.
    Normal,
    /// `synchronous = FULL`: the WAL is synced at every commit, so an order the
    /// server has acknowledged survives power loss too.
    Full,
}

/// Opens (creating if needed) the database and runs the migrations.
pub async fn open(location: &Location) -> Result<Pool, AppError> {
    match location {
        Location::Sqlite(_) => {
            // why: a migration may edit a table's definition in place
            // (0025_payments.sql), which the connection that ran it does not
            // read again: it runs on a pool of its own, closed before the
            // server's connections read the schema afresh.
            let migrating = pool(location, Durability::Normal, 1).await?;
            sqlx::migrate!("./migrations/sqlite")
                .run(&migrating)
                .await?;
            migrating.close().await;
        }
        Location::Postgres(_) => {
            let pool = pool(location, Durability::Normal, 4).await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            return Ok(pool);
        }
    }
    pool(location, Durability::Normal, 4).await
}

/// A second pool on the same (already opened) database for order and coin
/// transactions: on SQLite, with every commit synced ([`Durability::Full`]).
pub async fn open_durable(location: &Location) -> Result<Pool, AppError> {
    pool(location, Durability::Full, 2).await
}

async fn pool(location: &Location, durability: Durability, max: u32) -> Result<Pool, AppError> {
    sqlx::any::install_default_drivers();
    let options = match location {
        Location::Sqlite(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let file = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true);
            AnyConnectOptions::from_url(&file.to_url_lossy())?
        }
        Location::Postgres(url) => url.parse::<AnyConnectOptions>()?,
    };
    let sqlite = matches!(location, Location::Sqlite(_));
    Ok(AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute(pragmas(durability)).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?)
}

/// An SQLite connection's settings: the `Any` driver opens it by URL, which
/// carries none of them. The busy timeout lets a writer wait for another's
/// commit instead of failing.
fn pragmas(durability: Durability) -> &'static str {
    match durability {
        Durability::Normal => "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
        Durability::Full => "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    }
}

/// Begins a transaction that writes in `scope`: a show's id, or what else
/// writers take turns on (`catalogue:<brand>`). Writers of one scope take
/// turns, also between servers sharing one PostgreSQL database: every rule
/// that reads before it writes (a buyer's deal limit, a mission's progress)
/// then reads what the writer before it committed. What shows share (the
/// coins issued) changes in single statements, which need no turn.
///
/// On SQLite, a plain (deferred) `BEGIN` reads first and takes the write lock
/// at its first write; if another connection committed in between (a new
/// session, the payment provider's record), SQLite cannot upgrade the stale
/// snapshot and fails at once with `SQLITE_BUSY_SNAPSHOT` instead of waiting.
/// `IMMEDIATE` takes the write lock up front, waiting up to the busy timeout,
/// so the transaction reads the latest data and never fails that way.
/// SQLite has one writer for the whole file, whatever the scope.
///
/// On PostgreSQL, the turn is a transaction-scoped advisory lock on the
/// scope's hash, released at commit or rollback; each statement then reads
/// the latest commits (read committed). Shows do not wait for each other.
pub async fn begin_write(pool: &Pool, scope: &str) -> Result<Tx, AppError> {
    if !shared(pool) {
        return Ok(pool.begin_with("BEGIN IMMEDIATE").await?);
    }
    let mut tx = pool.begin().await?;
    // Two scopes whose 64-bit hashes collide only share a turn.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(scope)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Whether other servers may share the database: a PostgreSQL database may,
/// an SQLite file is one server's.
pub fn shared(pool: &Pool) -> bool {
    pool.connect_options().database_url.scheme() != "sqlite"
}

/// Gives sessions opened before shows had their own to the default show `show`.
pub async fn adopt_sessions(conn: &mut Conn, show: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET show_id = $1 WHERE show_id = ''")
        .bind(show)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records show `show`'s start (first run only: `starts_at_ms`, its scheduled
/// time, or now for a show without one) and seeds its `stock` of
/// `(product, variant, units)`; returns when it started.
pub async fn prepare_show(
    pool: &Pool,
    show: &str,
    starts_at_ms: Option<i64>,
    stock: &[(&str, &str, u32)],
    now_ms: i64,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    // A show that has not begun follows its file's schedule, also when moved;
    // once begun, its clock is kept (its timeline resumes where it was).
    sqlx::query(
        "INSERT INTO shows (id, started_at_ms) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET started_at_ms = excluded.started_at_ms
         WHERE shows.started_at_ms > $3",
    )
    .bind(show)
    .bind(starts_at_ms.unwrap_or(now_ms))
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    for &(product, variant, units) in stock {
        sqlx::query("INSERT INTO stock (show_id, product_id, variant_id, quantity) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(show)
            .bind(product)
            .bind(variant)
            .bind(i64::from(units))
            .execute(&mut *tx)
            .await?;
    }
    let started: i64 = sqlx::query_scalar("SELECT started_at_ms FROM shows WHERE id = $1")
        .bind(show)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(started)
}

/// Units available for every variant of the show, as `(product, variant, units)`,
/// read on `conn` (inside a transaction, if it is one).
pub async fn stock(conn: &mut Conn, show_id: &str) -> Result<Vec<(String, String, u32)>, AppError> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT product_id, variant_id, quantity FROM stock WHERE show_id = $1")
            .bind(show_id)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(p, v, q)| (p, v, u32::try_from(q).unwrap_or(0)))
        .collect())
}

/// Sets the units available of `product`'s `variant` in `show` (the caller
/// holds the show's writer lock); false when the show has no such variant.
pub async fn set_stock(
    pool: &Pool,
    show: &str,
    product: &str,
    variant: &str,
    units: u32,
) -> Result<bool, AppError> {
    let changed = sqlx::query(
        "UPDATE stock SET quantity = $1 WHERE show_id = $2 AND product_id = $3 AND variant_id = $4",
    )
    .bind(i64::from(units))
    .bind(show)
    .bind(product)
    .bind(variant)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed > 0)
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
    pool: &Pool,
    show: &str,
    token: Option<&str>,
    now_ms: i64,
) -> Result<SessionRow, AppError> {
    if let Some(token) = token {
        // Another show's token starts a new session: carts and coins stay with their show.
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sessions WHERE token = $1 AND show_id = $2")
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
        "INSERT INTO sessions (token, name, created_at_ms, show_id) VALUES ($1, $2, $3, $4) RETURNING id",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_flag_picks_postgresql_and_refuses_anything_else_without_echoing_it() {
        let file = Path::new("data/lapak.db");
        assert_eq!(
            Location::new(None, file).unwrap(),
            Location::Sqlite(file.into())
        );
        let url = "postgres://lapak:secret@db:5432/lapak";
        assert_eq!(
            Location::new(Some(url), file).unwrap(),
            Location::Postgres(url.into())
        );
        let refused = Location::new(Some("mysql://root:hunter2@db/lapak"), file)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("not a mysql: one"), "{refused}");
        assert!(!refused.contains("hunter2"), "{refused}");
    }
}
