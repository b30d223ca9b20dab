//! `/api/v1/shows/{show}/orders`: a show's orders, for owners and hosts
//! (tokens: `shows:read` to list, `shows:write` to change), and what the
//! brand does with them after checkout ([`crate::checkout::after`]): refund a
//! paid order, cancel one not paid yet, and confirm cash on delivery
//! delivered or returned. `GET /api/v1/payments`: the payment providers and
//! their callback paths.
//!
//! Listing takes `ReadMetrics`, as the dashboard does: orders are the show's
//! sales, which moderators do not see. Changing one takes `RunShow`: the
//! team that runs the show handles its orders.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use lapak_protocol::api::orders::{
    NewRefund, OrderPage, PaymentSetup, Provider, Refunded, ShowOrder,
};
use serde::Deserialize;

use super::shows::show_for;
use crate::access::{Actor, ApiError, Permission};
use crate::checkout::after::{self, Refused};
use crate::checkout::order_id;
use crate::Server;

/// Orders a page holds unless asked for fewer.
const PAGE: u32 = 50;
/// The most a page holds.
const MAX_PAGE: u32 = 200;

/// `?before=LPK-000042&limit=50`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    before: Option<String>,
    limit: Option<u32>,
}

/// `GET /api/v1/shows/{show}/orders`: newest first, a page at a time.
pub async fn list(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<OrderPage>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadMetrics)?;
    // The API's own refusal, not axum's plain-text one.
    let Query(paging) = paging.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            rejection.body_text(),
        )
    })?;
    let limit = paging.limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid(format!("limit: 1 to {MAX_PAGE}")));
    }
    let before = match paging.before.as_deref() {
        Some(number) => match order_id(number) {
            Some(id) => Some(id),
            None => return Err(ApiError::invalid("before: an order number, LPK-000042")),
        },
        None => None,
    };
    let mut conn = state.pool.acquire().await?;
    let page = after::list(&mut conn, &state.show.id, before, limit).await?;
    Ok(Json(page))
}

/// `POST /api/v1/shows/{show}/orders/{number}/refund`, body `{"amount": …}`
/// or none (all that is not refunded yet).
pub async fn refund(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, number)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Refunded>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let request: NewRefund = if body.iter().all(u8::is_ascii_whitespace) {
        NewRefund::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.to_string()))?
    };
    let done = after::refund(&state, &number, request.amount).await?;
    let refunded = done.map_err(refusal)?;
    tracing::info!(show = %state.show.id, order = %number, who = %actor.who(), "order refunded");
    Ok(Json(refunded))
}

/// `POST /api/v1/shows/{show}/orders/{number}/cancel`.
pub async fn cancel(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<ShowOrder>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let order = after::cancel(&state, &number).await?.map_err(refusal)?;
    tracing::info!(show = %state.show.id, order = %number, who = %actor.who(), "order cancelled");
    Ok(Json(order))
}

/// `POST /api/v1/shows/{show}/orders/{number}/delivered`.
pub async fn delivered(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<ShowOrder>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let order = after::delivered(&state, &number).await?.map_err(refusal)?;
    tracing::info!(show = %state.show.id, order = %number, who = %actor.who(), "order delivered");
    Ok(Json(order))
}

/// `POST /api/v1/shows/{show}/orders/{number}/returned`.
pub async fn returned(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<ShowOrder>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let order = after::returned(&state, &number).await?.map_err(refusal)?;
    tracing::info!(show = %state.show.id, order = %number, who = %actor.who(), "order returned");
    Ok(Json(order))
}

/// A refused change as the API answers it.
fn refusal(refused: Refused) -> ApiError {
    let conflict = |code, message: String| ApiError::new(StatusCode::CONFLICT, code, message);
    match refused {
        Refused::NotFound => ApiError::not_found("no such order in this show"),
        Refused::Status(status) => {
            let status = serde_json::to_value(status).unwrap_or_default();
            let status = status.as_str().unwrap_or_default().to_owned();
            conflict("wrong_status", format!("the order is {status}"))
        }
        Refused::NoProvider => conflict(
            "no_provider",
            "paid on delivery: no provider holds the money to refund".into(),
        ),
        Refused::Amount(why) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why),
        Refused::Provider(why) => ApiError::new(StatusCode::BAD_GATEWAY, "provider_refused", why),
        Refused::Moved(why) => conflict("moved", why),
        Refused::PaidMeanwhile(order) => conflict(
            "paid_meanwhile",
            format!("{} was paid before it could be cancelled", order.number),
        ),
    }
}

/// `GET /api/v1/payments`: what the shows offer, and each provider's
/// callback path, for anyone on the brand's team (tokens: `shows:read`).
pub async fn setup(
    State(server): State<Arc<Server>>,
    actor: Actor,
) -> Result<Json<PaymentSetup>, ApiError> {
    actor.may(Permission::ReadShows, actor.brand())?;
    let payments = &server.payments;
    let providers = payments
        .names()
        .into_iter()
        .map(|name| Provider {
            name: name.to_owned(),
            callback_path: format!("/api/v1/payments/{name}/callback"),
        })
        .collect();
    Ok(Json(PaymentSetup {
        offered: payments.offered().clone(),
        providers,
    }))
}
