//! Chat, likes, the Fan Club, missions and badges in the store.
//!
//! Everything is bounded: the chat keeps the last [`CHAT_HISTORY`] lines, at
//! most [`MAX_HEARTS`] hearts float at once and [`MAX_TOASTS`] toasts show, so
//! a flood of chat and likes never grows memory or the DOM. Likes are gathered
//! into one `Like` per [`LIKE_BATCH_MS`]; watch time is reported only while the
//! video plays in a visible tab.

use lapak_protocol::{
    chat_line, display_name, Activity, Badge, ChatMessage, ClientMsg, CommandId, FanClub, Mission,
    ProductId, Progress, RejectCode, CHAT_HISTORY, LIKE_BATCH_MS, MAX_LIKES_PER_BATCH,
};
use reactive_stores::{Patch, Store};

use super::outbox::{self, Full};
use super::{Effect, Link, Purpose, State};

/// Hearts floating over the video at once; more likes add to the count, not the DOM.
pub const MAX_HEARTS: usize = 12;
/// How long a heart floats.
pub const HEART_MS: i64 = 1_600;
/// Toasts shown at once (the oldest leaves first).
pub const MAX_TOASTS: usize = 3;
/// How long a toast stays.
pub const TOAST_MS: i64 = 4_000;

/// Community state. Fields are patched one by one: the chat can change many
/// times a second without re-rendering the missions or the hearts.
#[derive(Clone, Debug, Default, PartialEq, Store, Patch)]
pub struct Community {
    /// The host's pinned message.
    pub pinned: Option<String>,
    /// Slow mode: seconds between two of this viewer's lines; 0 when off.
    pub slow_mode_s: u32,
    /// The last chat lines, oldest first, at most [`CHAT_HISTORY`].
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub chat: Vec<ChatMessage>,
    /// Likes the show has received, as last heard (plus this viewer's unsent taps).
    pub likes: u64,
    /// Hearts floating now.
    // why: hearts leave from the front, and a `Vec` is patched by position (each heart would be
    // patched into its neighbour); the list is read whole, by a keyed `<For>`
    #[patch(|this, new| *this = new)]
    pub hearts: Vec<Heart>,
    /// Taps not yet sent, gathered into the next `Like`.
    pub batch: Option<LikeBatch>,
    /// The show's Fan Club, if any.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub club: Option<FanClub>,
    /// Missions on offer.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub missions: Vec<Mission>,
    /// Badges to collect.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub badges: Vec<Badge>,
    /// Where this viewer stands.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub progress: Progress,
    /// The last command refused, and why (a refused chat line goes back to its input).
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub refused: Option<(RejectCode, ClientMsg)>,
    /// Toasts showing.
    // why: holds an enum (`ToastKind`), which `#[derive(Patch)]` cannot patch; toasts leave from
    // the front, as hearts do
    #[patch(|this, new| *this = new)]
    pub toasts: Vec<Toast>,
    /// Whether the video is playing.
    pub playing: bool,
    /// Whether the tab is visible.
    pub visible: bool,
    /// Counter for heart and toast ids.
    next_id: u64,
    /// The show's like total as the server last said.
    heard_likes: u64,
    /// Likes this viewer sent that no `Likes` total has included yet.
    sent_likes: u64,
}

/// A heart floating up the video.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heart {
    /// Key for the view.
    pub id: u64,
    /// Tapped by this viewer (others' hearts float fainter).
    pub mine: bool,
    /// Device time it leaves; `None` until the next tick times it.
    pub until_ms: Option<i64>,
}

/// Likes tapped since the last `Like`.
#[derive(Clone, Debug, PartialEq, Eq, Patch)]
pub struct LikeBatch {
    /// The id of the `Like` that will carry them (the first tap's).
    pub id: CommandId,
    /// Taps so far.
    pub count: u32,
    /// Device time it is sent.
    pub send_at_ms: i64,
}

/// A short message over the widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    /// Key for the view.
    pub id: u64,
    /// What it says.
    pub kind: ToastKind,
    /// Device time it leaves; `None` until the next tick times it.
    pub until_ms: Option<i64>,
}

/// What a toast says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToastKind {
    /// A mission was completed and its reward granted.
    Completed(String),
    /// The show's link is on the clipboard.
    LinkCopied,
}

impl Community {
    /// Whether a tick would change anything.
    pub fn expiring(&self) -> bool {
        !self.hearts.is_empty() || !self.toasts.is_empty() || self.batch.is_some()
    }

    /// A mission by id.
    pub fn mission(&self, id: &str) -> Option<&Mission> {
        self.missions.iter().find(|m| m.id == id)
    }

    /// Whether this viewer has done `activity` in this show (the LIVE Journey).
    pub fn done(&self, activity: Activity) -> bool {
        self.progress.journey.contains(&activity)
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A heart starts to float, if there is room: hearts in flight are never cut
    /// short for others' likes (a flood would pop them mid-air and churn the DOM);
    /// the viewer's own tap takes the place of the oldest heart of others (when
    /// all twelve are the viewer's own, the tap only counts).
    fn float(&mut self, mine: bool) {
        if self.hearts.len() == MAX_HEARTS {
            match self.hearts.iter().position(|h| !h.mine) {
                Some(oldest) if mine => self.hearts.remove(oldest),
                _ => return,
            };
        }
        let id = self.next_id();
        self.hearts.push(Heart {
            id,
            mine,
            until_ms: None,
        });
    }

    /// Shows `lines` after those shown, each id once (the viewer's own line
    /// shows on its `Ack` and comes again in a `Chat`); the oldest beyond
    /// [`CHAT_HISTORY`] leave.
    fn show(&mut self, lines: Vec<ChatMessage>) {
        for line in lines {
            if !self.chat.iter().rev().any(|shown| shown.id == line.id) {
                self.chat.push(line);
            }
        }
        let excess = self.chat.len().saturating_sub(CHAT_HISTORY);
        self.chat.drain(..excess);
    }

    fn toast(&mut self, kind: ToastKind) {
        if self.toasts.len() == MAX_TOASTS {
            self.toasts.remove(0);
        }
        let id = self.next_id();
        self.toasts.push(Toast {
            id,
            kind,
            until_ms: None,
        });
    }
}

/// The show's community side and this viewer's progress, from a snapshot.
pub fn welcome(state: &mut State, show: lapak_protocol::Community, progress: Progress) {
    let community = &mut state.community;
    community.pinned = show.pinned;
    community.slow_mode_s = show.slow_mode_s;
    community.chat = show.chat;
    community.likes = show.likes;
    community.heard_likes = show.likes;
    community.club = show.club;
    community.missions = show.missions;
    community.badges = show.badges;
    community.sent_likes = 0;
    progressed(state, progress, Vec::new());
}

/// The viewer's progress changed: what others see of them, missions, badges.
pub fn progressed(state: &mut State, progress: Progress, completed: Vec<String>) {
    state.gifting.you = Some(progress.you.clone());
    let community = &mut state.community;
    community.progress = progress;
    for mission in completed {
        community.toast(ToastKind::Completed(mission));
    }
}

/// New chat lines (the viewer's own may be there already, shown on its `Ack`).
pub fn chatted(state: &mut State, messages: Vec<ChatMessage>) {
    state.community.show(messages);
}

/// A moderator removed lines: they leave this viewer's chat too.
pub fn removed(state: &mut State, ids: &[u64]) {
    state.community.chat.retain(|line| !ids.contains(&line.id));
}

/// The show's like total grew: hearts float for the likes of others (this
/// viewer's own floated when tapped).
pub fn liked(state: &mut State, total: u64) {
    let community = &mut state.community;
    let new = total.saturating_sub(community.heard_likes);
    let mine = new.min(community.sent_likes);
    community.sent_likes -= mine;
    community.heard_likes = total;
    let unsent = community.batch.as_ref().map_or(0, |b| u64::from(b.count));
    community.likes = total + community.sent_likes + unsent;
    // At most half the hearts start in one go, so a burst spreads out over the ticks.
    for _ in 0..(new - mine).min(MAX_HEARTS as u64 / 2) {
        community.float(false);
    }
}

/// The viewer says something; the line goes as [`chat_line`] makes it one,
/// and nothing is sent for a line it refuses (empty, too long, a control
/// character), nor in a replay, where nobody is live to read it.
pub fn chat(state: &mut State, id: CommandId, text: String) -> Vec<Effect> {
    if state.replay.is_on() {
        return Vec::new();
    }
    let Ok(text) = chat_line(&text) else {
        return Vec::new();
    };
    command(state, ClientMsg::Chat { id, text })
}

/// The viewer taps the heart at device time `now_ms`: a heart floats at once;
/// the tap joins the batch sent [`LIKE_BATCH_MS`] after its first tap. In a
/// replay nobody is live to see it: it counts for nothing.
pub fn like(state: &mut State, id: CommandId, now_ms: i64) -> Vec<Effect> {
    if state.replay.is_on() {
        return Vec::new();
    }
    let community = &mut state.community;
    community.likes += 1;
    community.float(true);
    match &mut community.batch {
        // A batch held back by a full outbox stops growing: the server would clamp it.
        Some(batch) => batch.count = (batch.count + 1).min(MAX_LIKES_PER_BATCH),
        None => {
            community.batch = Some(LikeBatch {
                id,
                count: 1,
                send_at_ms: now_ms + LIKE_BATCH_MS,
            })
        }
    }
    // A full batch goes at once: the server would clamp anything beyond it.
    match &community.batch {
        Some(b) if b.count >= MAX_LIKES_PER_BATCH => send_likes(state),
        _ => Vec::new(),
    }
}

/// The batch goes into the outbox; when that is full it stays, taps and all,
/// and is tried again on the next tick.
fn send_likes(state: &mut State) -> Vec<Effect> {
    let Some(batch) = state.community.batch.take() else {
        return Vec::new();
    };
    let count = batch.count;
    let msg = ClientMsg::Like {
        id: batch.id.clone(),
        count,
    };
    match outbox::send(state, msg, Purpose::Likes { count }) {
        Ok(effects) => {
            state.community.sent_likes += u64::from(count);
            effects
        }
        Err(Full) => {
            state.community.batch = Some(batch);
            Vec::new()
        }
    }
}

/// The heartbeat timer fired: watch time is reported only while the video
/// plays in a visible tab, and only live (a missed heartbeat, or one the full
/// outbox has no room for, is simply not earned).
pub fn heartbeat(state: &mut State, id: CommandId) -> Vec<Effect> {
    let c = &state.community;
    if state.link == Link::Live && c.playing && c.visible {
        let msg = ClientMsg::Heartbeat { id };
        outbox::send(state, msg, Purpose::Report).unwrap_or_default()
    } else {
        Vec::new()
    }
}

/// The shopper tapped a product's tag: reported for the host's dashboard, live
/// only (a tap made offline is not worth a place in the outbox).
pub fn tag_tapped(state: &mut State, id: CommandId, product_id: ProductId) -> Vec<Effect> {
    if state.link != Link::Live {
        return Vec::new();
    }
    let msg = ClientMsg::TagTap { id, product_id };
    outbox::send(state, msg, Purpose::Report).unwrap_or_default()
}

/// The viewer shares the show: a link (`copy`: the show's, or a replay's
/// moment) goes to the clipboard and the server counts it.
pub fn share(state: &mut State, id: CommandId, copy: Effect) -> Vec<Effect> {
    state.community.toast(ToastKind::LinkCopied);
    let mut effects = vec![copy];
    effects.extend(command(state, ClientMsg::Share { id }));
    effects
}

/// The viewer joins the Fan Club: free clubs by command, gift clubs by their gift.
pub fn join_club(state: &mut State, id: CommandId, now_ms: i64) -> Vec<Effect> {
    let Some(club) = &state.community.club else {
        return Vec::new();
    };
    if state.community.progress.member.is_some() {
        return Vec::new();
    }
    match club.join_gift.clone() {
        Some(gift_id) => super::gifting::send(state, id, gift_id, now_ms),
        None => command(state, ClientMsg::JoinClub { id }),
    }
}

/// The viewer chooses a name; it goes as [`display_name`] makes it, and
/// nothing is sent for one it refuses (out of bounds, control or direction
/// characters). The server checks the rest.
pub fn set_name(state: &mut State, id: CommandId, name: String) -> Vec<Effect> {
    let Ok(name) = display_name(&name) else {
        return Vec::new();
    };
    command(state, ClientMsg::SetName { id, name })
}

/// Records a command and sends it now when live; when the outbox is full it
/// is refused here, as the server would refuse it for coming too fast.
fn command(state: &mut State, msg: ClientMsg) -> Vec<Effect> {
    match outbox::send(state, msg.clone(), Purpose::Community) {
        Ok(effects) => {
            state.community.refused = None;
            effects
        }
        Err(Full) => {
            state.community.refused = Some((RejectCode::RateLimited, msg));
            Vec::new()
        }
    }
}

/// A community command was applied; the viewer's own chat line shows at once,
/// whether or not a flood leaves it out of the show's next `Chat`.
pub fn acked(state: &mut State, line: Option<ChatMessage>) {
    state.community.show(line.into_iter().collect());
}

/// A community command was refused; a chat line's text goes back to its input.
pub fn refused(state: &mut State, msg: ClientMsg, code: RejectCode) {
    state.community.refused = Some((code, msg));
}

/// A batch of `count` likes was refused for coming too fast: they join the
/// next batch instead (the server counted none of them, and the same id may
/// be sent again).
pub fn likes_too_fast(state: &mut State, id: &str, count: u32) {
    let community = &mut state.community;
    community.sent_likes = community.sent_likes.saturating_sub(u64::from(count));
    let batch = community.batch.get_or_insert(LikeBatch {
        id: id.into(),
        count: 0,
        send_at_ms: 0,
    });
    batch.count = (batch.count + count).min(MAX_LIKES_PER_BATCH);
}

/// Time passes: the like batch goes when due; hearts and toasts leave.
pub fn tick(state: &mut State, now_ms: i64) -> Vec<Effect> {
    let community = &mut state.community;
    community
        .hearts
        .retain_mut(|h| *h.until_ms.get_or_insert(now_ms + HEART_MS) > now_ms);
    community
        .toasts
        .retain_mut(|t| *t.until_ms.get_or_insert(now_ms + TOAST_MS) > now_ms);
    match &community.batch {
        Some(b) if b.send_at_ms <= now_ms => send_likes(state),
        _ => Vec::new(),
    }
}
