//! Replays: an ended show played again from its recording, with what went
//! over the picture in sync with it.
//!
//! A `Welcome` whose show offers a replay puts the state in replay mode and
//! asks for the replay's log ([`Effect::LoadReplay`]); once it is indexed
//! ([`ReplayIndex`]), the tags follow the picture through the picture's own
//! timeline (`picture`), and the chat, likes, viewer count, leaderboard,
//! pinned message and gift lane are those of the moment on screen, worked out
//! again only when the picture crosses an event of the log or seeks. The live
//! events that would set those are ignored meanwhile.
//!
//! The flash deals of the moment are past deals ([`Replay::deals`]), shown as
//! ended and never priced: prices follow `State::deals`, the server's live
//! deals, so a replay sells at today's prices.

use std::ops::Deref;
use std::sync::Arc;

use lapak_protocol::replay::{Moment, ReplayIndex, ReplayInfo, ReplayLog};
use lapak_protocol::{in_language, CommandId, Deal, ServerMsg};
use reactive_stores::{Patch, Store};

use super::gifting::{Lane, LaneEntry};
use super::{asset_url, community, picture, Effect, Notice, NoticeKind, State};

/// A replay's side of the state; all empty for a live show.
#[derive(Clone, Debug, Default, PartialEq, Store, Patch)]
pub struct Replay {
    /// The replay playing, its URLs resolved like media URLs; `None` for a live show.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub info: Option<ReplayInfo>,
    /// Where its log stands.
    // why: an enum, which `#[derive(Patch)]` cannot patch
    #[patch(|this, new| *this = new)]
    pub log: Log,
    /// Flash deals running at the moment on screen: past deals, shown as
    /// ended, never priced (never in `State::deals`).
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub deals: Vec<Deal>,
    /// The latest request to move the picture: the link's start, the seek
    /// bar, a chapter, a top moment. The player view carries it out.
    pub seek: Option<Seek>,
    /// The moment shown last: the gift lane changes with time alone.
    // why: a `Shared` value compares by pointer: there is nothing inside to patch
    #[patch(|this, new| *this = new)]
    shown: Option<Shared<Moment>>,
}

/// Where a replay's log stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Log {
    /// Being fetched.
    #[default]
    Loading,
    /// Fetched and indexed.
    Ready(Shared<ReplayIndex>),
    /// Not fetched or not readable: the picture plays without what went over it.
    Failed,
}

impl Log {
    /// The index, once the log is loaded.
    pub fn index(&self) -> Option<&ReplayIndex> {
        match self {
            Log::Ready(index) => Some(index),
            _ => None,
        }
    }
}

/// A request to move the picture to a programme time. Each has its own
/// number, so asking for the same moment twice moves the picture twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Patch)]
pub struct Seek {
    /// Counts requests.
    pub id: u64,
    /// Programme time (unix ms), within the replay's window.
    pub to_ms: i64,
}

/// A value too large to copy or compare on every update, shared by every
/// copy of the state. Two are equal only when they are the same value, so
/// patching the store compares a pointer, not a whole replay.
#[derive(Debug)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Shares `value`.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl Replay {
    /// Whether the show is being replayed (not live).
    pub fn is_on(&self) -> bool {
        self.info.is_some()
    }

    /// The log's index, once it is loaded.
    pub fn index(&self) -> Option<&ReplayIndex> {
        self.log.index()
    }

    /// Programme time `at` as milliseconds from the replay's start, within its window.
    pub fn elapsed_ms(&self, at: i64) -> Option<i64> {
        let info = self.info.as_ref()?;
        Some(self.clamp(at)? - info.starts_ms)
    }

    /// Programme time `at` kept within the replay's window.
    fn clamp(&self, at: i64) -> Option<i64> {
        self.info.as_ref().map(|info| within(info, at))
    }

    /// Whether a live event sets what the replay shows from its log instead
    /// (the server may still speak of an ended show: pins, chat, viewers).
    pub(super) fn replays(&self, event: &ServerMsg) -> bool {
        self.is_on()
            && matches!(
                event,
                ServerMsg::Pinned { .. }
                    | ServerMsg::Unpinned { .. }
                    | ServerMsg::Chat { .. }
                    | ServerMsg::ChatRemoved { .. }
                    | ServerMsg::Likes { .. }
                    | ServerMsg::ViewerCount { .. }
                    | ServerMsg::Leaderboard { .. }
                    | ServerMsg::PinnedMessage { .. }
                    | ServerMsg::Gifted { .. }
            )
    }

    /// Whether an answer about the log at `url` is for the log awaited now.
    fn awaits(&self, url: &str) -> bool {
        self.log == Log::Loading && self.info.as_ref().is_some_and(|i| i.log_url == url)
    }

    fn next_seek(&self, to_ms: i64) -> Seek {
        Seek {
            id: self.seek.map_or(1, |s| s.id + 1),
            to_ms,
        }
    }
}

/// Programme time `at` kept within `info`'s window.
fn within(info: &ReplayInfo, at: i64) -> i64 {
    at.clamp(info.starts_ms, info.ends_ms.max(info.starts_ms))
}

/// The show's replay, from a `Welcome` (`None`: a live show). A new replay
/// starts at the link's offset and its log is fetched; the same replay again
/// (a reconnect) keeps its index, the moment and where the picture is.
pub(super) fn welcome(state: &mut State, info: Option<ReplayInfo>) -> Vec<Effect> {
    let Some(mut info) = info else {
        if state.replay.is_on() {
            // The replay's lane is timed by its picture, which is gone.
            state.gifting.lane = Lane::default();
            state.replay = Replay::default();
        }
        return Vec::new();
    };
    asset_url(&state.asset_base, &mut info.video_url);
    asset_url(&state.asset_base, &mut info.log_url);
    let mut effects = Vec::new();
    if state.replay.info.as_ref() != Some(&info) {
        let offset = state.start_offset_ms.unwrap_or(0);
        let start = within(&info, info.starts_ms.saturating_add(offset));
        state.replay = Replay {
            seek: Some(state.replay.next_seek(start)),
            info: Some(info.clone()),
            ..Replay::default()
        };
        effects.push(Effect::LoadReplay { url: info.log_url });
    } else if state.replay.log == Log::Failed {
        // A reconnect is a fresh chance for a log that could not be fetched.
        state.replay.log = Log::Loading;
        effects.push(Effect::LoadReplay { url: info.log_url });
    }
    // The snapshot just set the live show's tags, chat and the rest: the replay's replace them.
    refresh(state);
    effects
}

/// The log at `url` arrived: indexed, it drives the tags and the moment.
pub(super) fn loaded(state: &mut State, url: &str, log: ReplayLog) {
    if !state.replay.awaits(url) {
        return;
    }
    let index = ReplayIndex::build(log, &state.gifting.catalogue);
    state.replay.log = Log::Ready(Shared::new(index));
    refresh(state);
}

/// The log at `url` could not be had: the picture plays on, bare, and the
/// shopper is told why.
pub(super) fn failed(state: &mut State, url: &str) {
    if !state.replay.awaits(url) {
        return;
    }
    state.replay.log = Log::Failed;
    state.notice = Some(Notice {
        id: url.to_owned(),
        kind: NoticeKind::ReplayUnavailable,
        product_id: None,
    });
}

/// Whether the picture moving to `to` changes what the replay shows: it
/// crossed an event of the log (or went back), or a gift streak's time in
/// the lane ran out. Reads where the picture was, so it is asked first.
pub(super) fn changes_at(state: &State, to: Option<i64>) -> bool {
    let (Some(index), Some(to)) = (state.replay.index(), to) else {
        return false;
    };
    let Some(from) = state.picture.playhead else {
        return true;
    };
    let lane_ran_out = || {
        let shown = state.gifting.lane.entries.len();
        state
            .replay
            .shown
            .as_ref()
            .is_some_and(|moment| moment.lane_at(to).len() != shown)
    };
    index.changes_between(from, to) || lane_ran_out()
}

/// The picture moves to `to`: the moment there, if it differs. Call before
/// the picture takes the new time.
pub(super) fn moved(state: &mut State, to: Option<i64>) {
    if changes_at(state, to) {
        if let (Some(index), Some(at)) = (state.replay.index(), to) {
            let moment = index.at(at);
            show(state, moment, at);
        }
    }
}

/// The viewer asks for the picture at programme time `to_ms` (kept within the replay).
pub(super) fn seek(state: &mut State, to_ms: i64) {
    if let Some(to_ms) = state.replay.clamp(to_ms) {
        state.replay.seek = Some(state.replay.next_seek(to_ms));
    }
}

/// The viewer shares the moment at programme time `at_ms`: a link that opens
/// the replay there, in whole seconds from its start. Sharing counts as live.
pub(super) fn share_moment(state: &mut State, id: CommandId, at_ms: i64) -> Vec<Effect> {
    let Some(elapsed) = state.replay.elapsed_ms(at_ms) else {
        return Vec::new();
    };
    let seconds = u32::try_from(elapsed / 1000).unwrap_or(u32::MAX);
    community::share(state, id, Effect::CopyLinkAt { seconds })
}

/// Sets the tags' timeline to the log's and what goes over the picture to the
/// moment on screen; bare until the log is indexed and the picture has a time.
fn refresh(state: &mut State) {
    let tag_log = state
        .replay
        .index()
        .map(|index| index.tag_log.clone())
        .unwrap_or_default();
    picture::welcome(state, Vec::new(), tag_log);
    let moment = state
        .replay
        .index()
        .zip(state.picture.playhead)
        .map(|(index, at)| (index.at(at), at));
    match moment {
        Some((moment, at)) => show(state, moment, at),
        None => bare(state),
    }
}

/// Puts `moment`, at programme time `at`, over the picture, assigning only
/// what differs so that only the views reading it re-render.
fn show(state: &mut State, moment: Moment, at: i64) {
    let lang = state.locale.lang.code();
    let pinned = moment
        .pinned_message
        .as_ref()
        .map(|(text, translations)| in_language(text, translations, lang).to_owned());
    let you = state.gifting.you.as_ref().map(|v| v.id);
    let mut lane = Lane::default();
    lane.entries = moment
        .lane_at(at)
        .into_iter()
        .map(|streak| LaneEntry {
            mine: Some(streak.from.id) == you,
            streak,
            // The picture times a replay's lane, never the device clock.
            until_ms: Some(i64::MAX),
        })
        .collect();
    let chat = state.replay.info.as_ref().is_some_and(|i| i.chat);
    if chat {
        assign(&mut state.community.chat, &moment.chat);
    }
    assign(&mut state.community.pinned, &pinned);
    assign(&mut state.community.likes, &moment.likes);
    assign(&mut state.viewers, &moment.viewers);
    assign(&mut state.gifting.leaderboard, &moment.leaderboard);
    assign(&mut state.gifting.lane, &lane);
    assign(&mut state.replay.deals, &moment.deals);
    state.replay.shown = Some(Shared::new(moment));
}

/// Nothing replayed over the picture (the log is not there, or the picture
/// has no time yet): no chat, pinned message, gift lane or past deal.
fn bare(state: &mut State) {
    assign(&mut state.community.chat, &Vec::new());
    assign(&mut state.community.pinned, &None);
    assign(&mut state.gifting.lane, &Lane::default());
    assign(&mut state.replay.deals, &Vec::new());
    state.replay.shown = None;
}

/// Sets `field` to `value` only when they differ (no clone otherwise).
fn assign<T: Clone + PartialEq>(field: &mut T, value: &T) {
    if field != value {
        field.clone_from(value);
    }
}
