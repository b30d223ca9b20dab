//! The community around a show: chat, likes, the host's Fan Club, missions,
//! badges and each viewer's progress through them.
//!
//! Missions are data: each counts one [`Activity`] up to a target, over the
//! show or over one day, and grants a [`Reward`] exactly once. New missions are
//! lines in the show file, not code.

use serde::{Deserialize, Serialize};

use crate::Viewer;

/// Longest chat message accepted, in characters (after trimming).
pub const MAX_CHAT_CHARS: usize = 150;
/// Shortest and longest display name, in characters (after trimming).
pub const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=24;
/// Chat messages a snapshot carries, and the most a viewer keeps.
pub const CHAT_HISTORY: usize = 50;
/// Most lines one `Chat` event carries: under a flood the oldest of a tick are
/// left out. Five events a second of this many lines is more than anyone reads,
/// and a slow phone lays out each event's lines in one frame.
pub const CHAT_LINES_PER_TICK: usize = 20;
/// A viewer sends its likes at most this often, as one `Like` with their count.
pub const LIKE_BATCH_MS: i64 = 1_000;
/// Most likes one `Like` may carry (more are clamped: nobody taps faster).
pub const MAX_LIKES_PER_BATCH: u32 = 30;
/// A playing, visible viewer sends a `Heartbeat` this often.
pub const HEARTBEAT_MS: i64 = 15_000;

/// Something a viewer does that missions count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Seconds of video watched with the tab visible (credited by heartbeats).
    WatchSeconds,
    /// Likes sent.
    Like,
    /// Chat messages sent.
    Comment,
    /// Times something was added to the cart.
    AddToCart,
    /// Gifts sent.
    Gift,
    /// Times the show's link was shared (copied).
    Share,
    /// Orders paid.
    Buy,
    /// Joined the Fan Club.
    JoinClub,
    /// An activity this viewer does not know yet.
    #[serde(other)]
    Unknown,
}

/// One chat line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Message id, increasing within the show.
    pub id: u64,
    /// Who wrote it, with their badges as they were then.
    pub from: Viewer,
    /// Plain text (never markup), already masked by the show's blocklist.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Set for lines the server writes about a viewer, instead of `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ChatEvent>,
}

/// A line the server writes into the chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChatEvent {
    /// `from` joined the Fan Club.
    JoinedClub,
    /// `from` reached a Fan Club level.
    LevelUp {
        /// The new level.
        level: u32,
    },
    /// An event this viewer does not know yet; not shown.
    #[serde(other)]
    Unknown,
}

/// The host's Fan Club, as configured for the show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanClub {
    /// The club's name, shown in members' badges.
    pub name: String,
    /// How to join: free, or by sending this gift once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_gift: Option<String>,
    /// Points needed for each level: level `n` needs `levels[n - 1]` (the first is 0).
    pub levels: Vec<u32>,
}

impl FanClub {
    /// The level `points` reach (1 at least).
    pub fn level(&self, points: u32) -> u32 {
        let reached = self.levels.iter().filter(|&&need| points >= need).count();
        u32::try_from(reached).unwrap_or(u32::MAX).max(1)
    }
}

/// A viewer's Fan Club membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Level, 1..=`levels.len()`.
    pub level: u32,
    /// Points so far (from mission rewards and gifts).
    pub points: u32,
}

/// Over what time a mission counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Over the whole show, once.
    #[default]
    Show,
    /// Over one day (UTC); it can be completed again the next day.
    Daily,
    /// A period this viewer does not know yet.
    #[serde(other)]
    Unknown,
}

/// A mission, as the show defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mission {
    /// Mission id, unique within the show.
    pub id: String,
    /// What it counts.
    pub counts: Activity,
    /// How many to complete it (seconds for `watch_seconds`).
    pub target: u32,
    /// Over what time.
    pub period: Period,
    /// What completing it grants.
    pub reward: Reward,
}

/// What completing a mission grants, once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    /// A badge, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    /// Fan Club points (for members).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub points: u32,
    /// Coins into the wallet.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub coins: u32,
    /// A coupon into the wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<crate::CouponReward>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A badge viewers can collect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    /// Badge id, unique within the show.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Image URL (SVG).
    pub image_url: String,
}

/// The community side of a show, in the `Welcome` snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    /// The host's pinned message, shown above the chat, in the brand's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<String>,
    /// Its translations, by language.
    #[serde(default, skip_serializing_if = "crate::Translations::is_empty")]
    pub pinned_translations: crate::Translations,
    /// Slow mode: seconds between two lines of one viewer; 0 when off.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub slow_mode_s: u32,
    /// The latest chat lines, oldest first (at most [`CHAT_HISTORY`]).
    pub chat: Vec<ChatMessage>,
    /// Likes the show has received.
    pub likes: u64,
    /// The Fan Club, if the show has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub club: Option<FanClub>,
    /// Missions on offer.
    pub missions: Vec<Mission>,
    /// Badges to collect.
    pub badges: Vec<Badge>,
}

/// Where one viewer stands: sent in `Welcome`/`Resumed` and whenever it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// How others see the viewer now (name, club level, badge).
    pub you: Viewer,
    /// Fan Club membership, once joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Membership>,
    /// Each mission's count in its current period, as `missions` lists them.
    pub missions: Vec<MissionProgress>,
    /// Badges earned, by id, oldest first.
    pub badges: Vec<String>,
    /// Activities done at least once in this show (the LIVE Journey).
    pub journey: Vec<Activity>,
}

/// A mission's progress in its current period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionProgress {
    /// The mission.
    pub id: String,
    /// Counted so far (capped at the target).
    pub count: u32,
    /// Completed and rewarded in this period.
    pub done: bool,
}
