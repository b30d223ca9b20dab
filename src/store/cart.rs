//! The cart the shopper sees: the server's confirmed cart with every pending
//! command applied on top, so a tap shows in the same frame and a refusal
//! rolls back by simply dropping the pending command.

use super::{LineChange, State};
use lapak_protocol::{CartLine, Money, ProductId, VariantId};

/// One line as displayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineView {
    /// Product.
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Units, after pending changes.
    pub quantity: u32,
    /// Unit price (the server's, or the catalogue's for a line not yet confirmed).
    pub unit_price: Money,
    /// Whether a change to this line is still waiting for the server.
    pub pending: bool,
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

    /// Sum of line totals, or `None` for an empty cart (or an impossible overflow).
    pub fn subtotal(&self) -> Option<Money> {
        let first = self.lines.first()?;
        let minor = self.lines.iter().try_fold(0i64, |sum, l| {
            sum.checked_add(l.unit_price.times(l.quantity)?.minor)
        })?;
        Some(Money {
            minor,
            currency: first.unit_price.currency.clone(),
        })
    }
}

impl State {
    /// The cart as the shopper sees it right now.
    pub fn cart_view(&self) -> CartView {
        let mut lines: Vec<LineView> = self.cart.lines.iter().map(confirmed).collect();
        for op in &self.pending {
            let index = lines
                .iter()
                .position(|l| l.product_id == op.product_id && l.variant_id == op.variant_id);
            let line = match index {
                Some(i) => &mut lines[i],
                None => {
                    let Some(product) = self.product(&op.product_id) else {
                        continue;
                    };
                    lines.push(LineView {
                        product_id: op.product_id.clone(),
                        variant_id: op.variant_id.clone(),
                        quantity: 0,
                        unit_price: self.unit_price(product),
                        pending: true,
                    });
                    lines.last_mut().expect("a line was just pushed")
                }
            };
            line.quantity = match op.change {
                LineChange::Add(n) => line.quantity.saturating_add(n),
                LineChange::Set(n) => n,
            };
            line.pending = true;
        }
        lines.retain(|l| l.quantity > 0);
        CartView { lines }
    }
}

fn confirmed(line: &CartLine) -> LineView {
    LineView {
        product_id: line.product_id.clone(),
        variant_id: line.variant_id.clone(),
        quantity: line.quantity,
        unit_price: line.unit_price.clone(),
        pending: false,
    }
}
