//! The server's answer to a command goes to the feature that made it: the
//! entry is taken out of the outbox by id and handed on by its [`Purpose`].
//! This is the one place that knows every feature's answer; the outbox knows
//! none, and no feature knows another's.

use lapak_protocol::{Order, Quote, RejectCode, Wallet};

use super::{cart, checkout, community, gifting, Effect, Purpose, State};

/// What an `Ack` carries besides its id.
#[derive(Debug, Default)]
pub struct Ack {
    /// The cart after the command.
    pub cart: Option<lapak_protocol::Cart>,
    /// The order a checkout placed.
    pub order: Option<Order>,
    /// The wallet after a gift or top-up.
    pub wallet: Option<Wallet>,
    /// A chat line as everyone sees it.
    pub chat: Option<lapak_protocol::ChatMessage>,
}

/// The command `id` was applied: its feature takes the server's answer.
pub fn acked(state: &mut State, id: &str, ack: Ack) -> Vec<Effect> {
    let Some(entry) = state.outbox.take(id) else {
        return Vec::new();
    };
    match entry.purpose {
        Purpose::Cart(_) => {
            cart::acked(state, ack.cart);
            checkout::requote(state, id)
        }
        Purpose::Checkout => checkout::acked(state, ack.cart, ack.order),
        Purpose::Coupon { code } => checkout::coupon_claimed(state, id, code),
        Purpose::Gift { .. } => {
            gifting::acked(state, ack.wallet);
            Vec::new()
        }
        Purpose::TopUp { coins } => {
            gifting::topped_up(state, coins, ack.wallet);
            Vec::new()
        }
        Purpose::Likes { .. } | Purpose::Community => {
            community::acked(state, ack.chat);
            Vec::new()
        }
        // A quote is answered by `Quoted`; a heartbeat needs nothing.
        Purpose::Quote { .. } | Purpose::Report => Vec::new(),
    }
}

/// The quote `id` was answered.
pub fn quoted(state: &mut State, id: &str, quote: Quote) -> Vec<Effect> {
    match state.outbox.take(id).map(|e| e.purpose) {
        Some(Purpose::Quote { then }) => checkout::quoted(state, quote, then),
        _ => Vec::new(),
    }
}

/// The command `id` was refused: its feature rolls back and says why.
pub fn refused(state: &mut State, id: &str, code: RejectCode) -> Vec<Effect> {
    let Some(entry) = state.outbox.take(id) else {
        return Vec::new();
    };
    match entry.purpose {
        Purpose::Cart(edit) => {
            cart::refused(state, id, edit, code);
            Vec::new()
        }
        Purpose::Quote { .. } => {
            checkout::quote_refused(state, code);
            Vec::new()
        }
        Purpose::Checkout => checkout::refused(state, id, code),
        Purpose::Coupon { .. } => {
            state.checkout.coupon_refused = Some(code);
            Vec::new()
        }
        Purpose::Gift { .. } => {
            gifting::refused(state, code);
            Vec::new()
        }
        Purpose::TopUp { .. } => {
            gifting::top_up_refused(state, code);
            Vec::new()
        }
        Purpose::Likes { count } if code == RejectCode::RateLimited => {
            community::likes_too_fast(state, id, count);
            Vec::new()
        }
        Purpose::Likes { .. } | Purpose::Community => {
            community::refused(state, entry.msg, code);
            Vec::new()
        }
        Purpose::Report => Vec::new(),
    }
}
