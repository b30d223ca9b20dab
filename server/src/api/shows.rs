//! `/api/v1/shows`: the brand's shows, their ingest address and key, pins and
//! ending a show. Every action checks the actor against the show's brand.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use lapak_protocol::api::message::PinnedMessage;
use lapak_protocol::api::schedule::Status;
use lapak_protocol::api::shows::{
    Ingest, NewPin, ProductSummary, RotatedBefore, ShowSummary, VariantSummary, Video,
};
use lapak_protocol::{Pin, TAG_LOG_MS};

use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::show::{Action, Cue, ShowFile};
use crate::{Server, Stage};

/// How far ahead of the server's clock a pin may be placed (a studio whose
/// clock runs a little fast); behind, it may reach as far as viewers keep tags.
const MAX_AHEAD_MS: i64 = 10_000;

pub(super) fn summary(state: &Stage) -> ShowSummary {
    let show = &state.show;
    let video = match (show.ingest(), show.playback().hls) {
        (Some(_), _) => Video::Ingest,
        (None, true) => Video::External,
        (None, false) => Video::File,
    };
    let (pins, on_air) = state.hub.now();
    ShowSummary {
        id: show.id.clone(),
        title: show.title.clone(),
        brand: show.brand.clone(),
        video,
        on_air,
        status: Status::of(on_air),
        starts_at_ms: state.clock.started_at_ms,
        host: show.host.name.clone(),
        viewers: state.hub.watching(),
        pins,
        pinned_message: state.hub.pinned_message().map(|m| PinnedMessage {
            text: m.text,
            translations: m.translations,
        }),
        playback_url: show.playback().url,
        products: show
            .products
            .iter()
            .map(|p| ProductSummary {
                id: p.id.clone(),
                name: p.name.clone(),
                image_url: p.image_url.clone(),
                price: show.money(p.price),
                variants: p
                    .variants
                    .iter()
                    .map(|v| VariantSummary {
                        id: v.id.clone(),
                        label: v.label.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The show `id`, if the actor may do `what` to it. Another brand's show is
/// `not_found`, like one that does not exist.
pub(super) fn show_for(
    server: &Server,
    actor: &Actor,
    id: &str,
    what: Permission,
) -> Result<Arc<Stage>, ApiError> {
    let Some(stage) = server.stage(Some(id)) else {
        return Err(ApiError::not_found("no such show"));
    };
    actor.may(what, &stage.show.brand)?;
    Ok(stage)
}

/// `GET /api/v1/shows`: the actor's brand's shows.
pub async fn list(
    State(state): State<Arc<Server>>,
    actor: Actor,
) -> Result<Json<Vec<ShowSummary>>, ApiError> {
    actor.may(Permission::ReadShows, actor.brand())?;
    let stages = state.stages();
    let mine = stages.iter().filter(|s| s.show.brand == actor.brand());
    Ok(Json(mine.map(|stage| summary(stage)).collect()))
}

/// `GET /api/v1/shows/{show}`.
pub async fn one(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<ShowSummary>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadShows)?;
    Ok(Json(summary(&state)))
}

async fn ingest_of(state: &Server, show: &ShowFile, rotate: bool) -> Result<Ingest, ApiError> {
    let (Some(_), Some(addr)) = (show.ingest(), state.rtmp_addr.get()) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_ingest",
            "this show's video does not come from an encoder here",
        ));
    };
    let stream_key = if rotate {
        crate::live::keys::rotate(&state.pool, &show.id).await?
    } else {
        state.live.stream_key(&show.id).await?
    };
    Ok(Ingest {
        server: format!("rtmp://{addr}/live"),
        stream_key,
    })
}

/// `GET /api/v1/shows/{show}/ingest` (owners and hosts).
pub async fn ingest(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Ingest>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    Ok(Json(ingest_of(&server, show, false).await?))
}

/// `POST /api/v1/shows/{show}/ingest/rotate` (owners and hosts): a new key;
/// the old one stops working for new publishes at once.
pub async fn rotate_key(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    let ingest = ingest_of(&server, show, true).await?;
    let before = RotatedBefore {
        server: ingest.server.clone(),
        already_rotated: true,
        message: format!(
            "this Idempotency-Key rotated the key already; GET /api/v1/shows/{id}/ingest gives it"
        ),
    };
    Ok(super::idempotency::secret_once(
        Json(ingest),
        StatusCode::OK,
        &before,
    ))
}

fn programme_time(at: Option<i64>) -> Result<i64, ApiError> {
    let now = crate::now_ms();
    let at = at.unwrap_or(now);
    if at < now - TAG_LOG_MS || at > now + MAX_AHEAD_MS {
        return Err(ApiError::invalid(format!(
            "at: within {} s before and {} s after the server's now ({now})",
            TAG_LOG_MS / 1000,
            MAX_AHEAD_MS / 1000
        )));
    }
    Ok(at)
}

fn known_product<'a>(show: &ShowFile, product: &'a str) -> Result<&'a str, ApiError> {
    if show.products.iter().any(|p| p.id == product) {
        Ok(product)
    } else {
        Err(ApiError::not_found("no such product in this show"))
    }
}

/// `POST /api/v1/shows/{show}/pins` (owners and hosts): shows a product's tag
/// at (x, y) from the frame at `at`, for every viewer when their picture gets there.
pub async fn pin(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(request): Body<NewPin>,
) -> Result<Json<Pin>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    let product = known_product(show, &request.product_id)?;
    let inside = |v: f32| (0.0..=1.0).contains(&v);
    if !inside(request.x) || !inside(request.y) {
        return Err(ApiError::invalid("x and y: 0 to 1, over the picture"));
    }
    let at = programme_time(request.at)?;
    let cue = Cue {
        at_ms: 0,
        action: Action::Pin {
            product: product.to_owned(),
            x: request.x,
            y: request.y,
        },
    };
    state.hub.play(&[(at, &cue)]);
    Ok(Json(Pin {
        product_id: product.to_owned(),
        x: request.x,
        y: request.y,
        at,
    }))
}

/// `DELETE /api/v1/shows/{show}/pins/{product}` (owners and hosts).
pub async fn unpin(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, product)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    let product = known_product(show, &product)?;
    let cue = Cue {
        at_ms: 0,
        action: Action::Unpin {
            product: product.to_owned(),
        },
    };
    state.hub.play(&[(crate::now_ms(), &cue)]);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/shows/{show}/end` (owners and hosts): the encoder is
/// disconnected, publishing refused, the recording closed, and viewers told.
pub async fn end(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    if !crate::shows::end(&state).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_ingest",
            "only a show whose encoder publishes here can be ended",
        ));
    }
    tracing::info!(show = %state.show.id, "show ended");
    Ok(StatusCode::NO_CONTENT)
}
