//! Server → viewer: [`ServerMsg`], one enum tagged by `"type"`, the
//! [`Welcome`] snapshot it opens with, and why a command was refused.

use serde::{Deserialize, Serialize};

use crate::cart::Cart;
use crate::checkout::{Order, Quote};
use crate::community::{ChatMessage, Progress};
use crate::coupons::CouponProblem;
use crate::gifts::{GiftStreak, Gifter, Viewer, Wallet};
use crate::language::Translations;
use crate::show::{Deal, OnAir, Show};
use crate::tags::Pin;
use crate::wire::{CommandId, ProductId, VariantId};

/// Server → viewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ServerMsg {
    /// Answer to `Hello`: everything the viewer needs, as one snapshot.
    Welcome(Box<Welcome>),
    /// Answer to a `Hello` that resumed: the events after `seq` follow, in order.
    Resumed {
        /// The history the replay belongs to (equal to the viewer's).
        epoch: u64,
        /// The viewer's last seq; replayed events start after it.
        seq: u64,
        /// The viewer's session.
        session: Session,
        /// The viewer's cart now (it may have changed in another tab meanwhile).
        cart: Cart,
        /// The viewer's orders now, newest first.
        orders: Vec<Order>,
        /// The viewer's coins now.
        wallet: Wallet,
        /// The viewer's missions, badges and club now.
        progress: Box<Progress>,
    },
    /// Answer to `Ping`.
    Pong {
        /// Server clock, Unix milliseconds.
        server_time_ms: i64,
    },
    /// A command was applied (or had been already: same id, same answer).
    Ack {
        /// The command's id.
        id: CommandId,
        /// The cart after the command, when the command touched it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cart: Option<Cart>,
        /// The order a `Checkout` placed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order: Option<Box<Order>>,
        /// The wallet after a `TopUp` or `SendGift`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wallet: Option<Wallet>,
        /// A `Chat`'s line as everyone sees it (masked, with its id and the
        /// sender's badges), so the sender sees it at once, even when a flood
        /// leaves it out of the `Chat` event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat: Option<ChatMessage>,
    },
    /// Answer to `Quote`: the cart re-priced now.
    Quoted {
        /// The command's id.
        id: CommandId,
        /// The re-priced cart.
        quote: Quote,
    },
    /// A command was refused; nothing was changed.
    Reject {
        /// The command's id (empty when the frame could not be read at all).
        id: CommandId,
        /// Machine-readable reason; the viewer translates it.
        code: RejectCode,
        /// Human-readable detail for logs and developers (English).
        message: String,
    },
    /// The session's cart changed on another connection (a second tab).
    CartChanged {
        /// The cart as it now is.
        cart: Cart,
    },
    /// One of the session's orders was placed or changed (a pending payment resolved).
    OrderUpdated {
        /// The order as it now is.
        order: Box<Order>,
    },
    /// The session's coins changed on another connection, or a pending top-up settled.
    WalletChanged {
        /// The wallet as it now is.
        wallet: Wallet,
    },
    /// A gift streak began or grew. Taps are gathered: one event per streak per
    /// moment, carrying the streak's count so far, never one per tap.
    Gifted {
        /// Show event sequence number.
        seq: u64,
        /// The streak.
        streak: GiftStreak,
    },
    /// Chat lines written since the last `Chat` event, oldest first. Lines are
    /// gathered and sent a few times a second, never one event per line.
    Chat {
        /// Show event sequence number.
        seq: u64,
        /// The new lines (at most [`CHAT_LINES_PER_TICK`](crate::CHAT_LINES_PER_TICK); under a flood the oldest are left out).
        messages: Vec<ChatMessage>,
    },
    /// A moderator removed chat lines (or all of a banned viewer's recent
    /// ones): every viewer drops them.
    ChatRemoved {
        /// Show event sequence number.
        seq: u64,
        /// The removed lines' ids.
        ids: Vec<u64>,
    },
    /// The host changed the pinned message above the chat (`None`: took it down).
    PinnedMessage {
        /// Show event sequence number.
        seq: u64,
        /// The message now, in the brand's language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// Its translations, by language.
        #[serde(default, skip_serializing_if = "Translations::is_empty")]
        translations: Translations,
    },
    /// A moderator turned slow mode on (one line per viewer every `every_s`
    /// seconds) or off (0).
    SlowMode {
        /// Show event sequence number.
        seq: u64,
        /// Seconds between two lines of one viewer; 0 when off.
        every_s: u32,
    },
    /// The show's like count grew (gathered, a few times a second at most).
    Likes {
        /// Show event sequence number.
        seq: u64,
        /// Likes the show has received.
        total: u64,
    },
    /// The viewer's progress changed (to every tab of the session).
    Progress {
        /// Where the viewer stands now.
        progress: Box<Progress>,
        /// Missions completed by the change that caused this, rewards granted.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        completed: Vec<String>,
    },
    /// The show's top gifters changed.
    Leaderboard {
        /// Show event sequence number.
        seq: u64,
        /// Up to [`LEADERBOARD_SIZE`](crate::LEADERBOARD_SIZE) gifters, most coins first.
        top: Vec<Gifter>,
    },
    /// The host pinned a product: show its tag.
    Pinned {
        /// Show event sequence number.
        seq: u64,
        /// The pin.
        pin: Pin,
    },
    /// The host unpinned a product: remove its tag.
    Unpinned {
        /// Show event sequence number.
        seq: u64,
        /// Product whose tag leaves.
        product_id: ProductId,
        /// Programme date-time of the frame it leaves on, Unix ms.
        at: i64,
    },
    /// The host's encoder connected or dropped, or the show ended.
    OnAir {
        /// Show event sequence number.
        seq: u64,
        /// Where the show stands now.
        state: OnAir,
    },
    /// The ended show's replay can be watched now (its recording closed):
    /// pushed to every viewer of the show once after it ended, so those who
    /// watched the end are offered it without a reload. Later viewers find
    /// it in `Welcome.show.replay`.
    ReplayReady {
        /// Show event sequence number.
        seq: u64,
        /// Where the replay is.
        replay: crate::replay::ReplayInfo,
    },
    /// A variant's stock changed.
    StockChanged {
        /// Show event sequence number.
        seq: u64,
        /// Product.
        product_id: ProductId,
        /// Variant.
        variant_id: VariantId,
        /// Units now available.
        stock: u32,
    },
    /// A flash deal started.
    DealStarted {
        /// Show event sequence number.
        seq: u64,
        /// The deal.
        deal: Deal,
    },
    /// Units were sold at a deal's price.
    DealChanged {
        /// Show event sequence number.
        seq: u64,
        /// Deal.
        deal_id: String,
        /// Units left at the deal price.
        remaining: u32,
    },
    /// A flash deal ended: its price is gone.
    DealEnded {
        /// Show event sequence number.
        seq: u64,
        /// Deal.
        deal_id: String,
        /// A host stopped it before its time: it ends at once on every screen.
        /// Otherwise its time is up on the server's clock, and each viewer
        /// drops it when its picture's clock reaches the end
        /// ([`deal_clock_ms`](crate::deal_clock_ms)).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        stopped: bool,
    },
    /// The number of people watching changed.
    ViewerCount {
        /// Show event sequence number.
        seq: u64,
        /// People watching now.
        count: u32,
    },
    /// Any event type this viewer does not know yet; ignored (forward compatibility).
    #[serde(other)]
    Unknown,
}

/// The `seq` field of a show event, as a place (`&u64` or `&mut u64`), `None`
/// for other messages: one list of show events for reading and for setting.
macro_rules! show_seq {
    ($msg:expr) => {
        match $msg {
            ServerMsg::Pinned { seq, .. }
            | ServerMsg::Unpinned { seq, .. }
            | ServerMsg::OnAir { seq, .. }
            | ServerMsg::ReplayReady { seq, .. }
            | ServerMsg::StockChanged { seq, .. }
            | ServerMsg::DealStarted { seq, .. }
            | ServerMsg::DealChanged { seq, .. }
            | ServerMsg::DealEnded { seq, .. }
            | ServerMsg::Gifted { seq, .. }
            | ServerMsg::Leaderboard { seq, .. }
            | ServerMsg::Chat { seq, .. }
            | ServerMsg::ChatRemoved { seq, .. }
            | ServerMsg::PinnedMessage { seq, .. }
            | ServerMsg::SlowMode { seq, .. }
            | ServerMsg::Likes { seq, .. }
            | ServerMsg::ViewerCount { seq, .. } => Some(seq),
            _ => None,
        }
    };
}

impl ServerMsg {
    /// The show sequence number, for show events.
    pub fn seq(&self) -> Option<u64> {
        show_seq!(self).copied()
    }

    /// The show sequence number to set, for show events (servers that share a
    /// show number its events when they come back from the stream that orders them).
    pub fn seq_mut(&mut self) -> Option<&mut u64> {
        show_seq!(self)
    }
}

/// The snapshot a viewer receives on joining.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    /// The server's [`PROTOCOL_VERSION`](crate::PROTOCOL_VERSION).
    pub protocol: u32,
    /// Identifies the server's event history; changes when that history is lost (restart).
    pub epoch: u64,
    /// The last show event seq already reflected in this snapshot.
    pub seq: u64,
    /// Server clock, Unix milliseconds, for clock-offset estimates.
    pub server_time_ms: i64,
    /// The viewer's session.
    pub session: Session,
    /// How other viewers see this one.
    pub you: Viewer,
    /// The viewer's coins.
    pub wallet: Wallet,
    /// The viewer's missions, badges and club.
    pub progress: Progress,
    /// The show as it is now.
    pub show: Show,
    /// The viewer's cart.
    pub cart: Cart,
    /// The viewer's orders, newest first.
    pub orders: Vec<Order>,
}

/// A viewer's session: the token to keep and present in later `Hello`s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Secret, random, 128 bits as 32 hex digits.
    pub token: String,
}

/// Why a command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The frame is not a valid command.
    BadRequest,
    /// A command arrived before `Hello`, or `Hello` twice.
    BadSequence,
    /// The protocol version is not supported.
    UnsupportedProtocol,
    /// No such product in this show.
    UnknownProduct,
    /// No such variant of that product.
    UnknownVariant,
    /// Not enough stock for the requested quantity.
    OutOfStock,
    /// The quantity is out of bounds or above the product's per-order limit.
    QuantityLimit,
    /// Too many commands in a short time; retry a little later.
    RateLimited,
    /// Checkout of an empty cart.
    EmptyCart,
    /// The checkout's lines are not the session's cart (changed meanwhile, or not this viewer's).
    CartChanged,
    /// A price or total in the checkout is not what the server charges now: quote again.
    PriceChanged,
    /// No such shipping option.
    UnknownShipping,
    /// A contact, address or card field is missing or malformed; the message names them.
    InvalidDetails,
    /// The card was declined; nothing was charged and no order was placed.
    PaymentDeclined,
    /// The payment provider has not answered yet; the coins arrive (`WalletChanged`) once it does.
    PaymentPending,
    /// The payment method is not offered for this order (cash on delivery
    /// over the show's limit, or a method the show does not take).
    PaymentUnavailable,
    /// No such gift in this show.
    UnknownGift,
    /// No such coin pack.
    UnknownPack,
    /// Not enough coins for the gift; nothing was debited.
    InsufficientCoins,
    /// A moderator muted this viewer: no chat lines for now (the message
    /// says until when).
    Muted,
    /// A moderator banned this viewer from the show's chat, until a moderator
    /// lifts it.
    Banned,
    /// No such coupon in the wallet, or no such code in this show.
    CouponUnknown,
    /// The coupon was used by an order already.
    CouponUsed,
    /// The coupon is past its expiry.
    CouponExpired,
    /// The cart is below the coupon's minimum spend.
    CouponMinSpend,
    /// Every claim of the code is taken.
    CouponAllClaimed,
    /// The server failed; the command may be retried with the same id.
    Internal,
    /// A code this viewer does not know yet.
    #[serde(other)]
    Unknown,
}

impl From<CouponProblem> for RejectCode {
    fn from(problem: CouponProblem) -> Self {
        match problem {
            CouponProblem::Unknown => RejectCode::CouponUnknown,
            CouponProblem::Used => RejectCode::CouponUsed,
            CouponProblem::Expired => RejectCode::CouponExpired,
            CouponProblem::MinSpend { .. } => RejectCode::CouponMinSpend,
            CouponProblem::AllClaimed => RejectCode::CouponAllClaimed,
        }
    }
}

impl RejectCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::BadRequest => "bad_request",
            RejectCode::BadSequence => "bad_sequence",
            RejectCode::UnsupportedProtocol => "unsupported_protocol",
            RejectCode::UnknownProduct => "unknown_product",
            RejectCode::UnknownVariant => "unknown_variant",
            RejectCode::OutOfStock => "out_of_stock",
            RejectCode::QuantityLimit => "quantity_limit",
            RejectCode::RateLimited => "rate_limited",
            RejectCode::EmptyCart => "empty_cart",
            RejectCode::CartChanged => "cart_changed",
            RejectCode::PriceChanged => "price_changed",
            RejectCode::UnknownShipping => "unknown_shipping",
            RejectCode::InvalidDetails => "invalid_details",
            RejectCode::PaymentDeclined => "payment_declined",
            RejectCode::PaymentPending => "payment_pending",
            RejectCode::PaymentUnavailable => "payment_unavailable",
            RejectCode::UnknownGift => "unknown_gift",
            RejectCode::UnknownPack => "unknown_pack",
            RejectCode::InsufficientCoins => "insufficient_coins",
            RejectCode::Muted => "muted",
            RejectCode::Banned => "banned",
            RejectCode::CouponUnknown => "coupon_unknown",
            RejectCode::CouponUsed => "coupon_used",
            RejectCode::CouponExpired => "coupon_expired",
            RejectCode::CouponMinSpend => "coupon_min_spend",
            RejectCode::CouponAllClaimed => "coupon_all_claimed",
            RejectCode::Internal => "internal",
            RejectCode::Unknown => "unknown",
        }
    }
}
