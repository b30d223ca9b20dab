//! `SetName`: the name others see, checked by [`text::name`] (visible
//! characters of one alphabet, nothing that passes for the host or the staff)
//! and masked by the blocklist like chat.

use lapak_protocol::{RejectCode, ServerMsg};

use super::ack;
use crate::answers::reject;
use crate::error::AppError;
use crate::stage::Stage;
use crate::text;
use crate::unit::{Sync, Unit};

/// Runs a `SetName` of `session` to its answer.
pub async fn set_name(
    state: &Stage,
    session: i64,
    id: &str,
    name: &str,
) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    let name = match text::name(name, &state.show.host.name) {
        Ok(name) => name,
        Err(refused) => {
            let reply = reject(id, RejectCode::InvalidDetails, refused.to_string());
            return command.finish(reply).await;
        }
    };
    sqlx::query("UPDATE sessions SET name = $1 WHERE id = $2")
        .bind(state.show.community.blocklist.mask(&name))
        .bind(session)
        .execute(&mut *command.tx)
        .await?;
    command.changes.identity = true;
    command.finish(ack(id)).await
}
