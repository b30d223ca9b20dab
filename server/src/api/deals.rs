//! Flash deals from the studio or a brand's system (owners and hosts; tokens
//! with `shows:write`): the deals running, starting one on a product and
//! stopping it early. Viewers hear of each at once, and pricing — the one rule
//! both sides call — takes it from the same moment.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lapak_protocol::api::deals::NewDeal;
use lapak_protocol::Deal;

use super::shows::show_for;
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::deals::Request;
use crate::{now_ms, Server};

/// Most units a deal may offer.
const MAX_QUANTITY: u32 = 100_000;
/// Shortest and longest deal, seconds.
const DURATION_S: std::ops::RangeInclusive<u64> = 10..=24 * 60 * 60;

/// `GET /api/v1/shows/{show}/deals`: the deals running, with the units left.
pub async fn running(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Vec<Deal>>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadShows)?;
    Ok(Json(state.hub.deals()))
}

/// `POST /api/v1/shows/{show}/deals`: starts a deal now (201 with the deal).
pub async fn start(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(request): Body<NewDeal>,
) -> Result<(StatusCode, Json<Deal>), ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    let Some(product) = show.product(&request.product_id) else {
        return Err(ApiError::not_found("no such product in this show"));
    };
    if !(0..product.price).contains(&request.price) {
        return Err(ApiError::invalid(format!(
            "price: 0 to below the product's price ({} minor units)",
            product.price
        )));
    }
    if !(1..=MAX_QUANTITY).contains(&request.quantity) {
        return Err(ApiError::invalid(format!("quantity: 1 to {MAX_QUANTITY}")));
    }
    if !(1..=request.quantity).contains(&request.per_buyer) {
        return Err(ApiError::invalid("per_buyer: 1 to the deal's quantity"));
    }
    if !DURATION_S.contains(&request.duration_s) {
        return Err(ApiError::invalid(format!(
            "duration_s: {} to {}",
            DURATION_S.start(),
            DURATION_S.end()
        )));
    }
    // This process's writers of the show first, as for every command; the
    // database's turn, which holds across servers, is taken in `start`.
    let _write = state.writer.lock().await;
    let now = state.stream_ms(now_ms());
    let running = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "deal_running",
            "this product already has a deal running; stop it first",
        )
    };
    // The timeline's deals are the show file's, the same on every server.
    if show
        .deals_at(now)
        .iter()
        .any(|d| d.product_id == request.product_id)
    {
        return Err(running());
    }
    let request = Request {
        product_id: request.product_id,
        price: request.price,
        quantity: request.quantity,
        per_buyer: request.per_buyer,
        duration_ms: request.duration_s.saturating_mul(1000),
    };
    let Some(spec) = state
        .hosted_deals
        .start(&state.pool, &show.id, request, now, &actor.who())
        .await?
    else {
        return Err(running());
    };
    let deal = state.deal(spec).await?;
    state.hub.start_deal(deal.clone());
    tracing::info!(show = %show.id, deal = %deal.id, who = %actor.who(), "deal started");
    Ok((StatusCode::CREATED, Json(deal)))
}

/// `DELETE /api/v1/shows/{show}/deals/{deal}`: ends a host's deal now; its
/// price is gone for carts and checkout from this moment.
pub async fn stop(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, deal)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    let _write = state.writer.lock().await;
    let now = state.stream_ms(now_ms());
    let mut conn = state.pool.acquire().await?;
    let stopped = state
        .hosted_deals
        .stop(&mut conn, &show.id, &deal, now)
        .await?;
    if stopped.is_none() {
        return Err(ApiError::not_found(
            "no such deal running that a host started",
        ));
    }
    state.hub.end_deal(&deal);
    tracing::info!(show = %show.id, %deal, who = %actor.who(), "deal stopped");
    Ok(StatusCode::NO_CONTENT)
}
