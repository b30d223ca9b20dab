//! Who may do what: a brand's owners, hosts and moderators sign in to the
//! studio (a session cookie and a CSRF token), and the brand's own systems use
//! scoped API tokens. Every action names a [`Permission`]; [`Actor::may`]
//! checks it against the role or the token's scopes and the show's brand, and
//! logs every refusal. Nothing here runs for viewers: their socket has no
//! host actions at all.

pub mod passwords;
pub(crate) mod secrets;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::CookieJar;
use lapak_protocol::api::refusal::Refusal;
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::origins;
use crate::server::Server;

pub use users::User;

pub use lapak_protocol::api::session::Role;
pub use lapak_protocol::api::tokens::Scope;

/// Something a person or a token asks to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// See the brand's shows.
    ReadShows,
    /// Run a show: its ingest address and key, pins, deals, stock, ending it.
    RunShow,
    /// Read a show's figures: the live dashboard (owners and hosts).
    ReadMetrics,
    /// Moderate a show's chat.
    Moderate,
    /// Make and revoke the brand's API tokens (owners, signed in).
    ManageTokens,
    /// Schedule a new show for the brand (owners).
    ScheduleShows,
}

impl Permission {
    fn granted_to(self, role: Role) -> bool {
        match self {
            Permission::ReadShows | Permission::Moderate => true,
            Permission::RunShow | Permission::ReadMetrics => {
                matches!(role, Role::Owner | Role::Host)
            }
            Permission::ManageTokens | Permission::ScheduleShows => role == Role::Owner,
        }
    }

    fn granted_by(self, scopes: &[Scope]) -> bool {
        match self {
            Permission::ReadShows | Permission::ReadMetrics => {
                scopes.contains(&Scope::ShowsRead) || scopes.contains(&Scope::ShowsWrite)
            }
            Permission::RunShow | Permission::ScheduleShows => scopes.contains(&Scope::ShowsWrite),
            Permission::Moderate => scopes.contains(&Scope::Moderation),
            // A token never makes tokens: a leaked one cannot entrench itself.
            Permission::ManageTokens => false,
        }
    }
}

/// Who is asking: a signed-in person, or a brand's API token.
#[derive(Clone, Debug)]
pub enum Actor {
    /// A studio session.
    Person(User),
    /// An API token.
    Token {
        /// Its row id.
        id: i64,
        /// Its brand.
        brand: String,
        /// What it may do.
        scopes: Vec<Scope>,
    },
}

impl Actor {
    /// The actor's brand.
    pub fn brand(&self) -> &str {
        match self {
            Actor::Person(user) => &user.brand,
            Actor::Token { brand, .. } => brand,
        }
    }

    /// Who, for the log and the record of what they did.
    pub fn who(&self) -> String {
        match self {
            Actor::Person(user) => format!("{} ({})", user.email, user.role.as_str()),
            Actor::Token { id, .. } => format!("api token {id}"),
        }
    }

    /// Whether the actor may do `what` to something of `brand`; a refusal is
    /// logged and answered (`not_found` for another brand's things, so their
    /// existence does not leak).
    pub fn may(&self, what: Permission, brand: &str) -> Result<(), ApiError> {
        let refuse = |error: ApiError| {
            tracing::warn!(who = %self.who(), actor_brand = self.brand(), brand, ?what, code = error.code, "refused");
            Err(error)
        };
        if self.brand() != brand {
            return refuse(ApiError::not_found("no such show"));
        }
        let granted = match self {
            Actor::Person(user) => what.granted_to(user.role),
            Actor::Token { scopes, .. } => what.granted_by(scopes),
        };
        if granted {
            Ok(())
        } else {
            refuse(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("{} may not do this", self.who()),
            ))
        }
    }
}

/// An API refusal: a status, a machine-readable code and a sentence.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    /// Stable code for programs.
    pub code: &'static str,
    message: String,
    retry_after_s: Option<i64>,
}

impl ApiError {
    /// A refusal with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after_s: None,
        }
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 422: the request was understood and is wrong.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    /// 401: no valid credentials.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in to the studio or send a valid API token",
        )
    }

    /// 429 with `Retry-After`.
    pub fn throttled(retry_after_ms: i64) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many wrong passwords; try again later",
        );
        error.retry_after_s = Some((retry_after_ms + 999) / 1000);
        error
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        AppError::from(error).into()
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        tracing::error!(%error, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(Refusal {
            code: self.code.to_owned(),
            message: self.message,
        });
        let mut response = (self.status, body).into_response();
        if let Some(seconds) = self.retry_after_s {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// The header the studio echoes its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is asking, and the digest of the credential they showed (what their
/// stored answers are kept under): refused when the credential is unknown,
/// revoked or expired, and, for a change made with the session cookie, when
/// it lacks the CSRF token or comes from another site's page.
pub(crate) async fn authenticate(
    parts: &Parts,
    state: &Server,
) -> Result<(Actor, String), ApiError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(secret) = bearer.map(str::trim) {
        return match tokens::find(&state.pool, secret).await? {
            Some(granted) => Ok((
                Actor::Token {
                    id: granted.id,
                    brand: granted.brand,
                    scopes: granted.scopes,
                },
                secrets::digest(secret),
            )),
            None => {
                tracing::warn!(path = %parts.uri.path(), "refused: unknown, revoked or expired API token");
                Err(ApiError::unauthorized())
            }
        };
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(secret) = jar.get(sessions::COOKIE).map(|c| c.value().to_owned()) else {
        return Err(ApiError::unauthorized());
    };
    let Some((user, csrf)) = sessions::find(&state.pool, &secret).await? else {
        return Err(ApiError::unauthorized());
    };
    if matches!(parts.method, Method::GET | Method::HEAD) {
        return Ok((Actor::Person(user), secrets::digest(&secret)));
    }
    // A cookie rides along on any request the browser makes, even one
    // another site starts; only the studio's own page knows the token.
    let echoed = parts
        .headers
        .get(CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(echoed.ct_eq(csrf.as_bytes())) {
        tracing::warn!(who = %user.email, path = %parts.uri.path(), "refused: missing or wrong CSRF token");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "missing or wrong X-CSRF-Token",
        ));
    }
    // why: the token is the main guard, but a token that leaks (a log, a
    // screenshot, an extension) must not let another site's page make changes,
    // nor a sibling subdomain's, whose requests carry even a Strict cookie.
    if let Err(refused) = origins::same_origin(&parts.headers) {
        tracing::warn!(who = %user.email, path = %parts.uri.path(), %refused, "refused: a change from another site's page");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "a change from another site's page",
        ));
    }
    Ok((Actor::Person(user), secrets::digest(&secret)))
}

impl FromRequestParts<Arc<Server>> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<Server>) -> Result<Actor, ApiError> {
        // A request whose stored answer was looked up is authenticated already.
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(actor.clone());
        }
        Ok(authenticate(parts, state).await?.0)
    }
}
