//! Checkout in the store: a quote, then one order request, each answered by
//! the server (or, in host-cart mode, a hand-over to the host page).
//!
//! The order request (card included) lives only in memory, only until it is
//! answered, so that it can be sent again with the same id after a reconnect:
//! the server places at most one order per id. It is never written to storage.
//!
//! An order can come back `failed`: the server was interrupted before the card
//! was charged (a crash, or a provider that never answered), so nothing was
//! taken and the lines went back into the cart. Its id is spent — sending it
//! again only finds the same failed order — so paying again re-prices the
//! cart and places it under a new id.

use lapak_protocol::{
    CheckoutRequest, ClientMsg, CommandId, Order, OrderStatus, Quote, RejectCode,
};

use super::{CartMode, Effect, HostEvent, Link, State};

/// Where checkout stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checkout {
    /// The checkout sheet is open: cart changes re-price it.
    pub active: bool,
    /// The quote request waiting for its answer.
    pub quoting: Option<CommandId>,
    /// The cart as the server priced it last.
    pub quote: Option<Quote>,
    /// The order request waiting for its answer.
    pub paying: Option<(CommandId, Box<CheckoutRequest>)>,
    /// Why the last attempt was refused.
    pub refused: Option<RejectCode>,
    /// The number of the order this checkout placed: the confirmation shows it
    /// (or, when its payment failed, the offer to pay again: see [`payment_failed`]).
    pub placed: Option<String>,
    /// Paying again after a failed payment: the order to place, under its new
    /// id, once the re-quote shows the same lines and total.
    pub again: Option<(CommandId, Box<CheckoutRequest>)>,
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
    state.checkout = Checkout {
        active: true,
        paying: state.checkout.paying.take(),
        ..Checkout::default()
    };
    ask_quote(state, id)
}

fn ask_quote(state: &mut State, id: CommandId) -> Vec<Effect> {
    state.checkout.quoting = Some(id.clone());
    send_if_live(state, ClientMsg::Quote { id })
}

fn send_if_live(state: &State, msg: ClientMsg) -> Vec<Effect> {
    match state.link {
        Link::Live => vec![Effect::Send(msg)],
        // Sent by `resend` once the session is live again.
        _ => Vec::new(),
    }
}

/// The shopper pays.
pub fn place(state: &mut State, id: CommandId, request: Box<CheckoutRequest>) -> Vec<Effect> {
    if state.checkout.paying.is_some() {
        return Vec::new(); // one order at a time: a double tap places nothing twice
    }
    state.checkout.refused = None;
    state.checkout.paying = Some((id.clone(), request.clone()));
    send_if_live(state, ClientMsg::Checkout { id, order: request })
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
    state.checkout.again = Some((id, request));
    ask_quote(state, quote)
}

/// The shopper left checkout; an order request still in flight keeps its answer coming.
pub fn close(state: &mut State) -> Vec<Effect> {
    state.checkout = Checkout {
        paying: state.checkout.paying.take(),
        ..Checkout::default()
    };
    Vec::new()
}

/// Whether `id` is one of checkout's requests.
pub fn answers(state: &State, id: &str) -> bool {
    state.checkout.quoting.as_deref() == Some(id)
        || state.checkout.paying.as_ref().is_some_and(|(p, _)| p == id)
}

/// The quote arrived; paying again goes ahead if it still matches.
pub fn quoted(state: &mut State, id: &str, quote: Quote) -> Vec<Effect> {
    if state.checkout.quoting.as_deref() != Some(id) {
        return Vec::new();
    }
    state.checkout.quoting = None;
    let again = state.checkout.again.take();
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

/// An `Ack`: the order placed (or found again), or a cart change to re-price.
pub fn acked(state: &mut State, id: &str, order: Option<Order>) -> Vec<Effect> {
    let paid_for = state.checkout.paying.as_ref().is_some_and(|(p, _)| p == id);
    if paid_for {
        // Answered: the id is never sent again, whatever the answer.
        state.checkout.paying = None;
        if let Some(order) = order {
            state.checkout.placed = Some(order.number.clone());
            if order.status == OrderStatus::Paid {
                state.checkout.quote = None;
            }
            record(state, order);
        }
        return Vec::new();
    }
    if let Some(order) = order {
        record(state, order);
    }
    requote(state, id)
}

/// A refusal of checkout's quote or order.
pub fn refused(state: &mut State, id: &str, code: RejectCode) -> Vec<Effect> {
    state.checkout.refused = Some(code);
    if state.checkout.quoting.as_deref() == Some(id) {
        state.checkout.quoting = None;
        state.checkout.again = None;
        return Vec::new();
    }
    state.checkout.paying = None;
    match code {
        // The cart or its prices moved under the shopper: show them what it costs now.
        RejectCode::PriceChanged | RejectCode::CartChanged | RejectCode::OutOfStock => {
            requote(state, id)
        }
        _ => Vec::new(),
    }
}

/// Re-prices the open checkout after its cart changed; the new quote's id derives from `cause`.
pub fn requote(state: &mut State, cause: &str) -> Vec<Effect> {
    let checkout = &state.checkout;
    let busy = checkout.paying.is_some() || checkout.again.is_some();
    if !checkout.active || busy || checkout.placed.is_some() {
        return Vec::new();
    }
    // A quote is a read: its id only pairs it with its answer.
    ask_quote(state, format!("{cause}:quote"))
}

/// Adds or replaces an order in the list, newest first.
pub fn record(state: &mut State, order: Order) {
    match state.orders.iter_mut().find(|o| o.number == order.number) {
        Some(known) => *known = order,
        None => state.orders.insert(0, order),
    }
}

/// What to send again once the session is live: the quote and order still unanswered.
pub fn resend(state: &State) -> Vec<Effect> {
    let checkout = &state.checkout;
    let quote = checkout.quoting.clone().map(|id| ClientMsg::Quote { id });
    let order = checkout
        .paying
        .clone()
        .map(|(id, order)| ClientMsg::Checkout { id, order });
    quote.into_iter().chain(order).map(Effect::Send).collect()
}
