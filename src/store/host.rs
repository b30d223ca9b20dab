//! What the widget tells the host page: cart intents in host-cart mode (the
//! page's own cart replaces Lapak's), and a few moments of the widget's life.
use lapak_protocol::{Money, ProductId, VariantId};
use serde::Serialize;

use super::{CartEdit, LineChange, State};

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

/// A cart change, for the host page's cart.
pub fn cart_change(state: &State, edit: &CartEdit) -> HostEvent {
    let (product_id, variant_id) = (edit.product_id.clone(), edit.variant_id.clone());
    match edit.change {
        LineChange::Add(quantity) => HostEvent::AddToCart {
            unit_price: state.product(&product_id).map_or_else(
                || Money {
                    minor: 0,
                    currency: String::new(),
                },
                |p| state.unit_price(p),
            ),
            product_id,
            variant_id,
            quantity,
        },
        LineChange::Set(quantity) => HostEvent::UpdateCart {
            product_id,
            variant_id,
            quantity,
        },
    }
}
