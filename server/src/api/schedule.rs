//! `GET /api/v1/schedule`: the shows on this server, live now, upcoming and
//! ended, for anyone (a brand's site lists its shows with it; `?brand=`
//! narrows it to one brand). It holds what a viewer joining sees anyway.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use lapak_protocol::api::schedule::{ScheduledShow, Status};
use serde::Deserialize;

use crate::{Server, Stage};

/// A show as the schedule lists it.
fn listed(stage: &Stage) -> ScheduledShow {
    let show = &stage.show;
    ScheduledShow {
        id: show.id.clone(),
        title: show.title.clone(),
        brand: show.brand.clone(),
        host: show.host.name.clone(),
        poster_url: show.poster_url.clone(),
        starts_at_ms: stage.clock.started_at_ms,
        status: Status::of(stage.hub.now().1),
        viewers: stage.hub.watching(),
    }
}

/// The schedule's filter.
#[derive(Deserialize)]
pub struct Filter {
    /// One brand's shows only.
    brand: Option<String>,
}

/// `GET /api/v1/schedule`: live shows first, then upcoming ones soonest
/// first, then ended ones latest first. Any site may read it (CORS `*`: it
/// takes no credentials).
pub async fn list(
    State(server): State<Arc<Server>>,
    Query(filter): Query<Filter>,
) -> impl IntoResponse {
    let mut shows: Vec<ScheduledShow> = server
        .stages()
        .iter()
        .filter(|stage| filter.brand.as_ref().is_none_or(|b| *b == stage.show.brand))
        .map(|stage| listed(stage))
        .collect();
    shows.sort_by_key(|s| {
        let newest_first = if s.status == Status::Ended {
            -s.starts_at_ms
        } else {
            s.starts_at_ms
        };
        (s.status, newest_first)
    });
    ([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(shows))
}
