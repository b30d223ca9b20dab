//! Moderating a show's chat (owners, hosts, moderators; tokens with
//! `moderation`): the recent lines, removing one everywhere, muting a viewer
//! for a while or banning them (which also removes their recent lines), and
//! lifting either; slow mode and words to mask. Viewers see each change at once.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lapak_protocol::api::moderation::{self as wire, ChatRules, NewSanction, Sanctioned};
use lapak_protocol::ChatMessage;

use super::shows::show_for;
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::chat_rules::{self as rules, Rules};
use crate::community::sanctions::{self, Sanction};
use crate::Server;

/// Longest mute: a day; longer is a ban.
const MAX_MUTE_MINUTES: i64 = 24 * 60;

/// `GET /api/v1/shows/{show}/chat`: the lines a joining viewer sees now, oldest first.
pub async fn recent(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Vec<ChatMessage>>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::Moderate)?;
    Ok(Json(state.hub.recent_chat()))
}

/// `DELETE /api/v1/shows/{show}/chat/{line}`: removes the line for everyone.
pub async fn remove_line(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, line)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::Moderate)?;
    let line: u64 = line
        .parse()
        .map_err(|_| ApiError::not_found("no such line"))?;
    if state.hub.remove_lines(|l| l.id == line).is_empty() {
        return Err(ApiError::not_found("no such line in the recent chat"));
    }
    tracing::info!(show = %id, line, "chat line removed");
    Ok(StatusCode::NO_CONTENT)
}

/// A sanction as the API spells it.
fn spelled(sanction: Sanction) -> wire::Sanction {
    match sanction {
        Sanction::Muted { until_ms } => wire::Sanction::Muted { until_ms },
        Sanction::Banned => wire::Sanction::Banned,
    }
}

/// The rules as the API spells them.
fn answer(rules: Rules) -> ChatRules {
    ChatRules {
        slow_mode_s: rules.slow_mode_s,
        blocked_words: rules.blocked_words,
    }
}

fn viewer_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found("no such viewer"))
}

/// `PUT /api/v1/shows/{show}/viewers/{viewer}/sanction`: mutes or bans the
/// viewer (their public id, as chat lines show it).
pub async fn sanction(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, viewer)): Path<(String, String)>,
    Body(request): Body<NewSanction>,
) -> Result<Json<Sanctioned>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::Moderate)?;
    let show = &state.show;
    let session = viewer_id(&viewer)?;
    let sanction = match request {
        NewSanction::Mute { minutes } if (1..=MAX_MUTE_MINUTES).contains(&minutes) => {
            Sanction::Muted {
                until_ms: crate::now_ms() + minutes * 60_000,
            }
        }
        NewSanction::Mute { .. } => {
            return Err(ApiError::invalid(format!(
                "minutes: 1 to {MAX_MUTE_MINUTES}; longer is a ban"
            )))
        }
        NewSanction::Ban => Sanction::Banned,
    };
    if !sanctions::set(&state.pool, &show.id, session, sanction, &actor.who()).await? {
        return Err(ApiError::not_found("no such viewer"));
    }
    let removed_lines = match sanction {
        Sanction::Banned => state
            .hub
            .remove_lines(|l| l.from.id == session.unsigned_abs() && l.event.is_none()),
        Sanction::Muted { .. } => Vec::new(),
    };
    tracing::info!(show = %show.id, viewer = session, ?sanction, by = %actor.who(), "viewer sanctioned");
    Ok(Json(Sanctioned {
        sanction: spelled(sanction),
        removed_lines,
    }))
}

/// `DELETE /api/v1/shows/{show}/viewers/{viewer}/sanction`: lifts a mute or ban.
pub async fn lift(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, viewer)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::Moderate)?;
    let show = &state.show;
    let session = viewer_id(&viewer)?;
    if sanctions::lift(&state.pool, &show.id, session).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            "this viewer is neither muted nor banned",
        ))
    }
}

/// `GET /api/v1/shows/{show}/chat/rules`: slow mode and the moderators' words.
pub async fn rules(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<ChatRules>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::Moderate)?;
    Ok(Json(answer(state.community.rules.get())))
}

/// `PUT /api/v1/shows/{show}/chat/rules`: slow mode (0 to 300 s between a
/// viewer's lines, 0 off) and up to 200 single words to mask, from now on.
pub async fn set_rules(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(request): Body<ChatRules>,
) -> Result<Json<ChatRules>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::Moderate)?;
    let show = &state.show;
    let asked = Rules {
        slow_mode_s: request.slow_mode_s,
        blocked_words: request.blocked_words,
    };
    let rules = asked.checked().map_err(ApiError::invalid)?;
    let _write = state.writer.lock().await;
    let mut conn = state.pool.acquire().await?;
    rules::keep(&mut conn, &show.id, &rules, &actor.who(), crate::now_ms()).await?;
    let was = state.community.rules.get().slow_mode_s;
    state.community.rules.set(rules.clone());
    if rules.slow_mode_s != was {
        state.hub.slow_mode(rules.slow_mode_s);
    }
    tracing::info!(show = %show.id, slow_mode_s = rules.slow_mode_s, words = rules.blocked_words.len(), who = %actor.who(), "chat rules set");
    Ok(Json(answer(rules)))
}
