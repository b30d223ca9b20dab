//! `PUT /api/v1/shows/{show}/message` (owners and hosts; tokens with
//! `shows:write`): the message pinned above the chat, with its translations,
//! changed or taken down (`null`). Viewers see it at once, each in their
//! language when it has it; it is kept across restarts.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use lapak_protocol::api::message::Message;

use super::shows::show_for;
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::pinned;
use crate::{now_ms, Server};

/// `PUT /api/v1/shows/{show}/message`: the message as viewers read it.
pub async fn set(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(request): Body<Message>,
) -> Result<Json<Message>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    let message =
        pinned::check(request.text.as_deref(), &request.translations).map_err(ApiError::invalid)?;
    let _write = state.writer.lock().await;
    let mut conn = state.pool.acquire().await?;
    pinned::keep(
        &mut conn,
        &show.id,
        message.as_ref(),
        &actor.who(),
        now_ms(),
    )
    .await?;
    state.hub.pin_message(message.clone());
    tracing::info!(show = %show.id, who = %actor.who(), "pinned message set");
    let (text, translations) = pinned::parts(message);
    Ok(Json(Message { text, translations }))
}
