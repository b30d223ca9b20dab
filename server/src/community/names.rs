//! `SetName`: the name others see. 2..=24 characters after trimming
//! (`NAME_CHARS`), no control characters, masked by the blocklist like chat.

use lapak_protocol::{RejectCode, ServerMsg, NAME_CHARS};

use super::{ack, Command};
use crate::error::AppError;
use crate::{reject, AppState};

/// Runs a `SetName` of `session` to its answer.
pub async fn set_name(
    state: &AppState,
    session: i64,
    id: &str,
    name: &str,
) -> Result<ServerMsg, AppError> {
    let mut command = match Command::begin(state, session, id).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    let name = name.trim();
    if !NAME_CHARS.contains(&name.chars().count()) || name.chars().any(char::is_control) {
        let message = format!(
            "a name has {}..={} characters and no control characters",
            NAME_CHARS.start(),
            NAME_CHARS.end()
        );
        return command
            .finish(reject(id, RejectCode::InvalidDetails, message))
            .await;
    }
    sqlx::query("UPDATE sessions SET name = ? WHERE id = ?")
        .bind(state.show.community.blocklist.mask(name))
        .bind(session)
        .execute(&mut *command.tx)
        .await?;
    command.changes.identity = true;
    command.finish(ack(id)).await
}
