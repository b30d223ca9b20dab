//! Request bodies: each route's limit, refused before a byte is read when the
//! body says it is larger, and a JSON body whose refusals are the API's own
//! (`bad_request`, with what was wrong), not axum's plain-text ones.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use serde::de::DeserializeOwned;

use crate::access::ApiError;

/// A JSON body of type `T`.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::new(
                rejection.status(),
                "bad_request",
                rejection.body_text(),
            )),
        }
    }
}

/// Refuses a body whose `Content-Length` is over `limit` bytes at once
/// (`413`), without waiting for a byte of it; one that grows past the limit
/// is refused by whatever reads it (the route's `DefaultBodyLimit`).
pub(super) async fn declared(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "bad_request",
            format!("the body is over {} KiB", limit / 1024),
        ));
    }
    Ok(next.run(request).await)
}

/// The whole body of the request with `parts`, read within its route's limit
/// and refused as a handler's would be.
pub(super) async fn bytes(parts: &Parts, body: axum::body::Body) -> Result<Bytes, ApiError> {
    let mut request = Request::new(body);
    // The route's `DefaultBodyLimit` travels in the extensions.
    *request.extensions_mut() = parts.extensions.clone();
    Bytes::from_request(request, &())
        .await
        .map_err(|rejection| {
            ApiError::new(rejection.status(), "bad_request", rejection.body_text())
        })
}
