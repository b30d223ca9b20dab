//! `Idempotency-Key` on the API's `POST`s, as on the viewer's socket: a
//! request sent again with the same key (a retry after a timeout) gets the
//! first answer back and changes nothing. Answers are kept per credential
//! (the digest of its token or session cookie) for a day, only for successes,
//! and only for the same request: the same key with another body or path is
//! refused. A second request with a key whose first is still running is told
//! to retry.
//!
//! Who asks is checked first, as for any request: only the live credential
//! that made an answer reads it, with its CSRF token and from its own page.
//! An answer that holds a secret is never kept: a retry gets what the handler
//! gives instead ([`secret_once`]).

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::access::{self, secrets, ApiError};
use crate::error::AppError;
use crate::{now_ms, Server};

/// The request header, and the one that marks a replayed answer.
const KEY: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
/// Longest key (a UUID is 36).
const MAX_KEY_CHARS: usize = 100;
/// How long an answer is kept.
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// Most answers kept per credential: the oldest go first.
const MAX_PER_CREDENTIAL: i64 = 10_000;
/// Largest answer kept (every API answer is far smaller).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What a retry gets instead of an answer that holds a secret.
#[derive(Clone)]
struct Instead {
    status: StatusCode,
    body: Vec<u8>,
}

/// `answer`, which holds a secret shown only this once: a retry with its
/// `Idempotency-Key` gets `instead` (what was done, without the secret) with
/// `status`, and only that is kept.
pub fn secret_once(
    answer: impl IntoResponse,
    status: StatusCode,
    instead: &impl Serialize,
) -> Response {
    let mut response = answer.into_response();
    let body = serde_json::to_vec(instead).expect("an answer serializes");
    response.extensions_mut().insert(Instead { status, body });
    response
}

/// A stored answer.
struct Answer {
    request: String,
    status: u16,
    body: Vec<u8>,
}

async fn stored(state: &Server, who: &str, key: &str) -> Result<Option<Answer>, AppError> {
    let row: Option<(String, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT request, status, body FROM api_answers WHERE credential = $1 AND key = $2 AND at_ms > $3",
    )
    .bind(who)
    .bind(key)
    .bind(now_ms() - KEEP_MS)
    .fetch_optional(&state.pool)
    .await?;
    Ok(row.map(|(request, status, body)| Answer {
        request,
        status: u16::try_from(status).unwrap_or(500),
        body,
    }))
}

async fn keep(state: &Server, who: &str, key: &str, answer: &Answer) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = state.pool.begin().await?;
    sqlx::query("DELETE FROM api_answers WHERE at_ms <= $1")
        .bind(now - KEEP_MS)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM api_answers WHERE credential = $1 AND key IN (
             SELECT key FROM (
                 SELECT key, ROW_NUMBER() OVER (ORDER BY at_ms DESC) AS newest
                 FROM api_answers WHERE credential = $1) AS ranked
             WHERE newest > $2)",
    )
    .bind(who)
    .bind(MAX_PER_CREDENTIAL - 1)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO api_answers (credential, key, request, status, body, at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(who)
    .bind(key)
    .bind(&answer.request)
    .bind(i64::from(answer.status))
    .bind(&answer.body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

fn json_answer(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Runs a `POST` at most once per credential and key; anything else passes through.
pub async fn once(
    State(state): State<Arc<Server>>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = request
        .headers()
        .get(KEY)
        .map(|v| v.to_str().map(str::to_owned));
    let (Method::POST, Some(key)) = (request.method().clone(), key) else {
        return Ok(next.run(request).await);
    };
    let (mut parts, body) = request.into_parts();
    // Refused as the handler would refuse it, before any stored answer is read.
    let (actor, who) = access::authenticate(&parts, &state).await?;
    parts.extensions.insert(actor);
    let key = key
        .ok()
        .filter(|k| (1..=MAX_KEY_CHARS).contains(&k.chars().count()))
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "Idempotency-Key: 1 to {MAX_KEY_CHARS} visible characters"
            ))
        })?;
    let body = super::body::bytes(&parts, body).await?;
    // The same key must mean the same request: its path and body.
    let fingerprint = secrets::digest(&format!(
        "{} {}",
        parts.uri.path(),
        String::from_utf8_lossy(&body)
    ));
    let conflict =
        |message: &str| ApiError::new(StatusCode::CONFLICT, "idempotency_key_in_use", message);
    let slot = (who.clone(), key.clone());
    {
        let mut running = state
            .api_in_flight
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if !running.insert(slot.clone()) {
            return Err(conflict(
                "a request with this key is still running; retry in a moment",
            ));
        }
    }
    let result = async {
        if let Some(answer) = stored(&state, &who, &key).await? {
            if answer.request != fingerprint {
                return Err(conflict("this key was used for another request"));
            }
            let mut replay = json_answer(answer.status, answer.body);
            replay
                .headers_mut()
                .insert(REPLAYED, HeaderValue::from_static("true"));
            return Ok(replay);
        }
        let mut response = next.run(Request::from_parts(parts, Body::from(body))).await;
        if !response.status().is_success() {
            return Ok(response);
        }
        if let Some(instead) = response.extensions_mut().remove::<Instead>() {
            let answer = Answer {
                request: fingerprint,
                status: instead.status.as_u16(),
                body: instead.body,
            };
            keep(&state, &who, &key, &answer).await?;
            return Ok(response);
        }
        let (parts, body) = response.into_parts();
        let body = to_bytes(body, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| AppError::Show(format!("answer too large to keep: {e}")))?
            .to_vec();
        let answer = Answer {
            request: fingerprint,
            status: parts.status.as_u16(),
            body,
        };
        keep(&state, &who, &key, &answer).await?;
        Ok(Response::from_parts(parts, Body::from(answer.body)))
    }
    .await;
    state
        .api_in_flight
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&slot);
    result
}
