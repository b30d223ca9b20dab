//! `GET /api/v1/shows/{show}/metrics`: the live dashboard's figures.

use serde::{Deserialize, Serialize};

use crate::Money;

/// The dashboard's figures at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Server time they were read, Unix ms.
    pub at_ms: i64,
    /// When the show ended, and whether its replay plays; absent while it has not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ended>,
    /// Viewers now and at the peak.
    pub viewers: Viewers,
    /// Seconds of video watched by all viewers (credited by heartbeats).
    pub watch_seconds: u64,
    /// Likes received.
    pub likes: u64,
    /// Chat lines published.
    pub chat_lines: u64,
    /// Paid orders (cash on delivery once delivered; a partly refunded order too).
    pub orders: u64,
    /// Units in paid orders.
    pub units: u64,
    /// Paid orders' goods, after deal discounts, before coupons, shipping and refunds.
    pub gmv: Money,
    /// The show's orders by where they stand.
    #[serde(default)]
    pub statuses: OrderCounts,
    /// The sales that count: the totals of the orders paid (cash on delivery
    /// once delivered), shipping included, less what was refunded of them.
    pub net_sales: Money,
    /// What was refunded, in all.
    pub refunds: Money,
    /// Paid orders that used a coupon.
    pub coupon_orders: u64,
    /// What coupons took off them: the brand's cost of its coupons, apart from GMV.
    pub coupon_discounts: Money,
    /// Each product's selling.
    pub products: Vec<ProductFigures>,
    /// Gifts to the host.
    pub gifts: GiftFigures,
    /// Minute by minute, oldest first.
    pub minutes: Vec<MinuteFigures>,
}

/// A show's orders by where they stand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderCounts {
    /// Waiting for their payment: its answer, or the shopper paying elsewhere.
    pub waiting: u64,
    /// Paid (cash on delivery once delivered), partly refunded ones too.
    pub paid: u64,
    /// Of the paid, those partly refunded.
    pub partly_refunded: u64,
    /// Cash on delivery, confirmed and not yet delivered.
    pub pay_on_delivery: u64,
    /// Payment requests that expired unpaid.
    pub expired: u64,
    /// Payments that failed.
    pub failed: u64,
    /// Cancelled by the brand before they were paid.
    pub cancelled: u64,
    /// Refunded in full.
    pub refunded: u64,
    /// Cash on delivery, returned unpaid.
    pub returned: u64,
}

/// Viewers now and at the peak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewers {
    /// Watching now.
    pub now: u32,
    /// Most at once so far.
    pub peak: u32,
}

/// One product's selling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFigures {
    /// The product.
    pub product_id: String,
    /// Its name.
    pub name: String,
    /// Tag impressions: each minute its tag was up, the viewers watching then.
    pub impressions: u64,
    /// Taps on its tag.
    pub taps: u64,
    /// Shoppers who tapped its tag.
    pub tappers: u64,
    /// Units added to carts.
    pub adds_to_cart: u64,
    /// Paid orders with it.
    pub orders: u64,
    /// Its units in them.
    pub units: u64,
    /// Their value at the price charged.
    pub gmv: Money,
}

/// Gifts to the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftFigures {
    /// Gift sends.
    pub sends: u64,
    /// Gifts in them.
    pub gifts: u64,
    /// Coins they carried to the host.
    pub coins: u64,
    /// The host's earnings converted to money so far.
    pub converted: Money,
    /// What the host earned from them: the coins at the show's
    /// `host_credit_per_coin` (`lapak_protocol::host_earnings`), converted or not.
    pub earned: Money,
    /// The top gifters, most coins first (at most `LEADERBOARD_SIZE`).
    #[serde(default)]
    pub top: Vec<TopGifter>,
}

/// A top gifter as the dashboard lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopGifter {
    /// Their public viewer id (the one the gift lane carries).
    pub viewer_id: u64,
    /// Their name, as shoppers see it in the gift lane.
    pub name: String,
    /// Coins they sent the host in this show.
    pub coins: u64,
    /// What the host earned from them.
    pub earned: Money,
}

/// How a show ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    /// When the host or an owner ended it, Unix ms.
    pub at_ms: i64,
    /// Whether viewers of the show now watch its replay.
    pub replay: bool,
}

/// One minute of the show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinuteFigures {
    /// Server time the minute starts, Unix ms.
    pub start_ms: i64,
    /// Most viewers at once in it.
    pub viewers: u32,
    /// Chat lines published.
    pub chat: u32,
    /// Likes received.
    pub likes: u64,
    /// Products whose tag was up at some tick of it.
    pub pinned: Vec<String>,
    /// Paid orders placed in it.
    pub orders: u64,
    /// Their goods, minor units of the show's currency.
    pub gmv_minor: i64,
}
