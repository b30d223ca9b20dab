//! Coins and gifts: the wallet, the packs that fill it, the gifts viewers send
//! the host, their streaks and the show's top gifters.

use serde::{Deserialize, Serialize};

use crate::Money;

/// Taps of one gift this close together (server time) make one streak ("Rose x12").
pub const COMBO_WINDOW_MS: i64 = 3_000;

/// Most gifts one `SendGift` may carry.
pub const MAX_GIFT_COUNT: u32 = 99;

/// How many top gifters the leaderboard lists.
pub const LEADERBOARD_SIZE: usize = 10;

/// What the host earns for `coins` of gifts, in minor units of the show's
/// currency: `per_coin` each, the show file's `[gifting] host_credit_per_coin`
/// (the demo's 8000 is Rp80 a coin, half of what viewers pay for a coin in
/// its packs). The one rule from coins to the host's money: the dashboard's
/// earnings and the payout step both call it, so what the host is shown is
/// what is paid. `None` on an overflow no real show reaches.
pub fn host_earnings(coins: u64, per_coin: i64) -> Option<i64> {
    i64::try_from(coins).ok()?.checked_mul(per_coin)
}

/// A gift viewers can send the host, priced in coins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gift {
    /// Gift id, unique within the show.
    pub id: String,
    /// Display name, in the brand's language.
    pub name: String,
    /// The name in other languages.
    #[serde(default, skip_serializing_if = "crate::Translations::is_empty")]
    pub names: crate::Translations,
    /// Image URL (SVG).
    pub image_url: String,
    /// Price of one, in coins.
    pub coins: u32,
    /// How loudly it arrives.
    pub tier: GiftTier,
}

/// How a gift is shown when it arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GiftTier {
    /// A line in the gift lane.
    Small,
    /// A highlighted line in the gift lane.
    Medium,
    /// A line in the lane and an animation over the whole widget.
    Large,
    /// A tier this viewer does not know yet; shown like a small gift.
    #[serde(other)]
    Unknown,
}

/// Coins for sale: `coins` for `price`, paid by card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinPack {
    /// Pack id.
    pub id: String,
    /// Coins credited.
    pub coins: u32,
    /// What it costs.
    pub price: Money,
}

/// A viewer's coins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallet {
    /// Coins to spend; never negative.
    pub coins: u64,
    /// Coupons, newest first, used ones too (at most [`WALLET_COUPONS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coupons: Vec<crate::Coupon>,
}

/// How many coupons a wallet lists.
pub const WALLET_COUPONS: usize = 30;

/// How other viewers see someone: a public id (not the session token) and a name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Viewer {
    /// Public viewer id, stable for the session.
    pub id: u64,
    /// Display name (plain text).
    pub name: String,
    /// Fan Club level, for members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub club: Option<u32>,
    /// The badge they show: the latest earned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
}

/// A place on the show's leaderboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gifter {
    /// Who.
    pub viewer: Viewer,
    /// Coins they have sent in this show.
    pub coins: u64,
}

/// A gift streak as it stands: the same viewer sending the same gift, tap after tap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftStreak {
    /// Streak id, unique within the show: later updates of a streak carry the same id.
    pub id: u64,
    /// Who sends it.
    pub from: Viewer,
    /// What.
    pub gift_id: String,
    /// Gifts in the streak so far.
    pub count: u32,
}
