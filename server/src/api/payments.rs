//! Payment providers' callbacks: `POST /api/v1/payments/{provider}/callback`.
//!
//! No session or token signs a callback in: the provider's signature or
//! callback token does ([`PaymentProvider::verify`]). A forged, stale,
//! malformed or oversized callback, or one for an order Lapak never placed,
//! gets a 4xx and changes nothing. A verified event is applied once: it is
//! recorded by its id in the transaction that settles the order, so the same
//! event sent twice, or to two servers at once, changes the order once; a
//! duplicate is still answered 200, or the provider would send it again and
//! again. Callbacks are rate-limited per provider.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use lapak_protocol::api::payments::{Received, TestPaid};

use crate::access::ApiError;
use crate::payment::{Forged, PaymentProvider};
use crate::{checkout, Server};

/// The largest callback body read: providers' events are a few kilobytes.
pub const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// `POST /api/v1/payments/{provider}/callback`.
pub async fn callback(
    State(server): State<Arc<Server>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Received>, ApiError> {
    let Some(provider) = server.payments.named(&name) else {
        return Err(ApiError::not_found("no such payment provider"));
    };
    if !server
        .callbacks
        .take(provider.name(), tokio::time::Instant::now())
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many callbacks; try again shortly",
        ));
    }
    let notices = verified(provider, &headers, &body)?;
    let mut targets = Vec::with_capacity(notices.len());
    // Every event's order first, so a body naming one unknown order changes nothing.
    for notice in notices {
        let mut conn = server.pool.acquire().await?;
        let Some((order, show)) = checkout::by_number(&mut conn, &notice.key).await? else {
            tracing::warn!(provider = %name, key = %notice.key, "callback for an unknown order refused");
            return Err(ApiError::not_found("no such order"));
        };
        let Some(stage) = server.stage(Some(&show)) else {
            return Err(ApiError::not_found(
                "the order's show is not on this server",
            ));
        };
        targets.push((stage, order, notice));
    }
    let events = targets.len();
    let mut applied = 0;
    for (stage, order, notice) in targets {
        let fresh = checkout::notify(&stage, order, &name, &notice.event, notice.outcome).await?;
        applied += usize::from(fresh);
    }
    tracing::info!(provider = %name, events, applied, "payment callback");
    Ok(Json(Received { events, applied }))
}

/// The callback's events, or its refusal: 401 for a bad signature or token,
/// 400 for a stale timestamp or a body that is not the provider's.
fn verified(
    provider: &dyn PaymentProvider,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<crate::payment::Notice>, ApiError> {
    provider
        .verify(headers, body, crate::clock::now_ms())
        .map_err(|forged| {
            tracing::warn!(provider = provider.name(), %forged, "callback refused");
            match forged {
                Forged::Signature => ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "bad_signature",
                    forged.to_string(),
                ),
                Forged::Stale => {
                    ApiError::new(StatusCode::BAD_REQUEST, "stale", forged.to_string())
                }
                Forged::Malformed(_) => ApiError::invalid(forged.to_string()),
            }
        })
}

/// `POST /api/v1/payments/test/pay/{order}`: the test provider's stand-in
/// for a shopper's bank or e-wallet app, offline. It pays the order's
/// request unless it was closed (expired or cancelled), and its callback
/// reaches the order as a real provider's does, exactly once.
pub async fn test_pay(
    State(server): State<Arc<Server>>,
    Path(number): Path<String>,
) -> Result<Json<TestPaid>, ApiError> {
    if server.payments.named("test").is_none() {
        return Err(ApiError::not_found("the test provider is not configured"));
    }
    let mut conn = server.pool.acquire().await?;
    let Some((order, show)) = checkout::by_number(&mut conn, &number).await? else {
        return Err(ApiError::not_found("no such order"));
    };
    let amount = checkout::amount_due(&mut conn, order).await?;
    drop(conn);
    let Some(stage) = server.stage(Some(&show)) else {
        return Err(ApiError::not_found(
            "the order's show is not on this server",
        ));
    };
    let provider = crate::payment::TestProvider::new(server.pool.clone());
    let Some(reference) = provider.pay(&number, &amount).await? else {
        return Ok(Json(TestPaid {
            order: number,
            paid: false,
        }));
    };
    let outcome = crate::payment::Outcome::Paid { reference, amount };
    let event = format!("test_paid_{number}");
    checkout::notify(&stage, order, "test", &event, outcome).await?;
    Ok(Json(TestPaid {
        order: number,
        paid: true,
    }))
}
