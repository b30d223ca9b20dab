//! A show's replay: the brand's controls (trim the start and end, hide the
//! chat, remove it) with its figures apart from live, and the event log that
//! viewers play in sync with the recording.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lapak_protocol::api::replay::{LiveFigures, Replay, ReplayFigures, ReplayState, ReplayTrim};
use lapak_protocol::{Activity, OnAir};

use super::shows::show_for;
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::replay::{self, Settings};
use crate::{community, taps, Server, Stage};

/// Longest a trim may be, seconds: a day.
const MAX_TRIM_S: u32 = 86_400;

/// Where the show's replay stands.
pub(super) fn state(stage: &Stage) -> ReplayState {
    let live = stage.live.show(&stage.show.id);
    match &live {
        None => ReplayState::None,
        Some(l) if l.replay_settings().removed => ReplayState::Removed,
        Some(l) if *l.on_air().borrow() == OnAir::Ended => ReplayState::Ready,
        Some(_) => ReplayState::Recording,
    }
}

async fn describe(stage: &Stage) -> Result<Replay, ApiError> {
    let live = stage.live.show(&stage.show.id);
    let settings = live
        .as_ref()
        .map_or_else(Settings::default, |l| l.replay_settings());
    let span = live.as_ref().and_then(|l| l.rendered().span);
    let state = state(stage);
    let mut conn = stage.pool.acquire().await?;
    let figures = replay::figures(&mut conn, &stage.show.id).await?;
    let watch_s = community::total(&mut conn, &stage.show.id, Activity::WatchSeconds).await?;
    let taps = taps::per_product(&mut conn, &stage.show.id)
        .await?
        .values()
        .map(|(taps, _)| taps)
        .sum();
    let seconds = |ms: i64| u32::try_from(ms / 1000).unwrap_or(u32::MAX);
    Ok(Replay {
        state,
        recording_starts_ms: span.map(|s| s.0),
        recording_ends_ms: span.map(|s| s.1),
        trim_start_s: seconds(settings.trim_start_ms),
        trim_end_s: seconds(settings.trim_end_ms),
        chat: !settings.chat_hidden,
        viewer_url: format!("/?show={}", stage.show.id),
        figures: ReplayFigures {
            views: figures.views,
            watch_s: figures.watch_s,
            taps: figures.taps,
        },
        live: LiveFigures { watch_s, taps },
    })
}

/// `GET /api/v1/shows/{show}/replay`: where the replay stands, the brand's
/// choices and its figures beside live ones.
pub async fn read(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Replay>, ApiError> {
    let stage = show_for(&server, &actor, &id, Permission::ReadShows)?;
    Ok(Json(describe(&stage).await?))
}

/// `PUT /api/v1/shows/{show}/replay` (owners; tokens with `shows:write`):
/// trims and the chat.
pub async fn set(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(choices): Body<ReplayTrim>,
) -> Result<Json<Replay>, ApiError> {
    let stage = show_for(&server, &actor, &id, Permission::ScheduleShows)?;
    let live = recorded(&stage)?;
    if choices.trim_start_s > MAX_TRIM_S || choices.trim_end_s > MAX_TRIM_S {
        return Err(ApiError::invalid(format!(
            "trims: 0 to {MAX_TRIM_S} seconds"
        )));
    }
    let before = live.replay_settings();
    if before.removed {
        return Err(removed());
    }
    let settings = Settings {
        trim_start_ms: i64::from(choices.trim_start_s) * 1000,
        trim_end_ms: i64::from(choices.trim_end_s) * 1000,
        chat_hidden: !choices.chat,
        removed: false,
    };
    if let Some(span) = live.rendered().span {
        if settings.window(span).is_none() {
            return Err(ApiError::invalid(
                "the trims leave nothing of the recording",
            ));
        }
    }
    let _write = stage.writer.lock().await;
    let mut conn = stage.pool.acquire().await?;
    settings.save(&mut conn, &stage.show.id).await?;
    live.set_replay_settings(settings);
    drop(conn);
    let who = actor.who();
    tracing::info!(show = %stage.show.id, %who, ?settings, "replay settings changed");
    Ok(Json(describe(&stage).await?))
}

/// `DELETE /api/v1/shows/{show}/replay` (owners; tokens with `shows:write`):
/// the replay and its event log are gone for good. Nothing of the recording
/// is served from the show's end (at once, for one that has ended), and its
/// files are deleted once no packager writes them: here, for a closed
/// recording, else by the playlists' task when it closes.
pub async fn remove(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let stage = show_for(&server, &actor, &id, Permission::ScheduleShows)?;
    let live = recorded(&stage)?;
    let settings = Settings {
        removed: true,
        ..live.replay_settings()
    };
    let write = stage.writer.lock().await;
    let mut tx = stage.pool.begin().await?;
    settings.save(&mut tx, &stage.show.id).await?;
    replay::log::remove(&mut tx, &stage.show.id).await?;
    tx.commit().await?;
    live.set_replay_settings(settings);
    drop(write);
    let who = actor.who();
    tracing::info!(show = %stage.show.id, %who, "replay removed");
    let closed = live.rendered().closed;
    if closed {
        live.delete_recording().await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/shows/{show}/replay/log` (public, like the recording): the
/// events to play over the replay. 404 while there is no replay.
pub async fn log(
    State(server): State<Arc<Server>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let no_replay = || ApiError::not_found("this show has no replay");
    let stage = server.stage(Some(&id)).ok_or_else(no_replay)?;
    let info = stage.replay().ok_or_else(no_replay)?;
    let mut conn = stage.pool.acquire().await?;
    let window = (info.starts_ms, info.ends_ms);
    let log = replay::log::read(&mut conn, &stage.show.id, window, info.chat).await?;
    Ok((
        [
            // Embedded viewers read it from brand sites, like the video.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            // The brand's trims and chat choice change it now and then.
            (header::CACHE_CONTROL, "public, max-age=30"),
        ],
        Json(log),
    )
        .into_response())
}

fn recorded(stage: &Stage) -> Result<Arc<crate::live::ShowLive>, ApiError> {
    stage.live.show(&stage.show.id).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "not_recorded",
            "only a show whose encoder publishes here is recorded",
        )
    })
}

fn removed() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "replay_removed",
        "this show's replay was removed",
    )
}
