//! The studio's and brands' HTTP API (docs/api.md): JSON in and out, every
//! refusal a 4xx with a machine-readable `code`, nothing written on one.
//! `/studio/api/session` signs people in; `/api/v1/…` acts on the brand's
//! shows, for a signed-in person (with the CSRF header) or an API token.

mod body;
mod catalogue;
mod coupons;
mod deals;
mod events;
pub(crate) mod idempotency;
mod message;
mod metrics;
mod moderation;
mod orders;
mod payments;
mod replay;
mod schedule;
mod session;
mod show_files;
mod shows;
mod stock;
mod tokens;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::Server;

pub use body::Body;

/// The largest request body the API reads.
// why: every request is a small JSON object; a bound keeps hostile bodies out
// of memory before any parsing.
const MAX_BODY_BYTES: usize = 16 * 1024;
/// The largest show `POST /api/v1/shows` reads.
const MAX_SHOW_BYTES: usize = 128 * 1024;
/// The largest catalogue import: 2,000 products of a few variants each as CSV.
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// The API's routes.
pub fn routes(state: Arc<Server>) -> Router<Arc<Server>> {
    // Signing in is no command to retry: its answer holds the CSRF token.
    let session = Router::new().route(
        "/studio/api/session",
        post(session::sign_in)
            .get(session::current)
            .delete(session::sign_out),
    );
    let commands = Router::new()
        .route("/api/v1/tokens", post(tokens::create).get(tokens::list))
        .route("/api/v1/tokens/{id}", delete(tokens::revoke))
        .route("/api/v1/schedule", get(schedule::list))
        .route("/api/v1/catalogue", get(catalogue::list))
        .route("/api/v1/catalogue/csv", get(catalogue::export))
        .route(
            "/api/v1/catalogue/{product}",
            put(catalogue::put).delete(catalogue::remove),
        )
        .route("/api/v1/shows/{show}", get(shows::one))
        .route("/api/v1/shows/{show}/file", get(show_files::file))
        .route("/api/v1/shows/{show}/ingest", get(shows::ingest))
        .route(
            "/api/v1/shows/{show}/ingest/rotate",
            post(shows::rotate_key),
        )
        .route("/api/v1/shows/{show}/pins", post(shows::pin))
        .route("/api/v1/shows/{show}/pins/{product}", delete(shows::unpin))
        .route("/api/v1/shows/{show}/end", post(shows::end))
        .route(
            "/api/v1/shows/{show}/replay",
            get(replay::read).put(replay::set).delete(replay::remove),
        )
        .route(
            "/api/v1/shows/{show}/replay/log",
            // A long show's log is large, and JSON compresses well.
            get(replay::log).layer(tower_http::compression::CompressionLayer::new()),
        )
        .route(
            "/api/v1/shows/{show}/deals",
            get(deals::running).post(deals::start),
        )
        .route("/api/v1/shows/{show}/deals/{deal}", delete(deals::stop))
        .route(
            "/api/v1/shows/{show}/coupons",
            get(coupons::list).post(coupons::create),
        )
        .route("/api/v1/shows/{show}/message", put(message::set))
        .route("/api/v1/shows/{show}/stock", get(stock::list))
        .route(
            "/api/v1/shows/{show}/stock/{product}/{variant}",
            put(stock::set),
        )
        .route("/api/v1/shows/{show}/events", get(events::stream))
        .route("/api/v1/payments", get(orders::setup))
        .route("/api/v1/shows/{show}/orders", get(orders::list))
        .route(
            "/api/v1/shows/{show}/orders/{number}/refund",
            post(orders::refund),
        )
        .route(
            "/api/v1/shows/{show}/orders/{number}/cancel",
            post(orders::cancel),
        )
        .route(
            "/api/v1/shows/{show}/orders/{number}/delivered",
            post(orders::delivered),
        )
        .route(
            "/api/v1/shows/{show}/orders/{number}/returned",
            post(orders::returned),
        )
        .route("/api/v1/shows/{show}/metrics", get(metrics::read))
        .route("/api/v1/shows/{show}/metrics/{file}", get(metrics::export))
        .route("/api/v1/shows/{show}/chat", get(moderation::recent))
        .route(
            "/api/v1/shows/{show}/chat/rules",
            get(moderation::rules).put(moderation::set_rules),
        )
        .route(
            "/api/v1/shows/{show}/chat/{line}",
            delete(moderation::remove_line),
        )
        .route(
            "/api/v1/shows/{show}/viewers/{viewer}/sanction",
            put(moderation::sanction).delete(moderation::lift),
        );
    // A whole show (catalogue, gifts, missions) is larger than a command.
    let shows = Router::new().route("/api/v1/shows", get(shows::list).post(show_files::create));
    let import = Router::new().route("/api/v1/catalogue/import", post(catalogue::import));
    let callbacks = Router::new()
        .route(
            "/api/v1/payments/{provider}/callback",
            post(payments::callback),
        )
        .route(
            "/api/v1/payments/test/pay/{order}",
            post(payments::test_pay),
        );
    let once = |router: Router<Arc<Server>>| {
        router.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::once,
        ))
    };
    limited(session, MAX_BODY_BYTES)
        .merge(limited(once(commands), MAX_BODY_BYTES))
        .merge(limited(once(shows), MAX_SHOW_BYTES))
        .merge(limited(once(import), MAX_IMPORT_BYTES))
        .merge(limited(callbacks, payments::MAX_CALLBACK_BYTES))
}

/// `router`'s routes read bodies of at most `limit` bytes, whatever else runs
/// first (an `Idempotency-Key` reads the body before the handler): a body that
/// says it is larger is refused before a byte of it is read, and one that
/// grows larger as soon as it does.
fn limited(router: Router<Arc<Server>>, limit: usize) -> Router<Arc<Server>> {
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(limit, body::declared))
}
