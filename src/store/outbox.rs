//! The viewer's one table of commands waiting for an answer, keyed by id.
//!
//! Every command the viewer makes goes through [`send`]: it is recorded here
//! (in the order made) together with what it is for, and sent at once when the
//! session is live. After every `Welcome` or `Resumed` the whole table is sent
//! again with the original ids ([`Outbox::resend`]); the server applies each id
//! once. Its answer (`Ack`, `Quoted` or `Reject`) takes the entry out by id
//! ([`Outbox::take`]) and `answers` hands it to the feature that made it, by
//! the entry's [`Purpose`] — an id the table does not hold changes nothing.
//!
//! The table knows no feature: a [`Purpose`] is the store's own type, and what
//! the shopper sees while a command is out (the cart's optimistic lines, the
//! coins a gift has spent, whether a payment is in flight) is asked of it by
//! each feature's own module. Entries can hold a card (a checkout or a top-up),
//! so the table lives in memory only and is never written to storage.

use lapak_protocol::ClientMsg;

use super::{Effect, Link, Purpose, State};

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

    /// Keeps only the commands `keep` says to (the others' answers will then
    /// find no entry and change nothing).
    pub fn retain(&mut self, keep: impl FnMut(&Entry) -> bool) {
        self.entries.retain(keep);
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
