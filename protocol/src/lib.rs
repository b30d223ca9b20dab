//! Lapak's wire protocol: every message on the WebSocket between a viewer and
//! the server, as serde types both sides share.
//!
//! Frames are JSON text. Each direction is one enum tagged by `"type"`:
//! [`ClientMsg`] (viewer → server) and [`ServerMsg`] (server → viewer).
//! Show events carry a per-show `seq` that only grows within an `epoch`;
//! commands carry a client-generated `id` that the server answers exactly once
//! with [`ServerMsg::Ack`] or [`ServerMsg::Reject`]. Money is always integer
//! minor units with an ISO 4217 currency code. See `docs/protocol.md`.
#![deny(missing_docs)]

pub mod api;
mod cart;
mod catalogue;
mod checkout;
mod client;
mod community;
mod coupons;
pub mod dates;
mod decode;
pub mod encoding;
mod gifts;
pub mod hls;
mod language;
mod money;
mod payments;
pub mod pricing;
pub mod replay;
mod server;
mod show;
mod tags;
mod text;
pub mod vtt;
mod wire;

pub use cart::{Cart, CartLine, MAX_LINE_QUANTITY};
pub use catalogue::{CatalogueProduct, Product, Variant};
pub use checkout::{
    Address, AppliedCoupon, Card, CheckoutRequest, Contact, Field, LineNote, Order, OrderLine,
    OrderStatus, PricedLine, Problem, Quote, QuoteLine, ShippingOption, Totals, MAX_FIELD_CHARS,
};
pub use community::{
    Activity, Badge, ChatEvent, ChatMessage, Community, FanClub, Membership, Mission,
    MissionProgress, Period, Progress, Reward, CHAT_HISTORY, CHAT_LINES_PER_TICK, HEARTBEAT_MS,
    LIKE_BATCH_MS, MAX_CHAT_CHARS, MAX_LIKES_PER_BATCH, NAME_CHARS,
};
pub use coupons::{
    coupon_code, Coupon, CouponProblem, CouponReward, CouponTerms, Off, CODE_CHARS, MAX_PERCENT_OFF,
};
pub use gifts::{
    host_earnings, CoinPack, Gift, GiftStreak, GiftTier, Gifter, Viewer, Wallet, COMBO_WINDOW_MS,
    LEADERBOARD_SIZE, MAX_GIFT_COUNT, WALLET_COUPONS,
};
pub use language::{
    check_translations, in_language, Translations, LANGUAGES, MAX_TRANSLATION_CHARS,
};
pub use payments::{
    Bank, CardFields, Ewallet, PayAction, PayMethod, PaymentDue, Payments, MAX_PHONE_CHARS,
};
pub use tags::{forget_before, tags_at, TagChange};
pub use text::{
    chat_line, display_name, is_bidi_control, is_control_or_direction, ChatError, NameError,
};

pub use client::{ClientMsg, Resume};
pub use money::Money;
pub use server::{RejectCode, ServerMsg, Session, Welcome};
pub use show::{
    calendar_path, deal_clock_ms, AfterShow, CaptionTrack, Deal, Host, OnAir, Show,
    MAX_PICTURE_DELAY_MS,
};
pub use tags::{Pin, TAG_LOG_MS};
pub use wire::{CommandId, ProductId, VariantId, MAX_FRAME_BYTES, MAX_KEY_LEN, PROTOCOL_VERSION};

#[cfg(test)]
mod tests;
