//! Shows scheduled through the API (`api::new_show`), kept as sent and run
//! again at every start beside the show files.

use crate::db::{Conn, Pool};
use crate::show::ShowFile;
use crate::AppError;

/// Keeps a scheduled show as its JSON body.
pub async fn keep(
    conn: &mut Conn,
    show: &ShowFile,
    body: &serde_json::Value,
    now_ms: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO created_shows (id, brand, body, created_at_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(&show.id)
    .bind(&show.brand)
    .bind(body.to_string())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many shows `brand` has scheduled.
pub async fn count(conn: &mut Conn, brand: &str) -> Result<i64, AppError> {
    let counted = sqlx::query_scalar("SELECT COUNT(*) FROM created_shows WHERE brand = $1")
        .bind(brand)
        .fetch_one(conn)
        .await?;
    Ok(counted)
}

/// Scheduled show `id`, if it is stored and still reads as a show.
pub async fn one(pool: &Pool, id: &str) -> Result<Option<ShowFile>, AppError> {
    let body: Option<String> = sqlx::query_scalar("SELECT body FROM created_shows WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(body.and_then(|body| {
        let show = serde_json::from_str(&body)
            .map_err(|e| e.to_string())
            .and_then(ShowFile::from_json);
        show.inspect_err(
            |error| tracing::error!(show = %id, %error, "a scheduled show does not read: not run"),
        )
        .ok()
    }))
}

/// The scheduled shows, oldest first, except those whose id a show file
/// already takes (the file wins) and those that no longer read as a show (a
/// newer server's stricter rules): both are logged and kept, and the other
/// shows run.
pub async fn load(pool: &Pool, files: &[ShowFile]) -> Result<Vec<ShowFile>, AppError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, body FROM created_shows ORDER BY created_at_ms, id")
            .fetch_all(pool)
            .await?;
    let mut shows = Vec::new();
    for (id, body) in rows {
        if files.iter().any(|file| file.id == id) {
            tracing::warn!(show = %id, "a show file has the id of a scheduled show: the file's runs");
            continue;
        }
        match serde_json::from_str(&body)
            .map_err(|e| e.to_string())
            .and_then(ShowFile::from_json)
        {
            Ok(show) => shows.push(show),
            Err(error) => {
                tracing::error!(show = %id, %error, "a scheduled show does not read: not run")
            }
        }
    }
    Ok(shows)
}
