//! Cart changes and the cart the shopper sees: the server's confirmed cart with
//! every change still in the outbox applied on top, so a tap shows in the same
//! frame and a refusal rolls back by simply dropping the command. It is priced
//! by the same rule as the server's quote ([`pricing::price_cart`]), so the
//! cart shows what checkout will charge: deal units at the deal price, the rest
//! at the regular price, as separate amounts.

use super::outbox::{self, Full, Outbox};
use super::{CartMode, Effect, HostEvent, Notice, NoticeKind, Purpose, State};
use lapak_protocol::pricing::{self, Item, LinePrice};
use lapak_protocol::{
    Cart, CartLine, ClientMsg, CommandId, Money, ProductId, RejectCode, VariantId,
    MAX_LINE_QUANTITY,
};

/// A change the shopper makes to one cart line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartEdit {
    /// Line it touches.
    pub product_id: ProductId,
    /// Variant it touches.
    pub variant_id: VariantId,
    /// What it does to the line.
    pub change: LineChange,
}

/// What a cart change does to its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineChange {
    /// Add this many.
    Add(u32),
    /// Set to this many (0 removes).
    Set(u32),
}

impl CartEdit {
    fn command(&self, id: CommandId) -> ClientMsg {
        let (product_id, variant_id) = (self.product_id.clone(), self.variant_id.clone());
        match self.change {
            LineChange::Add(quantity) => ClientMsg::AddToCart {
                id,
                product_id,
                variant_id,
                quantity,
            },
            LineChange::Set(quantity) => ClientMsg::SetQuantity {
                id,
                product_id,
                variant_id,
                quantity,
            },
        }
    }
}

/// The shopper changes a line: shown at once, and sent now when live, else
/// after the next handshake. In host-cart mode the page's cart takes it and
/// nothing goes to Lapak's server (nor into the outbox).
pub fn change(state: &mut State, id: CommandId, edit: CartEdit) -> Vec<Effect> {
    let quantity = match edit.change {
        LineChange::Add(n) | LineChange::Set(n) => n,
    };
    if quantity > MAX_LINE_QUANTITY || matches!(edit.change, LineChange::Add(0)) {
        tell(
            state,
            id,
            NoticeKind::Refused(RejectCode::QuantityLimit),
            edit,
        );
        return Vec::new();
    }
    if state.cart_mode == CartMode::Host {
        return vec![Effect::Host(host_change(state, &edit))];
    }
    let msg = edit.command(id.clone());
    match outbox::send(state, msg, Purpose::Cart(edit.clone())) {
        Ok(effects) => effects,
        Err(Full) => {
            tell(state, id, NoticeKind::OutboxFull, edit);
            Vec::new()
        }
    }
}

/// A cart change, for the host page's cart.
fn host_change(state: &State, edit: &CartEdit) -> HostEvent {
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

fn tell(state: &mut State, id: CommandId, kind: NoticeKind, edit: CartEdit) {
    state.notice = Some(Notice {
        id,
        kind,
        product_id: Some(edit.product_id),
    });
}

/// A cart change was applied: the server's cart is the truth (an open
/// checkout is then re-priced: see `answers`).
pub fn acked(state: &mut State, cart: Option<Cart>) {
    if let Some(cart) = cart {
        state.cart = cart;
    }
}

/// A cart change was refused: it leaves the view (it was only ever drawn on
/// top of the confirmed cart) and the shopper is told why.
pub fn refused(state: &mut State, id: &str, edit: CartEdit, code: RejectCode) {
    tell(state, id.into(), NoticeKind::Refused(code), edit);
}

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

impl Outbox {
    /// Cart changes waiting, in the order made.
    pub fn cart_edits(&self) -> impl Iterator<Item = &CartEdit> {
        self.iter().filter_map(|e| match &e.purpose {
            Purpose::Cart(edit) => Some(edit),
            _ => None,
        })
    }
}

impl State {
    /// The cart as the shopper sees it right now.
    pub fn cart_view(&self) -> CartView {
        let cart = self.cart_with_pending();
        let pending = |line: &CartLine| {
            self.outbox
                .cart_edits()
                .any(|e| e.product_id == line.product_id && e.variant_id == line.variant_id)
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

    /// The confirmed cart with every change in the outbox applied, empty lines dropped.
    fn cart_with_pending(&self) -> Cart {
        let mut cart = self.cart.clone();
        for edit in self.outbox.cart_edits() {
            let index = cart
                .lines
                .iter()
                .position(|l| l.product_id == edit.product_id && l.variant_id == edit.variant_id);
            let line = match index {
                Some(i) => &mut cart.lines[i],
                None => {
                    let Some(product) = self.product(&edit.product_id) else {
                        continue;
                    };
                    cart.lines.push(CartLine {
                        product_id: edit.product_id.clone(),
                        variant_id: edit.variant_id.clone(),
                        quantity: 0,
                        unit_price: self.unit_price(product),
                    });
                    cart.lines.last_mut().expect("a line was just pushed")
                }
            };
            line.quantity = match edit.change {
                LineChange::Add(n) => line.quantity.saturating_add(n),
                LineChange::Set(n) => n,
            };
        }
        cart.lines.retain(|l| l.quantity > 0);
        cart
    }
}
