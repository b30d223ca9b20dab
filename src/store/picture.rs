//! What is on screen follows the picture: tags and deal starts carry the
//! programme date-time of the frame they belong to, and each waits until the
//! frame on this viewer's screen reaches it. A viewer 3 s behind live and one
//! 12 s behind both see a tag appear on the same frame; a late joiner or a
//! seek back shows the tags of the moment on screen.
//! Everything else (chat, gifts, stock, the cart) stays immediate.

use lapak_protocol::{forget_before, tags_at, Deal, Pin, TagChange, TAG_LOG_MS};

use super::State;

/// The tags' timeline and where the picture is on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picture {
    /// Tags up before the first change of `log`.
    pub base: Vec<Pin>,
    /// Tag changes, oldest first, reaching [`TAG_LOG_MS`] behind the newest.
    pub log: Vec<TagChange>,
    /// The latest programme date-time (Unix ms) the frame on screen covers
    /// (its own time plus its interval), as of when it last changed what is shown; `None` while the picture has no programme clock
    /// (a plain file, or nothing played yet), when every change shows at once.
    pub playhead: Option<i64>,
}

impl Picture {
    /// The moment whose tags to show.
    fn moment(&self) -> i64 {
        self.playhead.unwrap_or(i64::MAX)
    }

    /// Whether the picture has reached a deal's start.
    pub fn shows_deal(&self, deal: &Deal) -> bool {
        deal.starts_at_ms <= self.moment()
    }

    /// Whether the frame on screen moving to `to` changes what is shown: a tag
    /// change or a deal start lies between the last reported moment and `to`.
    /// The player asks this every frame, so only those frames touch the store.
    pub fn changes_at(&self, to: Option<i64>, deals: &[Deal]) -> bool {
        let (Some(from), Some(to)) = (self.playhead, to) else {
            return self.playhead != to;
        };
        let (low, high) = if from <= to { (from, to) } else { (to, from) };
        let crosses = |at: i64| low < at && at <= high;
        self.log.iter().any(|c| crosses(c.at)) || deals.iter().any(|d| crosses(d.starts_at_ms))
    }

    /// Adds a change from the server, keeping the log bounded.
    fn record(&mut self, change: TagChange) {
        let newest = change.at.max(self.log.last().map_or(change.at, |c| c.at));
        self.log.push(change);
        // Changes arrive in programme order; a late one is placed by its time.
        self.log.sort_by_key(|c| c.at);
        forget_before(&mut self.base, &mut self.log, newest - TAG_LOG_MS);
    }
}

/// The snapshot's tags: `base` up before the changes of `log`.
pub(super) fn welcome(state: &mut State, base: Vec<Pin>, log: Vec<TagChange>) {
    let playhead = state.picture.playhead;
    state.picture = Picture {
        base,
        log,
        playhead,
    };
    refresh(state);
}

/// A tag changed on the server: it shows when the picture reaches it.
pub(super) fn changed(state: &mut State, change: TagChange) {
    state.picture.record(change);
    refresh(state);
}

/// The frame on screen moved to `playhead`.
pub(super) fn moved(state: &mut State, playhead: Option<i64>) {
    state.picture.playhead = playhead;
    refresh(state);
}

/// Recomputes the tags and the held deals for the moment on screen, assigning
/// only what changed so views that read them re-render only then.
fn refresh(state: &mut State) {
    let pins = tags_at(
        &state.picture.base,
        &state.picture.log,
        state.picture.moment(),
    );
    if pins != state.pins {
        state.pins = pins;
    }
    // A replay's picture is from the past: today's deals are never held for it.
    let live = !state.replay.is_on();
    let held: Vec<String> = state
        .deals
        .iter()
        .filter(|d| live && !state.picture.shows_deal(d))
        .map(|d| d.id.clone())
        .collect();
    if held != state.held_deals {
        state.held_deals = held;
    }
}

/// A deal started or ended: whether it is held depends on the picture.
pub(super) fn deals_changed(state: &mut State) {
    refresh(state);
}
