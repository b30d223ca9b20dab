//! The viewer's one table of commands waiting for an answer, keyed by id.
//!
//! Every command the viewer makes goes through [`send`]: it is recorded here
//! (in the order made) together with what it is for, and sent at once when the
//! session is live. After every `Welcome` or `Resumed` the whole table is sent
//! again with the original ids ([`Outbox::resend`]); the server applies each id
//! once. Its answer (`Ack`, `Quoted` or `Reject`) takes the entry out by id and
//! hands it to the feature that made it ([`acked`], [`quoted`], [`refused`]),
//! by the entry's [`Purpose`] — an id the table does not hold changes nothing.
//!
//! What the shopper sees while a command is out is derived from here: the
//! cart's optimistic lines, the coins a gift has spent, whether a payment is
//! in flight. Entries can hold a card (a checkout or a top-up), so the table
//! lives in memory only and is never written to storage.

use lapak_protocol::{CheckoutRequest, ClientMsg, CommandId, Order, Quote, RejectCode, Wallet};

use super::{cart, checkout, community, gifting, CartEdit, Effect, Link, State};

/// Commands that may wait for an answer at once, of every kind together.
///
/// After a reconnect the whole table goes out in one burst right behind
/// `Hello`, and a new connection may send 40 frames in a burst before the
/// server refuses them as rate limited (its `LAPAK_RATE_BURST`). 32 leaves room
/// for `Hello`, a ping and the shopper's next taps, so a resent command is
/// never refused for the resend itself; beyond it the feature tells the
/// shopper (see [`Full`]) rather than lose a change on a long outage.
pub const MAX_OUTBOX: usize = 32;

/// The commands waiting for an answer, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    entries: Vec<Entry>,
}

/// One command waiting for its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The frame to send, and to send again with the same id after a reconnect.
    pub msg: ClientMsg,
    /// What it is for: who reconciles its answer, with what.
    pub purpose: Purpose,
}

/// What a command is for, carrying what its feature needs when the answer comes.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    /// A cart line change, shown on top of the confirmed cart until answered.
    Cart(CartEdit),
    /// Checkout's quote; `then` is the order to place under a new id once the
    /// quote shows it unchanged (paying again after a failed payment).
    Quote {
        /// The new order id and request, when paying again.
        then: Option<(CommandId, Box<CheckoutRequest>)>,
    },
    /// Checkout's order request: a payment in flight.
    Checkout,
    /// A host's code claimed into the wallet, to apply once it is there.
    Coupon {
        /// The code, canonical.
        code: String,
    },
    /// One gift, whose coins are spent until it is answered.
    Gift {
        /// Coins it costs.
        coins: u32,
    },
    /// A coin purchase: a payment in flight.
    TopUp {
        /// Coins the pack credits, as shown.
        coins: u32,
    },
    /// A batch of likes, already counted on screen.
    Likes {
        /// Taps in the batch.
        count: u32,
    },
    /// A chat line, share, Fan Club join or name.
    Community,
    /// Watch time or a tag tap, reported: nothing to reconcile, and a refused
    /// one is simply not counted.
    Report,
}

/// The outbox holds [`MAX_OUTBOX`] commands: this one was not recorded or sent.
/// Each feature tells the shopper in its own place (the cart's notice, the
/// gift panel, checkout's sheet, the chat input); a heartbeat is not earned
/// and a like batch waits for room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl Entry {
    /// The command id.
    pub fn id(&self) -> &str {
        // Only commands are recorded, and every command carries an id.
        self.msg.id().unwrap_or_default()
    }
}

impl Outbox {
    /// Commands waiting, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// How many commands are waiting.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a new command would be refused.
    pub fn is_full(&self) -> bool {
        self.entries.len() >= MAX_OUTBOX
    }

    /// Every command again, in the order made, with its id.
    pub fn resend(&self) -> impl Iterator<Item = Effect> + '_ {
        self.entries.iter().map(|e| Effect::Send(e.msg.clone()))
    }

    /// Takes out the command `id`, answered.
    pub fn take(&mut self, id: &str) -> Option<Entry> {
        let at = self.entries.iter().position(|e| e.id() == id)?;
        Some(self.entries.remove(at))
    }

    /// Forgets checkout's quotes: a quote is a read, and only the latest one's
    /// answer is wanted (its answer then finds no entry and changes nothing).
    pub fn drop_quotes(&mut self) {
        self.entries
            .retain(|e| !matches!(e.purpose, Purpose::Quote { .. }));
    }

    /// Cart changes waiting, in the order made.
    pub fn cart_edits(&self) -> impl Iterator<Item = &CartEdit> {
        self.entries.iter().filter_map(|e| match &e.purpose {
            Purpose::Cart(edit) => Some(edit),
            _ => None,
        })
    }

    /// Coins the gifts waiting have spent.
    pub fn gift_coins(&self) -> u64 {
        let coins = self.entries.iter().map(|e| match e.purpose {
            Purpose::Gift { coins } => u64::from(coins),
            _ => 0,
        });
        coins.sum()
    }

    /// Whether an order is being paid for: its request is out, or paying again
    /// waits for its quote. One at a time, so a double tap charges nothing twice.
    pub fn paying(&self) -> bool {
        self.entries.iter().any(|e| match &e.purpose {
            Purpose::Checkout => true,
            Purpose::Quote { then } => then.is_some(),
            _ => false,
        })
    }

    /// Whether a coin purchase is out (one at a time).
    pub fn topping_up(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e.purpose, Purpose::TopUp { .. }))
    }
}

/// Records a command and sends it now when the session is live; otherwise it
/// goes with the resend after the next `Welcome` or `Resumed`.
pub fn send(state: &mut State, msg: ClientMsg, purpose: Purpose) -> Result<Vec<Effect>, Full> {
    if state.outbox.is_full() {
        return Err(Full);
    }
    let now = match state.link {
        Link::Live => vec![Effect::Send(msg.clone())],
        _ => Vec::new(),
    };
    state.outbox.entries.push(Entry { msg, purpose });
    Ok(now)
}

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
        Purpose::Cart(_) => cart::acked(state, id, ack.cart),
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
