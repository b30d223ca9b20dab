//! The end of a live show, as its viewers see it without a reload: the tags
//! leave and stay gone, the chat input closes (its view reads
//! `State::on_air`), the cart and orders stay usable, and once the server
//! says the replay can be watched (`ReplayReady`) it is offered; the shopper
//! opens it with `Msg::WatchReplay`.

use lapak_protocol::replay::ReplayInfo;
use lapak_protocol::{OnAir, ServerMsg};

use super::{picture, replay, Effect, State};

/// Whether the live show on screen has ended (a replay playing is not that).
pub fn has_ended(state: &State) -> bool {
    state.on_air == OnAir::Ended && !state.replay.is_on()
}

/// Whether a live event no longer shows: an ended show's tags stay gone.
pub(super) fn ignores(state: &State, event: &ServerMsg) -> bool {
    has_ended(state) && matches!(event, ServerMsg::Pinned { .. } | ServerMsg::Unpinned { .. })
}

/// The host went on or off air, or the show ended: an ended show takes its tags away.
pub(super) fn on_air(state: &mut State, on_air: OnAir) {
    state.on_air = on_air;
    if has_ended(state) {
        picture::welcome(state, Vec::new(), Vec::new());
    }
}

/// The ended show's replay can be watched: offered to a shopper who watched
/// it live, when the brand offers the replay after the show (one already
/// watching a replay has nothing to be offered).
pub(super) fn replay_ready(state: &mut State, info: ReplayInfo) {
    let offered = (state.show.as_ref()).is_none_or(|show| show.after.is_replay());
    if offered && !state.replay.is_on() {
        state.replay_offer = Some(info);
    }
}

/// The shopper opens the replay offered: the picture, tags and chat become
/// the replay's, from its start; the cart, orders and coins stay as they are.
pub(super) fn watch_replay(state: &mut State) -> Vec<Effect> {
    match state.replay_offer.take() {
        Some(info) => replay::welcome(state, Some(info)),
        None => Vec::new(),
    }
}
