//! A host's coupon codes for a show (owners and hosts; tokens with
//! `shows:write` to create, `shows:read` to list): percent or amount off, a
//! minimum spend, an expiry and how many shoppers may claim it. Shoppers add a
//! code to their wallet from the viewer and use it once at checkout.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lapak_protocol::api::coupons::{CouponCode, CouponFigures, NewCoupon};
use lapak_protocol::coupon_code;

use super::shows::show_for;
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::coupons::{self, NotCreated, TermsEntry, MAX_CLAIMS};
use crate::{now_ms, Server};

/// Longest a code stays usable, hours: a year.
const MAX_VALID_HOURS: u32 = 8760;

/// `GET /api/v1/shows/{show}/coupons`: the show's codes, newest first, with
/// their claims and paid orders.
pub async fn list(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Vec<CouponFigures>>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadShows)?;
    let mut conn = state.pool.acquire().await?;
    let codes = coupons::codes(&mut conn, &state.show.id).await?;
    Ok(Json(codes))
}

/// `POST /api/v1/shows/{show}/coupons`: creates a code (201 with it).
pub async fn create(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(request): Body<NewCoupon>,
) -> Result<(StatusCode, Json<CouponCode>), ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let Some(text) = coupon_code(&request.code) else {
        return Err(ApiError::invalid(
            "code: 3 to 24 letters, digits or hyphens",
        ));
    };
    let entry = TermsEntry {
        percent_off: request.percent_off,
        amount_off: request.amount_off,
        min_spend: request.min_spend,
    };
    let terms = entry.terms().map_err(ApiError::invalid)?;
    if !(1..=MAX_VALID_HOURS).contains(&request.valid_hours) {
        return Err(ApiError::invalid(format!(
            "valid_hours: 1 to {MAX_VALID_HOURS}"
        )));
    }
    if !(1..=MAX_CLAIMS).contains(&request.max_claims) {
        return Err(ApiError::invalid(format!("max_claims: 1 to {MAX_CLAIMS}")));
    }
    let hours = i64::from(request.valid_hours);
    let code = CouponCode {
        code: text,
        terms,
        expires_at_ms: now_ms() + hours * 3_600_000,
        max_claims: request.max_claims,
    };
    let _write = state.writer.lock().await;
    let mut conn = state.pool.acquire().await?;
    match coupons::create(&mut conn, &state.show.id, &code).await? {
        Ok(()) => {
            let (show, who) = (&state.show.id, actor.who());
            tracing::info!(%show, code = %code.code, %who, "coupon code created");
            Ok((StatusCode::CREATED, Json(code)))
        }
        Err(NotCreated::Exists) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "coupon_exists",
            "this show has a code spelled so",
        )),
        Err(NotCreated::TooMany) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "too_many_coupons",
            format!("a show has at most {} codes", coupons::MAX_CODES_PER_SHOW),
        )),
    }
}
