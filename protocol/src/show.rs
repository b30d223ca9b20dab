//! A show as a viewer sees it on joining: its picture, catalogue, deals and
//! what is on air.

use serde::{Deserialize, Serialize};

use crate::catalogue::Product;
use crate::community::Community;
use crate::gifts::{CoinPack, Gift, Gifter};
use crate::money::Money;
use crate::tags::{tags_at, Pin, TagChange};
use crate::wire::ProductId;

/// One live show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Show {
    /// Show id.
    pub id: String,
    /// Title shown under the host's name.
    pub title: String,
    /// URL of the video stream.
    pub stream_url: String,
    /// URL of an image to show before the first frame.
    pub poster_url: String,
    /// WebVTT caption tracks for a video file (an HLS stream carries its own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<CaptionTrack>,
    /// ISO 4217 currency of every price in the show.
    pub currency: String,
    /// Who is on camera.
    pub host: Host,
    /// The show's catalogue.
    pub products: Vec<Product>,
    /// Products featured so far, oldest first (the shelf).
    pub featured: Vec<ProductId>,
    /// Tags up at the first of `tag_log`'s changes: tags up now when it is empty.
    pub pins: Vec<Pin>,
    /// The tags' changes of the last [`TAG_LOG_MS`](crate::TAG_LOG_MS), oldest first: a viewer whose
    /// picture is behind live shows the tags of its own moment.
    #[serde(default)]
    pub tag_log: Vec<TagChange>,
    /// Whether the host is on air.
    #[serde(default)]
    pub on_air: OnAir,
    /// When a show that has not begun is scheduled to (unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at_ms: Option<i64>,
    /// An ended show's replay, while the brand offers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<ReplayInfo>,
    /// What the brand offers those watching when the show ends (the replay
    /// when the field is absent).
    #[serde(default, skip_serializing_if = "AfterShow::is_replay")]
    pub after: AfterShow,
    /// Flash deals running now.
    pub deals: Vec<Deal>,
    /// People watching now.
    pub viewers: u32,
    /// Gifts viewers can send, cheapest first.
    pub gifts: Vec<Gift>,
    /// Coin packs for sale, smallest first.
    pub coin_packs: Vec<CoinPack>,
    /// Top gifters so far, most coins first.
    pub leaderboard: Vec<Gifter>,
    /// Chat, likes, the Fan Club, missions and badges.
    pub community: Community,
    /// How the show's shoppers can pay.
    #[serde(default = "crate::Payments::test_cards")]
    pub payments: crate::Payments,
}

impl Show {
    /// The tags up now: the base with every change of the log.
    pub fn tags_now(&self) -> Vec<Pin> {
        tags_at(&self.pins, &self.tag_log, i64::MAX)
    }
}

/// A WebVTT file of captions for a show's video file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptionTrack {
    /// Where the `.vtt` file is.
    pub url: String,
    /// Its language (BCP 47), e.g. `id`.
    pub language: String,
    /// Its name in a caption menu, e.g. `Bahasa Indonesia`.
    pub label: String,
}

/// The seller on camera.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// Display name.
    pub name: String,
    /// Avatar image URL.
    pub avatar_url: String,
}

/// Where the server serves a scheduled show's calendar event ("Remind me"),
/// root-relative as media URLs are.
pub fn calendar_path(show_id: &str) -> String {
    format!("/shows/{show_id}/calendar.ics")
}

/// What a show offers the shoppers watching when it ends: the brand's choice
/// (`[after]` in the show file), the replay unless it chose otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "offer", rename_all = "snake_case")]
pub enum AfterShow {
    /// The show's replay, as soon as it can be watched (`ReplayReady`).
    #[default]
    Replay,
    /// A link to the brand's shop.
    Shop {
        /// The shop's address (`https://`, or `http://`).
        url: String,
    },
    /// Nothing more than saying the show has ended.
    Nothing,
}

impl AfterShow {
    /// Whether it is the replay (the default, left out of frames).
    pub fn is_replay(&self) -> bool {
        *self == AfterShow::Replay
    }

    /// Whether a shop's address is one a shopper may be sent to: a web page,
    /// never `javascript:` or a relative path.
    pub fn check(&self) -> Result<(), &'static str> {
        match self {
            AfterShow::Shop { url }
                if !(url.starts_with("https://") || url.starts_with("http://"))
                    || url.len() > 2048 =>
            {
                Err("after.url must be an http(s) address of at most 2048 bytes")
            }
            _ => Ok(()),
        }
    }
}

/// Whether the host is on air: what the player says over the picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnAir {
    /// The show has not gone live yet.
    Waiting,
    /// The picture is live (and always, for a show that plays a file).
    #[default]
    Live,
    /// The host's encoder dropped: "the host will be right back".
    Paused,
    /// The show has ended.
    Ended,
}

/// A flash deal: a lower price for a product, for a limited time and number of units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// Deal id, unique within the show.
    pub id: String,
    /// The product on deal (every variant).
    pub product_id: ProductId,
    /// Price per unit during the deal.
    pub price: Money,
    /// Server clock when it started, Unix milliseconds.
    pub starts_at_ms: i64,
    /// Server clock when it ends, Unix milliseconds: the price is gone from then on.
    pub ends_at_ms: i64,
    /// Units offered at the deal price.
    pub quantity: u32,
    /// Units left at the deal price.
    pub remaining: u32,
    /// Units one shopper may buy at the deal price.
    pub per_buyer: u32,
}

impl Deal {
    /// Whether the deal price holds at server time `now_ms`.
    pub fn live_at(&self, now_ms: i64) -> bool {
        self.remaining > 0 && (self.starts_at_ms..self.ends_at_ms).contains(&now_ms)
    }
}

/// The most a viewer's picture may run behind the server's clock for its
/// deals (10 s): a viewer further behind sees a deal end this far after the
/// server's end, never later, so a reported delay cannot keep a deal open.
pub const MAX_PICTURE_DELAY_MS: u32 = 10_000;

/// The clock a viewer's deals run on: server time `now_ms` less how far its
/// picture runs behind (`behind_ms`, at most [`MAX_PICTURE_DELAY_MS`]). The
/// viewer counts a deal down on it, and the server prices that viewer's
/// commands by it, so the seconds shown are the seconds charged.
pub fn deal_clock_ms(now_ms: i64, behind_ms: u32) -> i64 {
    now_ms - i64::from(behind_ms.min(MAX_PICTURE_DELAY_MS))
}

/// What a viewer needs to offer an ended show's replay (in `Show.replay`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayInfo {
    /// The recording's on-demand HLS playlist.
    pub video_url: String,
    /// Where the [`ReplayLog`](crate::replay::ReplayLog) is served.
    pub log_url: String,
    /// Programme time (unix ms) the replay starts at (after the brand's trim).
    pub starts_ms: i64,
    /// Programme time it ends at.
    pub ends_ms: i64,
    /// Whether the chat is replayed (a brand may hide it).
    pub chat: bool,
}
