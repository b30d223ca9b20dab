//! `/api/v1/tokens`: a brand's owners make, list and revoke API tokens.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use lapak_protocol::api::tokens::{Made, MadeBefore, NewToken, Token};

use super::{idempotency, Body};
use crate::access::tokens::{self, TokenInfo};
use crate::access::{Actor, ApiError, Permission, Scope};
use crate::Server;

/// Longest token name.
const MAX_NAME_CHARS: usize = 64;
/// Longest lifetime a token may be given.
const MAX_DAYS: i64 = 366;

/// A token as the API lists it.
fn listed(info: TokenInfo) -> Token {
    Token {
        id: info.id,
        name: info.name,
        scopes: info.scopes,
        created_at_ms: info.created_at_ms,
        expires_at_ms: info.expires_at_ms,
        revoked_at_ms: info.revoked_at_ms,
        last_used_at_ms: info.last_used_at_ms,
    }
}

/// `POST /api/v1/tokens` (owners, signed in).
pub async fn create(
    State(state): State<Arc<Server>>,
    actor: Actor,
    Body(request): Body<NewToken>,
) -> Result<Response, ApiError> {
    actor.may(Permission::ManageTokens, actor.brand())?;
    let Actor::Person(maker) = &actor else {
        unreachable!("only people manage tokens");
    };
    let name = request.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(format!(
            "name: 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if request.scopes.is_empty() {
        return Err(ApiError::invalid("scopes: at least one"));
    }
    let expires_at_ms = match request.expires_in_days {
        None => None,
        Some(days) if (1..=MAX_DAYS).contains(&days) => {
            Some(crate::now_ms() + days * 24 * 60 * 60 * 1000)
        }
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "expires_in_days: 1 to {MAX_DAYS}"
            )))
        }
    };
    let scopes: Vec<Scope> = request.scopes.into_iter().collect();
    let made = tokens::create(
        &state.pool,
        &maker.brand,
        maker.id,
        name,
        &scopes,
        expires_at_ms,
    )
    .await?;
    let Some((token, info)) = made else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "too_many_tokens",
            format!(
                "a brand holds at most {} live tokens; revoke one first",
                tokens::MAX_PER_BRAND
            ),
        ));
    };
    tracing::info!(by = %maker.email, token = info.id, "api token made");
    let info = listed(info);
    let before = MadeBefore {
        info: info.clone(),
        already_created: true,
        message: "this Idempotency-Key made this token already; its secret was shown only then \
                  (revoke the token and make another if it was lost)"
            .to_owned(),
    };
    Ok(idempotency::secret_once(
        (StatusCode::CREATED, Json(Made { token, info })),
        StatusCode::OK,
        &before,
    ))
}

/// `GET /api/v1/tokens` (owners, signed in).
pub async fn list(
    State(state): State<Arc<Server>>,
    actor: Actor,
) -> Result<Json<Vec<Token>>, ApiError> {
    actor.may(Permission::ManageTokens, actor.brand())?;
    let found = tokens::list(&state.pool, actor.brand()).await?;
    Ok(Json(found.into_iter().map(listed).collect()))
}

/// `DELETE /api/v1/tokens/{id}` (owners, signed in): it stops working at once.
pub async fn revoke(
    State(state): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    actor.may(Permission::ManageTokens, actor.brand())?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::not_found("no such token"))?;
    if tokens::revoke(&state.pool, actor.brand(), id).await? {
        tracing::info!(token = id, "api token revoked");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("no such token"))
    }
}
