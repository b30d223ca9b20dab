//! Coins and gifts in the store: the wallet (confirmed by the server, minus
//! the gifts still in the outbox), the shopper's own combo, the gift lane and
//! spotlight everyone sees, the leaderboard and buying coins (the card of a
//! purchase in flight is in the outbox, in memory only).
//!
//! Everything here is bounded: the lane holds [`LANE_SLOTS`] streaks and
//! counts the rest into one summary, so a flood of gifts never grows a queue.

use lapak_protocol::{
    Card, ClientMsg, CoinPack, CommandId, Gift, GiftStreak, GiftTier, Gifter, RejectCode, Viewer,
    Wallet, COMBO_WINDOW_MS,
};
use reactive_stores::{Patch, Store};

use super::outbox::{self, Full, Outbox};
use super::{Effect, Purpose, State};

/// Streaks the gift lane shows at once.
pub const LANE_SLOTS: usize = 3;
/// How long a streak stays in the lane after its last update.
pub const LANE_HOLD_MS: i64 = 4_000;
/// How long a large gift holds the whole widget.
pub const SPOTLIGHT_MS: i64 = 3_000;
/// Overflowing streaks remembered so a growing one is not counted twice.
const OVERFLOW_MEMORY: usize = 32;

/// Gifting state. Fields are patched one by one: the lane can change many
/// times a second without re-rendering the wallet or the gift grid.
#[derive(Clone, Debug, Default, PartialEq, Store, Patch)]
pub struct Gifting {
    /// How other viewers see this one (the lane marks the shopper's own gifts).
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub you: Option<Viewer>,
    /// Gifts the show offers, cheapest first.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub catalogue: Vec<Gift>,
    /// Coin packs for sale.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub packs: Vec<CoinPack>,
    /// Coins as the server last confirmed them.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub wallet: Wallet,
    /// The shopper's own streak, for the "x3" on the gift they keep tapping.
    pub combo: Option<Combo>,
    /// Why the last gift was refused.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub refused: Option<RejectCode>,
    /// Streaks on screen now.
    // why: its streaks are protocol types, which implement no `PatchField`
    #[patch(|this, new| *this = new)]
    pub lane: Lane,
    /// The large gift playing over the widget.
    // why: its streak is a protocol type, which implements no `PatchField`
    #[patch(|this, new| *this = new)]
    pub spotlight: Option<LaneEntry>,
    /// Top gifters of the show.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub leaderboard: Vec<Gifter>,
    /// Buying coins.
    // why: holds an enum (`TopUpOutcome`), which `#[derive(Patch)]` cannot patch
    #[patch(|this, new| *this = new)]
    pub top_up: TopUp,
}

/// The shopper tapping one gift again and again.
#[derive(Clone, Debug, PartialEq, Eq, Patch)]
pub struct Combo {
    /// The gift.
    pub gift_id: String,
    /// Taps so far.
    pub count: u32,
    /// Device time at which the streak is over unless tapped again.
    pub until_ms: i64,
}

/// The gift lane: a few streaks, and a count of the gifts that did not fit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lane {
    /// At most [`LANE_SLOTS`] streaks, oldest first.
    pub entries: Vec<LaneEntry>,
    /// Gifts that arrived while the lane was full ("+38 gifts").
    pub overflow: u32,
    /// When the summary leaves (see [`LaneEntry::until_ms`]).
    pub overflow_until_ms: Option<i64>,
    /// Counts of recent overflowing streaks, so their growth is counted once.
    overflowed: Vec<(u64, u32)>,
}

/// A streak on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneEntry {
    /// The streak as last heard.
    pub streak: GiftStreak,
    /// Sent by the shopper.
    pub mine: bool,
    /// Device time at which it leaves the screen; `None` until the next tick
    /// times it (events carry no device time, and the reducer reads no clock).
    pub until_ms: Option<i64>,
}

/// Buying coins: how the last payment went (the one in flight, if any, is in
/// the outbox: see [`Outbox::topping_up`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopUp {
    /// How the last payment ended.
    pub outcome: Option<TopUpOutcome>,
}

/// How a coin purchase ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopUpOutcome {
    /// Coins credited.
    Credited(u32),
    /// The provider has not answered yet; the coins arrive when it does.
    Pending,
    /// Refused; nothing was charged.
    Refused(RejectCode),
}

/// Coins the shopper can spend now: the confirmed balance less the gifts in flight.
pub fn balance(wallet: &Wallet, outbox: &Outbox) -> u64 {
    wallet.coins.saturating_sub(outbox.gift_coins())
}

impl Outbox {
    /// Coins the gifts waiting have spent.
    pub fn gift_coins(&self) -> u64 {
        let coins = self.iter().map(|e| match e.purpose {
            Purpose::Gift { coins } => u64::from(coins),
            _ => 0,
        });
        coins.sum()
    }

    /// Whether a coin purchase is out (one at a time).
    pub fn topping_up(&self) -> bool {
        self.iter()
            .any(|e| matches!(e.purpose, Purpose::TopUp { .. }))
    }
}

impl Gifting {
    /// A gift of the catalogue by id.
    pub fn gift(&self, id: &str) -> Option<&Gift> {
        self.catalogue.iter().find(|g| g.id == id)
    }

    /// Whether a tick would change anything: something on screen has a time limit
    /// (so an idle widget is not woken for nothing).
    pub fn expiring(&self) -> bool {
        !self.lane.entries.is_empty()
            || self.lane.overflow > 0
            || self.spotlight.is_some()
            || self.combo.is_some()
    }
}

/// The shopper taps a gift at device time `now_ms`: the wallet drops at once
/// and the combo grows; a gift they cannot afford is refused here, nothing sent.
pub fn send(state: &mut State, id: CommandId, gift_id: String, now_ms: i64) -> Vec<Effect> {
    let Some(coins) = state.gifting.gift(&gift_id).map(|g| g.coins) else {
        return Vec::new();
    };
    if state.balance() < u64::from(coins) {
        state.gifting.refused = Some(RejectCode::InsufficientCoins);
        state.gifting.combo = None;
        return Vec::new();
    }
    let msg = ClientMsg::SendGift {
        id,
        gift_id: gift_id.clone(),
        count: 1,
        coins,
    };
    let Ok(effects) = outbox::send(state, msg, Purpose::Gift { coins }) else {
        // The outbox is full: no tap is taken until earlier commands are answered.
        state.gifting.refused = Some(RejectCode::RateLimited);
        return Vec::new();
    };
    let gifting = &mut state.gifting;
    gifting.refused = None;
    let count = match &gifting.combo {
        Some(c) if c.gift_id == gift_id && now_ms < c.until_ms => c.count + 1,
        _ => 1,
    };
    gifting.combo = Some(Combo {
        gift_id,
        count,
        until_ms: now_ms + COMBO_WINDOW_MS,
    });
    effects
}

/// The shopper buys `pack_id` at the price shown.
pub fn top_up(state: &mut State, id: CommandId, pack_id: String, card: Card) -> Vec<Effect> {
    if state.outbox.topping_up() {
        return Vec::new(); // one payment at a time: a double tap charges nothing twice
    }
    let Some(pack) = state.gifting.packs.iter().find(|p| p.id == pack_id) else {
        return Vec::new();
    };
    let coins = pack.coins;
    let msg = ClientMsg::TopUp {
        id,
        pack_id,
        price: pack.price.clone(),
        card,
    };
    let (outcome, effects) = match outbox::send(state, msg, Purpose::TopUp { coins }) {
        Ok(effects) => (None, effects),
        // Nothing is charged: the sheet says to try again in a moment.
        Err(Full) => (
            Some(TopUpOutcome::Refused(RejectCode::RateLimited)),
            Vec::new(),
        ),
    };
    state.gifting.top_up.outcome = outcome;
    effects
}

/// A gift was applied: the server's wallet is the truth.
pub fn acked(state: &mut State, wallet: Option<Wallet>) {
    if let Some(wallet) = wallet {
        state.gifting.wallet = wallet;
    }
}

/// A coin purchase was applied: `coins` credited, the server's wallet shows them.
pub fn topped_up(state: &mut State, coins: u32, wallet: Option<Wallet>) {
    acked(state, wallet);
    state.gifting.top_up.outcome = Some(TopUpOutcome::Credited(coins));
}

/// A gift was refused: its coins are no longer in flight, and the combo ends.
pub fn refused(state: &mut State, code: RejectCode) {
    let gifting = &mut state.gifting;
    gifting.refused = Some(code);
    gifting.combo = None;
}

/// A coin purchase was refused, or its provider has not answered yet.
pub fn top_up_refused(state: &mut State, code: RejectCode) {
    state.gifting.top_up.outcome = Some(match code {
        RejectCode::PaymentPending => TopUpOutcome::Pending,
        code => TopUpOutcome::Refused(code),
    });
}

/// The wallet changed elsewhere (another tab, a top-up that settled late).
pub fn wallet_changed(state: &mut State, wallet: Wallet) {
    let gifting = &mut state.gifting;
    gifting.wallet = wallet;
    if gifting.top_up.outcome == Some(TopUpOutcome::Pending) {
        gifting.top_up.outcome = None;
    }
}

/// A streak began or grew: into the lane if it is there or there is room,
/// else into the summary; a large gift's first appearance takes the spotlight.
pub fn gifted(state: &mut State, streak: GiftStreak) {
    let gifting = &mut state.gifting;
    let large = gifting
        .gift(&streak.gift_id)
        .is_some_and(|g| g.tier == GiftTier::Large);
    let mine = gifting.you.as_ref().is_some_and(|v| v.id == streak.from.id);
    let lane = &mut gifting.lane;
    let entry = LaneEntry {
        streak,
        mine,
        until_ms: None,
    };
    if let Some(shown) = lane
        .entries
        .iter_mut()
        .find(|e| e.streak.id == entry.streak.id)
    {
        *shown = entry;
        return;
    }
    if large && gifting.spotlight.is_none() {
        gifting.spotlight = Some(entry.clone());
    }
    if lane.entries.len() < LANE_SLOTS {
        lane.entries.push(entry);
        return;
    }
    let id = entry.streak.id;
    let count = entry.streak.count;
    let before = match lane.overflowed.iter_mut().find(|(s, _)| *s == id) {
        Some((_, seen)) => std::mem::replace(seen, count),
        None => {
            if lane.overflowed.len() == OVERFLOW_MEMORY {
                lane.overflowed.remove(0);
            }
            lane.overflowed.push((id, count));
            0
        }
    };
    lane.overflow = lane.overflow.saturating_add(count.saturating_sub(before));
    lane.overflow_until_ms = None;
}

/// Time passes: what arrived since the last tick is timed from now; what has
/// had its time (streaks, the summary, the spotlight, the combo) leaves.
pub fn tick(state: &mut State, now_ms: i64) {
    let gifting = &mut state.gifting;
    let lane = &mut gifting.lane;
    lane.entries
        .retain_mut(|e| still_on(&mut e.until_ms, now_ms, LANE_HOLD_MS));
    if lane.overflow > 0 && !still_on(&mut lane.overflow_until_ms, now_ms, LANE_HOLD_MS) {
        let entries = std::mem::take(&mut lane.entries);
        *lane = Lane {
            entries,
            ..Lane::default()
        };
    }
    gifting
        .spotlight
        .take_if(|s| !still_on(&mut s.until_ms, now_ms, SPOTLIGHT_MS));
    gifting.combo.take_if(|c| c.until_ms <= now_ms);
}

/// Times an untimed thing to leave `hold_ms` from now; whether it is still on at `now_ms`.
fn still_on(until_ms: &mut Option<i64>, now_ms: i64, hold_ms: i64) -> bool {
    *until_ms.get_or_insert(now_ms + hold_ms) > now_ms
}
