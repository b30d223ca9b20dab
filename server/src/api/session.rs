//! Signing in to the studio: a session cookie (HttpOnly, SameSite=Strict) and
//! the CSRF token the studio sends back with every change.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use lapak_protocol::api::session::{Me, Session, SignIn};

use super::Body;
use crate::access::{passwords, sessions, throttle, users, Actor, ApiError};
use crate::Server;

/// `POST /studio/api/session`: signs in; throttled per email and per address.
pub async fn sign_in(
    State(state): State<Arc<Server>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    Body(request): Body<SignIn>,
) -> Result<(CookieJar, Json<Me>), ApiError> {
    // Checked before any hashing: an absurd password costs nothing.
    if !users::is_email(&users::normalize_email(&request.email))
        || request.password.chars().count() > passwords::MAX_LEN
    {
        return Err(ApiError::invalid("an email and a password are needed"));
    }
    let email = users::normalize_email(&request.email);
    let keys = throttle::Keys::new(&email, peer.ip());
    if let Some(wait_ms) = throttle::admit(&state.pool, &keys, crate::now_ms()).await? {
        tracing::warn!(%email, ip = %peer.ip(), "refused: sign-in throttled");
        return Err(ApiError::throttled(wait_ms));
    }
    let Some(user) = users::sign_in(&state.pool, &email, &request.password).await? else {
        tracing::warn!(%email, ip = %peer.ip(), "refused: wrong email or password");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "wrong_credentials",
            "wrong email or password",
        ));
    };
    throttle::succeeded(&state.pool, &keys).await?;
    let opened = sessions::open(&state.pool, &user).await?;
    // Secure whenever the studio is reached over HTTPS (a TLS proxy in front says so).
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes() == b"https");
    let cookie = Cookie::build((sessions::COOKIE, opened.secret))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        // No Max-Age: the browser forgets it when closed; the server ends it
        // after `sessions::LIFETIME_MS` either way.
        .path("/");
    tracing::info!(email = %user.email, brand = %user.brand, "signed in");
    Ok((
        jar.add(cookie),
        Json(Me {
            email: user.email,
            role: user.role,
            brand: user.brand,
            csrf: opened.csrf,
        }),
    ))
}

/// `GET /studio/api/session`: whether anyone is signed in, and if so who,
/// with their CSRF token (a reloaded studio page learns it here; other sites
/// cannot read the answer). Always `200`: asking is not an error, so the
/// studio checks on every load without a failed request in the console. The
/// cookie stays `HttpOnly`; no script-readable hint stands in for it.
pub async fn current(
    State(state): State<Arc<Server>>,
    jar: CookieJar,
) -> Result<Json<Session>, ApiError> {
    let found = match jar.get(sessions::COOKIE) {
        Some(cookie) => sessions::find(&state.pool, cookie.value()).await?,
        None => None,
    };
    let me = found.map(|(user, csrf)| Me {
        email: user.email,
        role: user.role,
        brand: user.brand,
        csrf,
    });
    Ok(Json(Session {
        signed_in: me.is_some(),
        me,
    }))
}

/// `DELETE /studio/api/session`: signs out (the CSRF header is required).
pub async fn sign_out(
    State(state): State<Arc<Server>>,
    actor: Actor,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode), ApiError> {
    let Actor::Person(_) = actor else {
        return Err(ApiError::invalid("an API token has no session"));
    };
    if let Some(secret) = jar.get(sessions::COOKIE) {
        sessions::close(&state.pool, secret.value()).await?;
    }
    Ok((
        jar.remove(Cookie::build(sessions::COOKIE).path("/")),
        StatusCode::NO_CONTENT,
    ))
}
