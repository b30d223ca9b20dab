//! Viewer → server: [`ClientMsg`], one enum tagged by `"type"`.

use serde::{Deserialize, Serialize};

use crate::checkout::{Card, CheckoutRequest};
use crate::money::Money;
use crate::wire::{CommandId, ProductId, VariantId, MAX_KEY_LEN};

/// Viewer → server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ClientMsg {
    /// First frame on every connection. Without a known token the server opens a new session.
    Hello {
        /// The viewer's [`PROTOCOL_VERSION`](crate::PROTOCOL_VERSION).
        protocol: u32,
        /// The session token from an earlier `Welcome`, kept by the viewer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        /// The show to join; the server's default show when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        show: Option<String>,
        /// Where a reconnecting viewer left off: the server replays what it missed
        /// (`Resumed` + the events), or sends a fresh `Welcome` when it cannot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<Resume>,
    },
    /// Heartbeat; answered by `Pong`. Keeps an idle connection open and lets the
    /// viewer notice a dead socket the browser has not reported.
    Ping,
    /// How far the picture on this viewer's screen runs behind the server's
    /// clock, in milliseconds, sent when it changes. Deals hold for this
    /// connection's commands on its picture's clock ([`deal_clock_ms`](crate::deal_clock_ms)),
    /// so a viewer behind the live edge gets a deal's whole window to buy.
    Behind {
        /// The delay; the server takes at most [`MAX_PICTURE_DELAY_MS`](crate::MAX_PICTURE_DELAY_MS).
        ms: u32,
    },
    /// Add `quantity` of a variant to the cart (added to what the line already holds).
    AddToCart {
        /// Idempotency key.
        id: CommandId,
        /// Product to add.
        product_id: ProductId,
        /// Variant of that product.
        variant_id: VariantId,
        /// How many to add, 1..=[`MAX_LINE_QUANTITY`](crate::MAX_LINE_QUANTITY).
        quantity: u32,
    },
    /// Set a cart line's quantity; 0 removes the line.
    SetQuantity {
        /// Idempotency key.
        id: CommandId,
        /// Product of the line.
        product_id: ProductId,
        /// Variant of the line.
        variant_id: VariantId,
        /// New quantity, 0..=[`MAX_LINE_QUANTITY`](crate::MAX_LINE_QUANTITY).
        quantity: u32,
    },
    /// Re-price the cart for checkout; answered by `Quoted`.
    Quote {
        /// Idempotency key.
        id: CommandId,
        /// A coupon of the shopper's wallet to apply, by code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        coupon: Option<String>,
    },
    /// Place an order for the cart, as quoted; answered by `Ack` with the order.
    Checkout {
        /// Idempotency key: a retry returns the same order, never a second one.
        id: CommandId,
        /// What the shopper confirmed, and their details.
        order: Box<CheckoutRequest>,
    },
    /// Buy a coin pack by card; answered by `Ack` with the wallet.
    TopUp {
        /// Idempotency key: a retry never charges twice.
        id: CommandId,
        /// The pack.
        pack_id: String,
        /// The price the shopper was shown (a different price is refused).
        price: Money,
        /// How to pay. Sent to the payment provider and never stored.
        card: Card,
    },
    /// Send the host `count` of a gift; answered by `Ack` with the wallet.
    /// Each tap of a combo is its own command; the server builds the streak.
    SendGift {
        /// Idempotency key: a retry never debits twice.
        id: CommandId,
        /// The gift.
        gift_id: String,
        /// How many, 1..=[`MAX_GIFT_COUNT`](crate::MAX_GIFT_COUNT).
        count: u32,
        /// The price of one the viewer was shown, in coins (a different price is refused).
        coins: u32,
    },
    /// Say something in the chat, 1..=[`MAX_CHAT_CHARS`](crate::MAX_CHAT_CHARS) characters (see [`chat_line`](crate::chat_line)); answered by
    /// `Ack` with the line, which reaches everyone in the next `Chat` event.
    Chat {
        /// Idempotency key: a retry never posts twice.
        id: CommandId,
        /// Plain text.
        text: String,
    },
    /// Likes tapped since the last `Like` (sent at most every [`LIKE_BATCH_MS`](crate::LIKE_BATCH_MS)).
    Like {
        /// Idempotency key.
        id: CommandId,
        /// How many, 1..=[`MAX_LIKES_PER_BATCH`](crate::MAX_LIKES_PER_BATCH) (more are clamped).
        count: u32,
    },
    /// The video has been playing in a visible tab since the last heartbeat
    /// (sent every [`HEARTBEAT_MS`](crate::HEARTBEAT_MS)). The server credits at most the time since
    /// the last credited heartbeat, so extra heartbeats earn nothing.
    Heartbeat {
        /// Idempotency key.
        id: CommandId,
    },
    /// The viewer shared the show (copied its link).
    Share {
        /// Idempotency key.
        id: CommandId,
    },
    /// The shopper tapped a product's tag on the picture (counted for the
    /// host's dashboard: taps per tag impression). Answered by `Ack`.
    TagTap {
        /// Idempotency key: a retry counts once.
        id: CommandId,
        /// The tagged product.
        product_id: ProductId,
    },
    /// Join the host's Fan Club (a free club; a gift club is joined by sending its gift).
    JoinClub {
        /// Idempotency key.
        id: CommandId,
    },
    /// Add a host's coupon code to the wallet; answered by `Ack` with the wallet.
    ClaimCoupon {
        /// Idempotency key.
        id: CommandId,
        /// The code as typed (see [`coupon_code`](crate::coupon_code)).
        code: String,
    },
    /// Choose the name others see, [`NAME_CHARS`](crate::NAME_CHARS) characters (see [`display_name`](crate::display_name)).
    SetName {
        /// Idempotency key.
        id: CommandId,
        /// The new name (plain text).
        name: String,
    },
}

impl ClientMsg {
    /// The command id, for every message except `Hello`.
    pub fn id(&self) -> Option<&str> {
        match self {
            ClientMsg::Hello { .. } | ClientMsg::Ping | ClientMsg::Behind { .. } => None,
            ClientMsg::AddToCart { id, .. }
            | ClientMsg::SetQuantity { id, .. }
            | ClientMsg::Quote { id, .. }
            | ClientMsg::ClaimCoupon { id, .. }
            | ClientMsg::Checkout { id, .. }
            | ClientMsg::TopUp { id, .. }
            | ClientMsg::SendGift { id, .. }
            | ClientMsg::Chat { id, .. }
            | ClientMsg::Like { id, .. }
            | ClientMsg::Heartbeat { id }
            | ClientMsg::Share { id }
            | ClientMsg::TagTap { id, .. }
            | ClientMsg::JoinClub { id }
            | ClientMsg::SetName { id, .. } => Some(id),
        }
    }

    /// Whether every key the frame names (see [`MAX_KEY_LEN`]) is short enough.
    /// Free text (chat, names, contact details) has limits of its own.
    pub fn keys_fit(&self) -> bool {
        let mut keys: Vec<&str> = self.id().into_iter().collect();
        match self {
            ClientMsg::Hello { token, show, .. } => {
                keys.extend(token.as_deref());
                keys.extend(show.as_deref());
            }
            ClientMsg::AddToCart {
                product_id,
                variant_id,
                ..
            }
            | ClientMsg::SetQuantity {
                product_id,
                variant_id,
                ..
            } => keys.extend([product_id.as_str(), variant_id]),
            ClientMsg::Quote { coupon, .. } => keys.extend(coupon.as_deref()),
            ClientMsg::ClaimCoupon { code, .. } => keys.push(code),
            ClientMsg::Checkout { order, .. } => {
                keys.extend([order.shipping.as_str(), &order.total.currency]);
                keys.extend(order.coupon.as_deref());
                for line in &order.lines {
                    keys.extend([
                        line.product_id.as_str(),
                        &line.variant_id,
                        &line.unit_price.currency,
                    ]);
                }
            }
            ClientMsg::TopUp { pack_id, price, .. } => {
                keys.extend([pack_id.as_str(), &price.currency]);
            }
            ClientMsg::SendGift { gift_id, .. } => keys.push(gift_id),
            ClientMsg::TagTap { product_id, .. } => keys.push(product_id),
            ClientMsg::Ping
            | ClientMsg::Behind { .. }
            | ClientMsg::Chat { .. }
            | ClientMsg::Like { .. }
            | ClientMsg::Heartbeat { .. }
            | ClientMsg::Share { .. }
            | ClientMsg::JoinClub { .. }
            | ClientMsg::SetName { .. } => {}
        }
        keys.iter().all(|key| key.len() <= MAX_KEY_LEN)
    }
}

/// The last show event a viewer applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The epoch of that event's history.
    pub epoch: u64,
    /// The event's seq.
    pub seq: u64,
}
