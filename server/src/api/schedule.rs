//! `GET /api/v1/schedule`: the shows on this server, live now, upcoming and
//! ended, for anyone (a brand's site lists its shows with it; `?brand=`
//! narrows it to one brand). It holds what a viewer joining sees anyway.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use lapak_protocol::OnAir;
use serde::{Deserialize, Serialize};

use crate::{Server, Stage};

/// Where a show is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// On air now (also while the host's encoder reconnects).
    Live,
    /// Not begun: before its scheduled time, or waiting for the host.
    Upcoming,
    /// Over.
    Ended,
}

impl Status {
    /// The status of a show whose picture stands at `on_air`.
    pub fn of(on_air: OnAir) -> Status {
        match on_air {
            OnAir::Waiting => Status::Upcoming,
            OnAir::Live | OnAir::Paused => Status::Live,
            OnAir::Ended => Status::Ended,
        }
    }
}

/// A show as the schedule lists it.
#[derive(Serialize)]
pub struct Listed {
    id: String,
    title: String,
    brand: String,
    host: String,
    poster_url: String,
    /// When it began or is to begin (unix ms).
    starts_at_ms: i64,
    status: Status,
    /// Viewers watching now.
    viewers: u32,
}

impl Listed {
    fn of(stage: &Stage) -> Listed {
        let show = &stage.show;
        Listed {
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
    let mut shows: Vec<Listed> = server
        .stages()
        .iter()
        .filter(|stage| filter.brand.as_ref().is_none_or(|b| *b == stage.show.brand))
        .map(|stage| Listed::of(stage))
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
