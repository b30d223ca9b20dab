//! What the widget tells the host page: cart intents in host-cart mode (the
//! page's own cart replaces Lapak's), and a few moments of the widget's life.
use lapak_protocol::{Cart, CartLine, Money, ProductId, VariantId};
use serde::{Deserialize, Serialize};

use super::State;

/// What the widget tells the host page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum HostEvent {
    /// Add units of a variant to the page's cart (host-cart mode).
    AddToCart {
        /// Product (the page's SKU).
        product_id: ProductId,
        /// Variant.
        variant_id: VariantId,
        /// Units to add.
        quantity: u32,
        /// Price per unit the shopper saw.
        unit_price: Money,
    },
    /// Set a line of the page's cart, 0 removes it (host-cart mode).
    UpdateCart {
        /// Product.
        product_id: ProductId,
        /// Variant.
        variant_id: VariantId,
        /// New units.
        quantity: u32,
    },
    /// The shopper wants to check out in the page's own checkout (host-cart mode).
    Checkout,
    /// The widget has joined the show and is live.
    Ready {
        /// Show id.
        show: String,
    },
    /// The shopper tapped a product (a tag or the shelf).
    ProductClick {
        /// Product.
        product_id: ProductId,
    },
    /// Something went wrong that the page may want to know (the widget recovers by itself).
    Error {
        /// English detail for developers.
        message: String,
    },
}

/// A line of the host page's cart, as the page's `syncCart` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct HostLine {
    /// Product (the page's SKU).
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Units; 0 lines are dropped.
    pub quantity: u32,
    /// The page's price; the show's price for the product now when absent.
    #[serde(default)]
    pub unit_price: Option<Money>,
}

/// Takes the host page's cart as the widget's: lines the page prices keep its
/// price; the others get the show's price now, by the same rule as the tags
/// (a line for a product the show does not sell is dropped).
pub fn sync_cart(state: &mut State, lines: Vec<HostLine>) {
    let lines = lines
        .into_iter()
        .filter(|l| l.quantity > 0)
        .filter_map(|l| {
            let unit_price = l
                .unit_price
                .or_else(|| state.product(&l.product_id).map(|p| state.unit_price(p)))?;
            Some(CartLine {
                product_id: l.product_id,
                variant_id: l.variant_id,
                quantity: l.quantity,
                unit_price,
            })
        })
        .collect();
    state.cart = Cart {
        lines,
        bought: Vec::new(),
    };
}
