//! The cart the shopper sees: the server's confirmed cart with every pending
//! command applied on top, so a tap shows in the same frame and a refusal
//! rolls back by simply dropping the pending command. It is priced by the same
//! rule as the server's quote ([`pricing::price_cart`]), so the cart shows what
//! checkout will charge: deal units at the deal price, the rest at the regular
//! price, as separate amounts.

use super::{CartMode, LineChange, State};
use lapak_protocol::pricing::{self, Item, LinePrice};
use lapak_protocol::{Cart, CartLine, Money, ProductId, VariantId};

/// One line as displayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineView {
    /// Product.
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Units, after pending changes.
    pub quantity: u32,
    /// How its units are charged now.
    pub price: LinePrice,
    /// ISO 4217 currency of `price`.
    pub currency: String,
    /// Whether a change to this line is still waiting for the server.
    pub pending: bool,
}

impl LineView {
    /// `minor` in the line's currency.
    pub fn money(&self, minor: i64) -> Money {
        Money {
            minor,
            currency: self.currency.clone(),
        }
    }

    /// What the line costs now, or `None` on an impossible overflow.
    pub fn amount(&self) -> Option<Money> {
        Some(self.money(self.price.amount()?))
    }
}

/// The displayed cart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CartView {
    /// Lines in the order first added.
    pub lines: Vec<LineView>,
}

impl CartView {
    /// Total units in the cart: the number on the cart button.
    pub fn count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Sum of line amounts, or `None` for an empty cart (or an impossible overflow).
    pub fn subtotal(&self) -> Option<Money> {
        let first = self.lines.first()?;
        let minor = self
            .lines
            .iter()
            .try_fold(0i64, |sum, l| sum.checked_add(l.price.amount()?))?;
        Some(first.money(minor))
    }
}

impl State {
    /// The cart as the shopper sees it right now.
    pub fn cart_view(&self) -> CartView {
        let cart = self.cart_with_pending();
        let pending = |line: &CartLine| {
            self.pending
                .iter()
                .any(|op| op.product_id == line.product_id && op.variant_id == line.variant_id)
        };
        let priced: Vec<(&CartLine, LinePrice)> = match self.cart_mode {
            CartMode::Lapak => pricing::price_cart(&cart, &self.products, &self.deals),
            // The host page's cart is priced by the page: its prices as synced, no deals.
            CartMode::Host => {
                let items: Vec<Item<'_>> = cart
                    .lines
                    .iter()
                    .map(|l| Item {
                        product_id: &l.product_id,
                        quantity: l.quantity,
                        regular: l.unit_price.minor,
                    })
                    .collect();
                let prices = pricing::price_lines(&items, &[]);
                cart.lines.iter().zip(prices).collect()
            }
        };
        let lines = priced
            .into_iter()
            .map(|(line, price)| LineView {
                product_id: line.product_id.clone(),
                variant_id: line.variant_id.clone(),
                quantity: line.quantity,
                price,
                currency: line.unit_price.currency.clone(),
                pending: pending(line),
            })
            .collect();
        CartView { lines }
    }

    /// The confirmed cart with every pending change applied, empty lines dropped.
    fn cart_with_pending(&self) -> Cart {
        let mut cart = self.cart.clone();
        for op in &self.pending {
            let index = cart
                .lines
                .iter()
                .position(|l| l.product_id == op.product_id && l.variant_id == op.variant_id);
            let line = match index {
                Some(i) => &mut cart.lines[i],
                None => {
                    let Some(product) = self.product(&op.product_id) else {
                        continue;
                    };
                    cart.lines.push(CartLine {
                        product_id: op.product_id.clone(),
                        variant_id: op.variant_id.clone(),
                        quantity: 0,
                        unit_price: self.unit_price(product),
                    });
                    cart.lines.last_mut().expect("a line was just pushed")
                }
            };
            line.quantity = match op.change {
                LineChange::Add(n) => line.quantity.saturating_add(n),
                LineChange::Set(n) => n,
            };
        }
        cart.lines.retain(|l| l.quantity > 0);
        cart
    }
}
