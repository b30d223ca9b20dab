//! `GET /api/v1/schedule`: the shows on a server, live now, upcoming and
//! ended, for anyone (a brand's site lists its shows with it).

use serde::{Deserialize, Serialize};

use crate::OnAir;

/// Where a show is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// The status as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Live => "live",
            Status::Upcoming => "upcoming",
            Status::Ended => "ended",
        }
    }
}

/// A show as the schedule lists it: what a viewer joining it sees anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledShow {
    /// The show's id (`/?show=<id>`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The brand selling in it.
    pub brand: String,
    /// Who is on camera.
    pub host: String,
    /// Its poster.
    pub poster_url: String,
    /// When it began or is to begin (Unix ms).
    pub starts_at_ms: i64,
    /// Live, upcoming or ended.
    pub status: Status,
    /// Viewers watching now.
    pub viewers: u32,
}
