//! Message catalogues: every string the shopper sees, in English and Indonesian.
//! A catalogue is a struct, so a missing translation is a compile error.

mod en;
mod id;

use crate::store::{Lang, NoticeKind};
use lapak_protocol::RejectCode;

/// Every visible string. Functions take values already formatted for the locale.
pub struct Catalogue {
    /// Badge over a live stream.
    pub live: &'static str,
    /// Viewer count, e.g. "1,204 watching".
    pub watching: fn(&str) -> String,
    /// Accessible name of the video.
    pub video_label: fn(&str) -> String,
    /// Button that turns sound on.
    pub unmute: &'static str,
    /// Button that turns sound off.
    pub mute: &'static str,
    /// Shelf button.
    pub shelf: &'static str,
    /// Shelf heading.
    pub shelf_title: &'static str,
    /// Shelf with nothing featured yet.
    pub shelf_empty: &'static str,
    /// Marks the product the host is showing now.
    pub showing_now: &'static str,
    /// Cart button.
    pub cart: &'static str,
    /// Cart heading.
    pub cart_title: &'static str,
    /// Empty cart.
    pub cart_empty: &'static str,
    /// Item count, e.g. "3 items".
    pub items: fn(u32) -> String,
    /// Subtotal label.
    pub subtotal: &'static str,
    /// Under the subtotal.
    pub subtotal_hint: &'static str,
    /// Quantity label.
    pub quantity: &'static str,
    /// Quantity + button.
    pub increase: &'static str,
    /// Quantity − button.
    pub decrease: &'static str,
    /// Remove a cart line.
    pub remove: &'static str,
    /// A line waiting for the server.
    pub saving: &'static str,
    /// Add button.
    pub add_to_cart: &'static str,
    /// Shelf quick-add, names the product for screen readers.
    pub add_named: fn(&str) -> String,
    /// Variant picker heading.
    pub choose_option: &'static str,
    /// A variant with no stock.
    pub sold_out: &'static str,
    /// Low stock, e.g. "Only 2 left".
    pub only_left: fn(u32) -> String,
    /// Close a panel.
    pub close: &'static str,
    /// Connection status: opening.
    pub connecting: &'static str,
    /// Connection status: connected.
    pub connected: &'static str,
    /// Connection status: waiting to retry, with seconds.
    pub reconnecting: fn(u32) -> String,
    /// Refusal: not enough stock (product name).
    pub out_of_stock: fn(&str) -> String,
    /// Refusal: over the per-order limit (product name).
    pub quantity_limit: fn(&str) -> String,
    /// Refusal: product gone.
    pub unknown_product: &'static str,
    /// Refusal: variant gone.
    pub unknown_variant: &'static str,
    /// Refusal: too many commands too fast.
    pub rate_limited: &'static str,
    /// Refusal: anything else.
    pub failed: &'static str,
    /// Too many changes waiting for the connection.
    pub outbox_full: &'static str,
    /// Connection status: connected again after an outage.
    pub back_live: &'static str,
    /// Button: reconnect now instead of waiting.
    pub retry_now: &'static str,
}

impl Catalogue {
    /// The catalogue for a language.
    pub fn get(lang: Lang) -> &'static Catalogue {
        match lang {
            Lang::En => &en::EN,
            Lang::Id => &id::ID,
        }
    }

    /// A notice for the shopper (`product` names the product concerned).
    pub fn notice(&self, kind: NoticeKind, product: &str) -> String {
        match kind {
            NoticeKind::Refused(code) => self.reject_reason(code, product),
            NoticeKind::OutboxFull => self.outbox_full.to_owned(),
        }
    }

    /// Why a command was refused.
    fn reject_reason(&self, code: RejectCode, product: &str) -> String {
        match code {
            RejectCode::OutOfStock => (self.out_of_stock)(product),
            RejectCode::QuantityLimit => (self.quantity_limit)(product),
            RejectCode::UnknownProduct => self.unknown_product.to_owned(),
            RejectCode::UnknownVariant => self.unknown_variant.to_owned(),
            RejectCode::RateLimited => self.rate_limited.to_owned(),
            _ => self.failed.to_owned(),
        }
    }
}

/// The catalogue for the state's language. The language is fixed for the
/// page's life, so views read it once when they are built.
pub fn text(state: reactive_stores::Store<crate::store::State>) -> &'static Catalogue {
    use crate::store::StateStoreFields;
    use leptos::prelude::ReadUntracked;
    Catalogue::get(state.locale().read_untracked().lang)
}
