//! `/api/v1/shows/{show}/replay`: a show's replay as the brand set it, with
//! its figures apart from the live show's.

use serde::{Deserialize, Serialize};

/// Where a show's replay stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayState {
    /// The show's video does not come through this server: nothing is recorded.
    None,
    /// The show has not ended: its replay opens when it does.
    Recording,
    /// Viewers of the show watch its replay.
    Ready,
    /// The brand removed it, with its event log, for good.
    Removed,
    /// A state this client does not know yet (never sent by this server).
    #[serde(other)]
    Unknown,
}

impl ReplayState {
    /// The state as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayState::None => "none",
            ReplayState::Recording => "recording",
            ReplayState::Ready => "ready",
            ReplayState::Removed => "removed",
            ReplayState::Unknown => "unknown",
        }
    }
}

/// The replay as the studio shows it (`GET`, and the answer to `PUT`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// Where it stands.
    pub state: ReplayState,
    /// The recording's start (Unix ms); absent while nothing was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_starts_ms: Option<i64>,
    /// The recording's end (Unix ms); absent while nothing was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_ends_ms: Option<i64>,
    /// Seconds cut from the recording's start.
    pub trim_start_s: u32,
    /// Seconds cut from the recording's end.
    pub trim_end_s: u32,
    /// Whether the chat is replayed.
    pub chat: bool,
    /// The viewer's page for the show (`/?show=…`), where the replay plays.
    pub viewer_url: String,
    /// What the replay's viewers did.
    pub figures: ReplayFigures,
    /// The live show's figures to set the replay's beside.
    pub live: LiveFigures,
}

/// What the replay's viewers did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayFigures {
    /// Shoppers who opened the replay.
    pub views: u64,
    /// Seconds of the replay watched.
    pub watch_s: u64,
    /// Taps on products' tags in the replay.
    pub taps: u64,
}

/// The live show's figures beside the replay's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveFigures {
    /// Seconds of the live show watched.
    pub watch_s: u64,
    /// Taps on products' tags live.
    pub taps: u64,
}

/// The brand's choices (`PUT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayTrim {
    /// Seconds cut from the start, 0 to 86,400.
    pub trim_start_s: u32,
    /// Seconds cut from the end, 0 to 86,400.
    pub trim_end_s: u32,
    /// Whether the chat is replayed.
    pub chat: bool,
}
