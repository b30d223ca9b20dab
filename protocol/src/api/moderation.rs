//! Moderating a show's chat: sanctions on viewers, slow mode and words to
//! mask. The lines themselves are the socket's [`ChatMessage`](crate::ChatMessage).

use serde::{Deserialize, Serialize};

/// A sanction to set (`PUT …/viewers/{viewer}/sanction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NewSanction {
    /// No chat for `minutes`.
    Mute {
        /// 1 to a day.
        minutes: i64,
    },
    /// No chat in this show, until lifted.
    Ban,
}

/// A viewer's sanction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sanction {
    /// No chat until `until_ms` (Unix ms).
    Muted {
        /// When it ends.
        until_ms: i64,
    },
    /// No chat in this show.
    Banned,
}

/// A sanction set, and the lines it removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanctioned {
    /// The sanction now in force.
    pub sanction: Sanction,
    /// Chat lines removed with it (a ban's), by id.
    pub removed_lines: Vec<u64>,
}

/// The chat's rules while the show runs; either field may be left out of a
/// change (it is then off or empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChatRules {
    /// Seconds between two lines of one viewer, 0 to 300; 0 is off.
    pub slow_mode_s: u32,
    /// Words masked in chat lines, whole words, any case.
    pub blocked_words: Vec<String>,
}
