//! A viewer's cart, as the server holds it.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::wire::{ProductId, VariantId};

/// Largest quantity of one variant a single cart line may hold.
pub const MAX_LINE_QUANTITY: u32 = 99;

/// A viewer's cart, as the server holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    /// Lines in the order they were first added.
    pub lines: Vec<CartLine>,
    /// Units of the deals running now that the shopper already holds in orders:
    /// with the deals, what [`pricing::price_cart`](crate::pricing::price_cart) needs to price the cart as
    /// checkout will.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bought: Vec<DealBought>,
}

/// One variant in the cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    /// Product.
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Units, 1..=[`MAX_LINE_QUANTITY`].
    pub quantity: u32,
    /// Price of one unit when the line was last changed (the deal price if a
    /// deal ran then). What it costs now is [`pricing::price_cart`](crate::pricing::price_cart)'s.
    pub unit_price: Money,
}

/// Units of a running deal a shopper already holds in orders: the part of
/// the deal's per-buyer limit they have used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealBought {
    /// The deal.
    pub deal_id: String,
    /// Units held in this shopper's orders (paid or awaiting payment).
    pub units: u32,
}
