//! `/api/v1/shows`: the brand's shows, their ingest address and key, and pins.

use serde::{Deserialize, Serialize};

use super::message::PinnedMessage;
use super::schedule::Status;
use crate::{Money, OnAir, Pin};

/// A show as the API lists it (`GET /api/v1/shows`, `GET /api/v1/shows/{show}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShowSummary {
    /// The show's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The brand it belongs to.
    pub brand: String,
    /// Where its picture comes from.
    pub video: Video,
    /// Whether the host is on air.
    pub on_air: OnAir,
    /// Live, upcoming or ended.
    pub status: Status,
    /// When it began or is to begin (Unix ms).
    pub starts_at_ms: i64,
    /// Who is on camera.
    pub host: String,
    /// Viewers watching now.
    pub viewers: u32,
    /// The tags up now.
    pub pins: Vec<Pin>,
    /// The message pinned above the chat, with its translations.
    pub pinned_message: Option<PinnedMessage>,
    /// What viewers play (the studio previews the same).
    pub playback_url: String,
    /// The products a host may pin.
    pub products: Vec<ProductSummary>,
}

/// Where a show's picture comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Video {
    /// The host's encoder publishes here.
    Ingest,
    /// HLS from elsewhere.
    External,
    /// A file the server plays.
    File,
}

/// A product as the studio lists it for pinning and selling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    /// The product's id in the show.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its picture.
    pub image_url: String,
    /// Its full price, before any deal.
    pub price: Money,
    /// Its variants.
    pub variants: Vec<VariantSummary>,
}

/// A variant: its id and the label shoppers see (empty for a single variant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantSummary {
    /// The variant's id in the product.
    pub id: String,
    /// Its label.
    pub label: String,
}

/// A pin to place (`POST …/pins`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPin {
    /// The product to pin.
    pub product_id: String,
    /// Where the product is in the picture, 0 (left) ..= 1 (right).
    pub x: f32,
    /// 0 (top) ..= 1 (bottom).
    pub y: f32,
    /// Programme date-time (Unix ms) of the frame the host pinned on (the
    /// studio's preview); the server's now without it.
    #[serde(default)]
    pub at: Option<i64>,
}

/// Where the host's encoder publishes (`GET …/ingest`, `POST …/ingest/rotate`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ingest {
    /// The RTMP server address for OBS's "Server" field.
    pub server: String,
    /// The secret for OBS's "Stream Key" field.
    pub stream_key: String,
}

/// What a retry of a key's rotation gets: where to read the key, not the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatedBefore {
    /// The RTMP server address.
    pub server: String,
    /// Always `true`.
    pub already_rotated: bool,
    /// Where the key is read.
    pub message: String,
}
