//! Shows as data, in JSON with the show file's fields (docs/api.md):
//! `GET /api/v1/shows/{show}/file` reads one, and `POST /api/v1/shows`
//! schedules a new one for the brand, checked as a show file is, kept, and run
//! at once and after every restart (`created`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use lapak_protocol::api::shows::ShowSummary;
use serde_json::Value;

use super::shows::{show_for, summary};
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::show::ShowFile;
use crate::{catalogue, created, now_ms, Server};

/// Shows one brand may schedule through the API: a bound on what is stored.
pub const MAX_SHOWS_PER_BRAND: i64 = 200;

/// `GET /api/v1/shows/{show}/file`: the show as its file says, in JSON (the
/// studio schedules a show like another from it).
pub async fn file(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<ShowFile>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadShows)?;
    Ok(Json(state.show.clone()))
}

/// `POST /api/v1/shows` (owners; tokens with `shows:write`): 201 with the show.
pub async fn create(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Body(mut body): Body<Value>,
) -> Result<(StatusCode, Json<ShowSummary>), ApiError> {
    actor.may(Permission::ScheduleShows, actor.brand())?;
    let Some(fields) = body.as_object_mut() else {
        return Err(ApiError::invalid("a show is a JSON object"));
    };
    match fields.get("brand") {
        None => {
            fields.insert("brand".into(), actor.brand().into());
        }
        Some(brand) if brand == actor.brand() => {}
        Some(_) => {
            return Err(ApiError::invalid(
                "brand: a show is scheduled for your own brand",
            ))
        }
    }
    // Products named from the catalogue become copies with the show's own stock and prices.
    let mut conn = server.pool.acquire().await?;
    catalogue::expand(&mut conn, actor.brand(), &mut body)
        .await?
        .map_err(ApiError::invalid)?;
    drop(conn);
    let show = ShowFile::from_json(body.clone()).map_err(ApiError::invalid)?;
    if show.ingest().is_some() && server.rtmp_addr.get().is_none() {
        let message =
            "this server takes no RTMP: schedule a show with stream_url or an external video";
        return Err(ApiError::new(StatusCode::CONFLICT, "no_ingest", message));
    }
    let _write = server.writer.lock().await;
    if server.stage(Some(&show.id)).is_some() {
        let message = format!("show {} exists on this server: choose another id", show.id);
        return Err(ApiError::new(StatusCode::CONFLICT, "show_exists", message));
    }
    let mut conn = server.pool.acquire().await?;
    if created::count(&mut conn, actor.brand()).await? >= MAX_SHOWS_PER_BRAND {
        let message = format!("a brand schedules at most {MAX_SHOWS_PER_BRAND} shows here");
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "too_many_shows",
            message,
        ));
    }
    drop(conn);
    let now = now_ms();
    let stage = crate::shows::open(&server, show, now).await?;
    // Kept once it opened: a show that could not open is not run at the next start either.
    let mut conn = server.pool.acquire().await?;
    created::keep(&mut conn, &stage.show, &body, now).await?;
    drop(conn);
    tracing::info!(show = %stage.show.id, by = %actor.who(), "show scheduled");
    let shown = summary(&stage);
    let id = stage.show.id.clone();
    crate::shows::run(&server, stage, now).await?;
    if let Some(nats) = &server.nats {
        crate::fanout::announce_show(nats, &id).await;
    }
    Ok((StatusCode::CREATED, Json(shown)))
}
