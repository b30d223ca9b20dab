//! Checkout in the store: a quote, then one order request, each answered by
//! the server (or, in host-cart mode, a hand-over to the host page).
//!
//! What waits for an answer — the quote, the order request (card included) —
//! is in the outbox, in memory only, only until it is answered, so that it can
//! be sent again with the same id after a reconnect: the server places at most
//! one order per id. It is never written to storage. [`Checkout`] keeps what
//! the sheet shows.
//!
//! An order can come back `failed`: the server was interrupted before the card
//! was charged (a crash, or a provider that never answered), so nothing was
//! taken and the lines went back into the cart. Its id is spent — sending it
//! again only finds the same failed order — so paying again re-prices the
//! cart and places it under a new id.

use lapak_protocol::{
    coupon_code, Cart, CheckoutRequest, ClientMsg, CommandId, Order, OrderStatus, PayAction, Quote,
    RejectCode,
};

use super::outbox::{self, Full, Outbox};
use super::{payments, CartMode, Effect, HostEvent, Purpose, State};

/// Where checkout stands, as the sheet shows it (what waits for an answer is
/// in the outbox: see [`Outbox::paying`](super::Outbox::paying)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checkout {
    /// The checkout sheet is open: cart changes re-price it.
    pub active: bool,
    /// The cart as the server priced it last.
    pub quote: Option<Quote>,
    /// Why the last attempt was refused.
    pub refused: Option<RejectCode>,
    /// The number of the order this checkout placed: the confirmation shows it
    /// (or, when its payment failed, the offer to pay again: see [`payment_failed`]).
    pub placed: Option<String>,
    /// The wallet coupon the shopper chose: every quote asks for it.
    pub coupon: Option<String>,
    /// Why the coupon the shopper chose or typed was refused.
    pub coupon_refused: Option<RejectCode>,
}

impl Outbox {
    /// Forgets checkout's quotes: a quote is a read, and only the latest one's
    /// answer is wanted (its answer then finds no entry and changes nothing).
    pub fn drop_quotes(&mut self) {
        self.retain(|e| !matches!(e.purpose, Purpose::Quote { .. }));
    }

    /// Whether an order is being paid for: its request is out, or paying again
    /// waits for its quote. One at a time, so a double tap charges nothing twice.
    pub fn paying(&self) -> bool {
        self.iter().any(|e| match &e.purpose {
            Purpose::Checkout => true,
            Purpose::Quote { then } => then.is_some(),
            _ => false,
        })
    }
}

/// Whether a refusal is about a coupon.
pub fn is_coupon_refusal(code: RejectCode) -> bool {
    matches!(
        code,
        RejectCode::CouponUnknown
            | RejectCode::CouponUsed
            | RejectCode::CouponExpired
            | RejectCode::CouponMinSpend
            | RejectCode::CouponAllClaimed
    )
}

/// Whether the order this checkout placed came back `failed` (nothing was charged).
pub fn payment_failed(checkout: &Checkout, orders: &[Order]) -> bool {
    checkout.placed.as_deref().is_some_and(|number| {
        orders
            .iter()
            .any(|o| o.number == number && o.status == OrderStatus::Failed)
    })
}

/// The shopper opened checkout: ask for a quote (or hand over to the host page).
pub fn start(state: &mut State, id: CommandId) -> Vec<Effect> {
    if state.cart_mode == CartMode::Host {
        return vec![Effect::Host(HostEvent::Checkout)];
    }
    // An order request still in flight keeps its answer coming (it is in the outbox).
    state.checkout = Checkout {
        active: true,
        ..Checkout::default()
    };
    ask_quote(state, id, None)
}

/// Asks for a quote, in place of any still unanswered; `then` is the order
/// to place once it is answered (paying again).
fn ask_quote(
    state: &mut State,
    id: CommandId,
    then: Option<(CommandId, Box<CheckoutRequest>)>,
) -> Vec<Effect> {
    state.outbox.drop_quotes();
    let coupon = state.checkout.coupon.clone();
    let sent = outbox::send(
        state,
        ClientMsg::Quote { id, coupon },
        Purpose::Quote { then },
    );
    sent.unwrap_or_else(|Full| too_busy(state))
}

/// The shopper chose a wallet coupon, or none: re-price the cart with it.
pub fn choose_coupon(state: &mut State, id: CommandId, code: Option<String>) -> Vec<Effect> {
    state.checkout.coupon = code;
    state.checkout.coupon_refused = None;
    if !state.checkout.active || state.outbox.paying() {
        return Vec::new();
    }
    ask_quote(state, id, None)
}

/// The shopper typed a host's code: add it to the wallet, then apply it.
pub fn claim_coupon(state: &mut State, id: CommandId, text: &str) -> Vec<Effect> {
    let Some(code) = coupon_code(text) else {
        state.checkout.coupon_refused = Some(RejectCode::CouponUnknown);
        return Vec::new();
    };
    state.checkout.coupon_refused = None;
    let msg = ClientMsg::ClaimCoupon {
        id,
        code: code.clone(),
    };
    let sent = outbox::send(state, msg, Purpose::Coupon { code });
    sent.unwrap_or_else(|Full| too_busy(state))
}

/// The code `code` is in the wallet now (claim `id`): checkout applies it.
pub fn coupon_claimed(state: &mut State, id: &str, code: String) -> Vec<Effect> {
    choose_coupon(state, format!("{id}:quote"), Some(code))
}

/// The outbox is full: the sheet says to try again in a moment.
fn too_busy(state: &mut State) -> Vec<Effect> {
    state.checkout.refused = Some(RejectCode::RateLimited);
    Vec::new()
}

/// The shopper pays, by the method in `request`.
pub fn place(state: &mut State, id: CommandId, mut request: Box<CheckoutRequest>) -> Vec<Effect> {
    if state.outbox.paying() {
        return Vec::new(); // one order at a time: a double tap places nothing twice
    }
    payments::keep_card_only_for_test(&mut request, &state.payments());
    state.checkout.refused = None;
    let msg = ClientMsg::Checkout { id, order: request };
    let sent = outbox::send(state, msg, Purpose::Checkout);
    sent.unwrap_or_else(|Full| too_busy(state))
}

/// The shopper pays again after a failed payment: re-price the cart (under
/// `quote`), then place `request` under `id` — a new id, never the failed
/// order's — if the lines and total are still what the shopper confirmed.
pub fn pay_again(
    state: &mut State,
    quote: CommandId,
    id: CommandId,
    request: Box<CheckoutRequest>,
) -> Vec<Effect> {
    if !payment_failed(&state.checkout, &state.orders) {
        return Vec::new(); // a second tap, or nothing failed
    }
    state.checkout.placed = None;
    state.checkout.refused = None;
    ask_quote(state, quote, Some((id, request)))
}

/// The shopper left checkout: its quote's answer is no longer wanted (nor is
/// paying again); an order request still in flight keeps its answer coming.
pub fn close(state: &mut State) -> Vec<Effect> {
    state.checkout = Checkout::default();
    state.outbox.drop_quotes();
    Vec::new()
}

/// The quote arrived; paying again (`again`) goes ahead if it still matches.
pub fn quoted(
    state: &mut State,
    quote: Quote,
    again: Option<(CommandId, Box<CheckoutRequest>)>,
) -> Vec<Effect> {
    let changed = again.as_ref().map(|(_, request)| changed(&quote, request));
    state.checkout.quote = Some(quote);
    match (again, changed) {
        (Some((id, request)), Some(None)) => place(state, id, request),
        (_, Some(Some(code))) => {
            // Never charge what the shopper did not see: show them what it is now.
            state.checkout.refused = Some(code);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// What in `quote` is not as `request` was shown to the shopper, as the server
/// would refuse it; `None` when the lines, unit prices and total still hold.
fn changed(quote: &Quote, request: &CheckoutRequest) -> Option<RejectCode> {
    let lines = quote.order_lines();
    let units =
        |l: &lapak_protocol::PricedLine| (l.product_id.clone(), l.variant_id.clone(), l.quantity);
    if lines.iter().map(units).ne(request.lines.iter().map(units)) {
        Some(RejectCode::CartChanged)
    } else if !quote.buyable() {
        Some(RejectCode::OutOfStock)
    } else if lines != request.lines
        || quote.totals(&request.shipping).map(|t| t.total) != Some(request.total.clone())
    {
        Some(RejectCode::PriceChanged)
    } else {
        None
    }
}

/// The order request was answered with the order placed (or found again,
/// perhaps `failed`, or waiting for a payment made elsewhere). Its entry has
/// left the outbox, so its id, card and all, is never sent again, whatever
/// the answer.
pub fn acked(state: &mut State, cart: Option<Cart>, order: Option<Order>) -> Vec<Effect> {
    if let Some(cart) = cart {
        state.cart = cart;
    }
    if let Some(order) = order {
        state.checkout.placed = Some(order.number.clone());
        // why: a confirmed order, or one whose payment is made elsewhere, is
        // past its quote; a pending card may still fail and go back to the
        // form, and a card in Stripe's fields is confirmed from the form,
        // which keeps showing what it pays.
        let in_the_form = matches!(
            order.status,
            OrderStatus::PaymentPending | OrderStatus::Failed
        ) || (order.status == OrderStatus::AwaitingPayment
            && order
                .payment
                .as_ref()
                .is_some_and(|p| matches!(p.action, PayAction::Confirm { .. })));
        if !in_the_form {
            state.checkout.quote = None;
        }
        record(state, order);
    }
    Vec::new()
}

/// The quote was refused (paying again, if it waited for it, ends here).
pub fn quote_refused(state: &mut State, code: RejectCode) {
    state.checkout.refused = Some(code);
}

/// The order request was refused: nothing was placed or charged.
pub fn refused(state: &mut State, id: &str, code: RejectCode) -> Vec<Effect> {
    state.checkout.refused = Some(code);
    match code {
        // The cart or its prices moved under the shopper: show them what it costs now.
        RejectCode::PriceChanged | RejectCode::CartChanged | RejectCode::OutOfStock => {
            requote(state, id)
        }
        // The coupon cannot be used (any more): the price without it, and why.
        code if is_coupon_refusal(code) => {
            state.checkout.coupon = None;
            state.checkout.coupon_refused = Some(code);
            requote(state, id)
        }
        _ => Vec::new(),
    }
}

/// Re-prices the open checkout after its cart changed; the new quote's id derives from `cause`.
pub fn requote(state: &mut State, cause: &str) -> Vec<Effect> {
    let checkout = &state.checkout;
    if !checkout.active || state.outbox.paying() || checkout.placed.is_some() {
        return Vec::new();
    }
    // A quote is a read: its id only pairs it with its answer.
    ask_quote(state, format!("{cause}:quote"), None)
}

/// Adds or replaces an order in the list, newest first, in the shopper's language.
pub fn record(state: &mut State, order: Order) {
    let order = order.in_language(state.locale.lang.code());
    match state.orders.iter_mut().find(|o| o.number == order.number) {
        Some(known) => *known = order,
        None => state.orders.insert(0, order),
    }
}
