//! One error type for the server: details go to the log, clients get a code.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Everything that can go wrong inside the server.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A flag or setting is wrong.
    #[error("configuration: {0}")]
    Config(String),
    /// Reading a file or binding a socket failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The show file is missing or wrong.
    #[error("show file: {0}")]
    Show(String),
    /// A stored answer could not be read back.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// A coin movement would break the ledger's rules (unbalanced, or an overflow).
    #[error("ledger: {0}")]
    Ledger(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self, "request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
    }
}
