//! Fan-out: one broadcast channel per show for show events (each a [`Frame`],
//! encoded once per encoding and shared by reference count, so every
//! connection writes the same bytes without copying them), and one per session
//! for its private updates.
//!
//! Every server keeps a mirror of the show (tags, deals, chat, likes, …) that
//! changes only by applying show events in `seq` order, as the viewer's store
//! does. On one server an event is numbered and applied as it is published,
//! under the same lock that hands out snapshots, so a viewer's snapshot and its
//! subscription never miss or repeat an event. When servers share the show
//! (`fanout`), events go to the show's JetStream stream, which numbers them
//! once for all, and each server applies and broadcasts them as they come back.
//!
//! What happens often — viewers coming and going, gift taps, chat lines, likes —
//! is gathered and published by the timeline's tick instead of one event per
//! occurrence. Only the show's leader publishes what gathered; the other
//! servers send it what they gathered (`Input`), and keep the chat lines they
//! sent until they see them published, to hand them to the next leader should
//! this one die first (`Input::Leads`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde::{Deserialize, Serialize};

use lapak_protocol::{
    ChatEvent, ChatMessage, Deal, Gifter, OnAir, Pin, ServerMsg, TagChange, Viewer,
};
use tokio::sync::{broadcast, mpsc, watch};

use crate::feed::Feed;
use crate::metrics::{Minute, Tally, Tick};
use crate::pinned;
use crate::show::{Cue, Scene};
use crate::streaks::{Streaks, Tap};

pub use crate::frame::Frame;

/// Show events a slow viewer may fall behind by before it gets a fresh snapshot instead.
const SHOW_BUFFER: usize = 1024;
/// Show events kept for viewers that reconnect: a gap up to this many is replayed.
pub const HISTORY: usize = 512;
/// Cart updates a session's slow tab may fall behind by (it then gets a snapshot too).
const SESSION_BUFFER: usize = 16;
/// Events gathered for the replay's log at most between two writes: a log
/// writer stuck that long loses events rather than the server memory.
const MAX_LOG_PENDING: usize = 20_000;
/// Least time between two `ViewerCount` events, in milliseconds.
const VIEWER_COUNT_EVERY_MS: i64 = 1_000;
/// How long another server's viewer count counts without news from it.
pub const PRESENCE_MS: i64 = 3_000;

/// What the show looks like now.
pub struct Live {
    /// Which history `seq` counts in (resuming viewers must name it).
    epoch: u64,
    /// The last event's sequence number.
    pub seq: u64,
    /// Tags up and products featured.
    pub scene: Scene,
    /// Flash deals running.
    pub deals: Vec<Deal>,
    /// Whether the host is on air.
    pub on_air: OnAir,
    /// Open connections to this server.
    pub viewers: u32,
    /// The viewer count as last published.
    count: u32,
    /// When this server last published the viewer count (server time).
    counted_at_ms: i64,
    /// Other servers' open connections, with when each said so (leader only).
    presence: HashMap<i64, (u32, i64)>,
    /// Whether this server does the show's gathered work (always, alone).
    leads: bool,
    /// Gift taps gathered since the last tick, and every gifter's total.
    streaks: Streaks,
    /// The top gifters as last published.
    leaderboard: Vec<Gifter>,
    /// Chat lines and likes gathered since the last tick, and the recent lines.
    feed: Feed,
    /// The last [`HISTORY`] events, oldest first, for resuming viewers.
    history: VecDeque<(u64, Frame)>,
    /// The show's figures minute by minute, for the dashboard.
    tally: Tally,
    /// Chat lines published since the last tick, for the tally.
    chat_seen: usize,
    /// The host's message above the chat.
    pinned_message: Option<pinned::Message>,
    /// Events for the replay's log not yet written, with their programme
    /// time; `None` for a show that keeps no log (its video is not recorded here).
    log: Option<Vec<(i64, Frame)>>,
    /// Every event, to the viewers connected here.
    events: broadcast::Sender<Frame>,
}

/// The hub's figures for the dashboard.
pub struct Figures {
    /// Viewers connected now.
    pub viewers: u32,
    /// Most at once so far.
    pub peak: u32,
    /// Minute by minute, oldest first.
    pub minutes: Vec<Minute>,
    /// Units added to carts per product.
    pub adds: std::collections::BTreeMap<String, u64>,
}

/// The events a resuming viewer missed, and a subscription to what follows them.
pub struct Replay {
    /// The events after the viewer's seq, in order.
    pub missed: Vec<Frame>,
    /// Every event after those.
    pub events: broadcast::Receiver<Frame>,
}

/// What a server that does not lead the show sends the leader to gather.
#[derive(Debug, Serialize, Deserialize)]
pub enum Input {
    /// `viewers` are connected to server `server` now.
    Present { server: i64, viewers: u32 },
    /// An acknowledged gift.
    Gifted(Tap),
    /// A chat line (or an announcement) to publish.
    Post(ChatMessage),
    /// Likes tapped.
    Likes(u32),
    /// Units of a product added to a cart.
    Added { product: String, units: u32 },
    /// The sender leads the show from now on: the others hand it the chat
    /// lines they sent and have not seen published.
    Leads,
    /// Chat lines handed to a new leader, unpublished by the last.
    Carried(Vec<ChatMessage>),
}

impl Input {
    /// Whether every server sharing the show keeps it, not only the leader.
    fn is_for_all(&self) -> bool {
        matches!(self, Input::Added { .. })
    }
}

/// Where a show's events and gathered input go when servers share the show.
pub struct Bus {
    /// Events to put on the show's stream, in order, serialized with seq 0:
    /// the stream numbers them.
    pub events: mpsc::Sender<Vec<u8>>,
    /// Input for the show's leader.
    pub inputs: mpsc::Sender<Input>,
}

impl Bus {
    fn send<T>(channel: &mpsc::Sender<T>, item: T) {
        // A stream that stopped taking events for this long loses events, not memory.
        if channel.try_send(item).is_err() {
            tracing::warn!("the show's stream is not keeping up: an event was dropped");
        }
    }
}

/// A show's fan-out.
pub struct Hub {
    live: Mutex<Live>,
    /// Set when servers share the show; events are then numbered by its stream.
    bus: OnceLock<Bus>,
    /// The last event's seq, for those waiting for this server to catch up
    /// with the stream (a viewer back from another server, a server opening).
    applied: watch::Sender<u64>,
}

/// A snapshot of the show taken together with a subscription to what follows it.
pub struct Joined {
    /// Seq of the last event reflected.
    pub seq: u64,
    /// Scene at that seq.
    pub scene: Scene,
    /// Deals running at that seq.
    pub deals: Vec<Deal>,
    /// Whether the host was on air at that seq.
    pub on_air: OnAir,
    /// Viewers now.
    pub viewers: u32,
    /// Top gifters at that seq.
    pub leaderboard: Vec<Gifter>,
    /// The last chat lines published by that seq, oldest first.
    pub chat: Vec<ChatMessage>,
    /// Likes as published by that seq.
    pub likes: u64,
    /// The host's message above the chat at that seq.
    pub pinned_message: Option<pinned::Message>,
    /// Every event after `seq`.
    pub events: broadcast::Receiver<Frame>,
}

impl Hub {
    /// A hub starting from `scene`, with `deals` running, `gifters` having
    /// sent what they sent so far and `likes` received, numbering its events
    /// in history `epoch`.
    pub fn new(
        scene: Scene,
        deals: Vec<Deal>,
        gifters: Vec<Gifter>,
        likes: u64,
        epoch: u64,
    ) -> Hub {
        let streaks = Streaks::new(gifters);
        Hub {
            live: Mutex::new(Live {
                epoch,
                seq: 0,
                scene,
                deals,
                on_air: OnAir::default(),
                viewers: 0,
                count: 0,
                counted_at_ms: 0,
                presence: HashMap::new(),
                leads: true,
                leaderboard: streaks.top().to_vec(),
                streaks,
                feed: Feed::new(likes),
                history: VecDeque::new(),
                tally: Tally::new(likes),
                chat_seen: 0,
                pinned_message: None,
                log: None,
                events: broadcast::channel(SHOW_BUFFER).0,
            }),
            bus: OnceLock::new(),
            applied: watch::Sender::new(0),
        }
    }

    /// From now on the show's events go through `bus`, numbered by the
    /// stream of history `epoch`; this server follows until it is made
    /// leader. `slot` tells its chat ids from other servers'.
    pub fn share(&self, bus: Bus, epoch: u64, slot: u64) {
        let mut live = self.lock();
        if self.bus.set(bus).is_err() {
            return;
        }
        live.feed.share(slot);
        live.leads = false;
        restart(&mut live, epoch);
    }

    /// The show's stream was lost and made anew: its numbering starts over in
    /// history `epoch`. Viewers connected here are let go, so they come back
    /// for a fresh snapshot.
    pub fn restart(&self, epoch: u64) {
        let mut live = self.lock();
        restart(&mut live, epoch);
        self.applied.send_replace(0);
        live.events = broadcast::channel(SHOW_BUFFER).0;
    }

    /// The history this server numbers the show's events in.
    pub fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// The last event's sequence number.
    pub fn last_seq(&self) -> u64 {
        self.lock().seq
    }

    /// Whether this server does the show's gathered work.
    pub fn leads(&self) -> bool {
        self.lock().leads
    }

    /// This server does the show's gathered work from now on, starting from
    /// `gifters` as the database has them; the chat lines it sent the last
    /// leader and has not seen published are published with the next tick's.
    pub fn lead(&self, gifters: Vec<Gifter>) {
        let mut live = self.lock();
        live.streaks = Streaks::new(gifters);
        live.presence.clear();
        live.counted_at_ms = 0;
        live.feed.lead(crate::now_ms());
        live.leads = true;
    }

    /// Another server does the show's gathered work from now on: the chat
    /// lines waiting here for a tick are handed to it.
    pub fn follow(&self) {
        let mut live = self.lock();
        live.leads = false;
        let unseen = live.feed.follow(crate::now_ms());
        self.hand_over(unseen);
    }

    /// Sends the leader chat lines it may not have (as [`Input::Carried`]).
    fn hand_over(&self, lines: Vec<ChatMessage>) {
        if let (Some(bus), false) = (self.bus.get(), lines.is_empty()) {
            Bus::send(&bus.inputs, Input::Carried(lines));
        }
    }

    /// From now on, gathers the events a replay needs (`take_log`).
    pub fn keep_log(&self) {
        self.lock().log.get_or_insert_with(Vec::new);
    }

    /// The events gathered for the replay's log since the last call.
    pub fn take_log(&self) -> Vec<(i64, Frame)> {
        self.lock()
            .log
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn lock(&self) -> MutexGuard<'_, Live> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The tags up now and whether the host is on air.
    pub fn now(&self) -> (Vec<Pin>, OnAir) {
        let live = self.lock();
        (live.scene.pins.clone(), live.on_air)
    }

    /// Snapshot + subscription, atomically.
    pub fn join(&self) -> Joined {
        let live = self.lock();
        let (chat, likes) = live.feed.snapshot();
        Joined {
            seq: live.seq,
            chat,
            likes,
            pinned_message: live.pinned_message.clone(),
            scene: live.scene.clone(),
            deals: live.deals.clone(),
            on_air: live.on_air,
            viewers: audience(&live),
            leaderboard: live.leaderboard.clone(),
            events: live.events.subscribe(),
        }
    }

    /// The events after `seq` with a subscription to what follows them, atomically;
    /// `None` when the history no longer reaches back that far (or `seq` is from the future).
    pub fn resume(&self, seq: u64) -> Option<Replay> {
        let live = self.lock();
        let oldest_kept = live
            .history
            .front()
            .map_or(live.seq + 1, |(first, _)| *first);
        if seq > live.seq || seq + 1 < oldest_kept {
            return None;
        }
        let missed = live
            .history
            .iter()
            .filter(|(s, _)| *s > seq)
            .map(|(_, text)| text.clone())
            .collect();
        Some(Replay {
            missed,
            events: live.events.subscribe(),
        })
    }

    /// Applies timeline cues, each at its programme time (Unix ms), and broadcasts
    /// their tag changes. Deals need the database (units left): the timeline
    /// starts them with `start_deal`. A change the show already shows (a new
    /// leader plays again the cues of the seconds before it took over) is skipped.
    pub fn play(&self, cues: &[(i64, &Cue)]) {
        let mut live = self.lock();
        for (at, cue) in cues {
            let Some(change) = Scene::change(cue, *at) else {
                continue;
            };
            if live.scene.log.contains(&change) {
                continue;
            }
            let at = change.at;
            match change.pin {
                Some(pin) => self.publish(&mut live, |seq| ServerMsg::Pinned { seq, pin }),
                None => {
                    let product_id = change.product_id;
                    self.publish(&mut live, |seq| ServerMsg::Unpinned {
                        seq,
                        product_id,
                        at,
                    });
                }
            }
        }
    }

    /// The host's encoder connected or dropped, or the show ended.
    pub fn on_air(&self, state: OnAir) {
        let mut live = self.lock();
        if live.on_air != state {
            self.publish(&mut live, |seq| ServerMsg::OnAir { seq, state });
        }
    }

    /// The ended show's replay opened.
    pub fn replay_ready(&self, replay: lapak_protocol::replay::ReplayInfo) {
        let mut live = self.lock();
        self.publish(&mut live, |seq| ServerMsg::ReplayReady { seq, replay });
    }

    /// A deal starts (unless it runs already).
    pub fn start_deal(&self, deal: Deal) {
        let mut live = self.lock();
        if live.deals.iter().any(|d| d.id == deal.id) {
            return;
        }
        self.publish(&mut live, |seq| ServerMsg::DealStarted { seq, deal });
    }

    /// Ends the deals whose end has come by server time `now_ms`.
    pub fn end_deals(&self, now_ms: i64) {
        let mut live = self.lock();
        let ended: Vec<String> = live
            .deals
            .iter()
            .filter(|d| d.ends_at_ms <= now_ms)
            .map(|d| d.id.clone())
            .collect();
        for deal_id in ended {
            self.publish(&mut live, |seq| ServerMsg::DealEnded {
                seq,
                deal_id,
                stopped: false,
            });
        }
    }

    /// Ends deal `id` now, before its time (a host stopped it).
    pub fn end_deal(&self, id: &str) {
        let mut live = self.lock();
        if live.deals.iter().any(|d| d.id == id) {
            let deal_id = id.to_owned();
            self.publish(&mut live, |seq| ServerMsg::DealEnded {
                seq,
                deal_id,
                stopped: true,
            });
        }
    }

    /// The deals running, as viewers see them.
    pub fn deals(&self) -> Vec<Deal> {
        self.lock().deals.clone()
    }

    /// Units a running deal offers in all.
    pub fn deal_quantity(&self, deal_id: &str) -> Option<u32> {
        self.lock()
            .deals
            .iter()
            .find(|d| d.id == deal_id)
            .map(|d| d.quantity)
    }

    /// Units left at a deal's price changed.
    pub fn deal_changed(&self, deal_id: &str, remaining: u32) {
        let mut live = self.lock();
        if !live.deals.iter().any(|d| d.id == deal_id) {
            return;
        }
        let deal_id = deal_id.to_owned();
        self.publish(&mut live, |seq| ServerMsg::DealChanged {
            seq,
            deal_id,
            remaining,
        });
    }

    /// A variant's stock changed.
    pub fn stock_changed(&self, product_id: &str, variant_id: &str, stock: u32) {
        let mut live = self.lock();
        let (product_id, variant_id) = (product_id.to_owned(), variant_id.to_owned());
        self.publish(&mut live, |seq| ServerMsg::StockChanged {
            seq,
            product_id,
            variant_id,
            stock,
        });
    }

    /// Counts a viewer in (`+1`) or out (`-1`); [`tick`](Hub::tick) publishes the count.
    pub fn viewers(&self, delta: i32) {
        let mut live = self.lock();
        live.viewers = live.viewers.saturating_add_signed(delta);
    }

    /// Viewers connected to this server.
    pub fn viewers_here(&self) -> u32 {
        self.lock().viewers
    }

    /// An acknowledged gift; [`tick`](Hub::tick) publishes its streak.
    pub fn gifted(&self, tap: Tap) {
        self.gather(Input::Gifted(tap));
    }

    /// A chat line from a viewer (checked and masked), with its id; not
    /// published before [`post`](Hub::post).
    pub fn chat_line(&self, from: Viewer, text: String) -> ChatMessage {
        self.lock().feed.line(from, text)
    }

    /// A line for [`tick`](Hub::tick) to publish.
    pub fn post(&self, line: ChatMessage) {
        self.gather(Input::Post(line));
    }

    /// A line the server writes about a viewer; [`tick`](Hub::tick) publishes it.
    pub fn announce(&self, from: Viewer, event: ChatEvent) {
        let line = self.lock().feed.announcement(from, event);
        self.post(line);
    }

    /// Input a server sharing the show sent: gathered if this one leads it;
    /// adds to cart by every server (each tallies the show for the dashboard).
    /// A new leader gets the chat lines this one sent and has not seen published.
    pub fn input(&self, input: Input) {
        let mut live = self.lock();
        match input {
            Input::Leads if !live.leads => {
                let unseen = live.feed.unseen(crate::now_ms());
                self.hand_over(unseen);
            }
            input if live.leads || input.is_for_all() => gathered(&mut live, input),
            _ => {}
        }
    }

    /// Gathers `input` here if this server runs the show alone or leads it,
    /// else sends it to the leader (keeping a chat line until it is seen
    /// published); adds to cart go to every server sharing the show (this one
    /// too, through the stream's subject).
    fn gather(&self, input: Input) {
        let mut live = self.lock();
        match self.bus.get() {
            Some(bus) if !live.leads || input.is_for_all() => {
                if let Input::Post(line) = &input {
                    live.feed.handed(line.clone(), crate::now_ms());
                }
                Bus::send(&bus.inputs, input);
            }
            _ => gathered(&mut live, input),
        }
    }

    /// Removes the chat lines `which` picks, everywhere: from the snapshot
    /// joiners get, from the next tick, and (`ChatRemoved`, at once) from
    /// every viewer's screen. Their ids, if any.
    pub fn remove_lines(&self, which: impl Fn(&ChatMessage) -> bool) -> Vec<u64> {
        let mut live = self.lock();
        let ids = live.feed.remove(which);
        if !ids.is_empty() {
            let removed = ids.clone();
            self.publish(&mut live, |seq| ServerMsg::ChatRemoved {
                seq,
                ids: removed,
            });
        }
        ids
    }

    /// The host's message above the chat as it stood before a restart; no event.
    pub fn restore_pinned_message(&self, message: Option<pinned::Message>) {
        self.lock().pinned_message = message;
    }

    /// The host's message above the chat now.
    pub fn pinned_message(&self) -> Option<pinned::Message> {
        self.lock().pinned_message.clone()
    }

    /// A moderator turned slow mode on (`every_s` between lines) or off (0).
    pub fn slow_mode(&self, every_s: u32) {
        let mut live = self.lock();
        self.publish(&mut live, |seq| ServerMsg::SlowMode { seq, every_s });
    }

    /// The host changed the message above the chat: every viewer sees it at once.
    pub fn pin_message(&self, message: Option<pinned::Message>) {
        let mut live = self.lock();
        let (text, translations) = pinned::parts(message);
        self.publish(&mut live, |seq| ServerMsg::PinnedMessage {
            seq,
            text,
            translations,
        });
    }

    /// The chat lines a joiner would see now, oldest first.
    pub fn recent_chat(&self) -> Vec<ChatMessage> {
        self.lock().feed.snapshot().0
    }

    /// Units of `product` added to a cart, for the dashboard.
    pub fn added_to_cart(&self, product: &str, units: u32) {
        let product = product.to_owned();
        self.gather(Input::Added { product, units });
    }

    /// Viewers watching now.
    pub fn watching(&self) -> u32 {
        audience(&self.lock())
    }

    /// The show's figures minute by minute, the peak and adds per product, with the viewers now.
    pub fn figures(&self) -> Figures {
        let live = self.lock();
        Figures {
            viewers: audience(&live),
            peak: live.tally.peak(),
            minutes: live.tally.minutes(),
            adds: live.tally.adds(),
        }
    }

    /// Likes tapped; [`tick`](Hub::tick) publishes the new total.
    pub fn like(&self, count: u32) {
        self.gather(Input::Likes(count));
    }

    /// Publishes what gathered since the last tick at server time `now_ms`: one
    /// `Gifted` per streak that grew, `Leaderboard` if the top gifters changed,
    /// one `Chat` with lines carried over from the last leader if any, one
    /// `Chat` with the new lines, `Likes` if the total grew, and
    /// `ViewerCount` if the count changed, at most once a second. A thousand
    /// viewers joining (or liking) at once thus cost one event, not a thousand
    /// broadcasts. Only the show's leader ticks.
    pub fn tick(&self, now_ms: i64) {
        let mut live = self.lock();
        if live.leads {
            self.publish_gathered(&mut live, now_ms);
        }
        // Every server tallies the show as its events came, so any of them
        // answers the dashboard.
        let pinned: Vec<String> = live
            .scene
            .pins
            .iter()
            .map(|p| p.product_id.clone())
            .collect();
        let pinned: Vec<&str> = pinned.iter().map(String::as_str).collect();
        let (viewers, likes) = (audience(&live), live.feed.published_total());
        let chat = std::mem::take(&mut live.chat_seen);
        live.tally.tick(Tick {
            now_ms,
            viewers,
            chat,
            likes: Some(likes),
            pinned: &pinned,
        });
    }

    /// The leader's part of the tick: what gathered, published.
    fn publish_gathered(&self, live: &mut Live, now_ms: i64) {
        for streak in live.streaks.flush(now_ms) {
            self.publish(live, |seq| ServerMsg::Gifted { seq, streak });
        }
        if live.streaks.top() != live.leaderboard {
            let top = live.streaks.top().to_vec();
            self.publish(live, |seq| ServerMsg::Leaderboard { seq, top });
        }
        let flushed = live.feed.flush();
        if let Some(messages) = flushed.carried {
            self.publish(live, |seq| ServerMsg::Chat { seq, messages });
        }
        if let Some(messages) = flushed.chat {
            self.publish(live, |seq| ServerMsg::Chat { seq, messages });
        }
        if let Some(total) = flushed.likes {
            self.publish(live, |seq| ServerMsg::Likes { seq, total });
        }
        live.presence
            .retain(|_, (_, said_at)| now_ms - *said_at < PRESENCE_MS);
        let viewers = audience(live);
        if viewers != live.count && now_ms - live.counted_at_ms >= VIEWER_COUNT_EVERY_MS {
            live.counted_at_ms = now_ms;
            self.publish(live, |seq| ServerMsg::ViewerCount {
                seq,
                count: viewers,
            });
        }
    }

    /// An event numbered `seq` by the show's stream: applied to the show here
    /// and sent to the viewers connected here. One already applied (the
    /// stream delivers again after a reconnection) is skipped.
    pub fn deliver(&self, seq: u64, event: ServerMsg) {
        let mut live = self.lock();
        deliver(&mut live, seq, event);
        self.applied.send_replace(live.seq);
    }

    /// Waits up to `within` until the event numbered `seq` is applied here
    /// (at once when this server numbers the show's events itself); whether it was.
    pub async fn reached(&self, seq: u64, within: std::time::Duration) -> bool {
        if self.bus.get().is_none() {
            return *self.applied.borrow() >= seq;
        }
        let mut applied = self.applied.subscribe();
        let reached = tokio::time::timeout(within, applied.wait_for(|last| *last >= seq)).await;
        matches!(reached, Ok(Ok(_)))
    }

    fn publish(&self, live: &mut Live, event: impl FnOnce(u64) -> ServerMsg) {
        match self.bus.get() {
            None => {
                let seq = live.seq + 1;
                deliver(live, seq, event(seq));
                self.applied.send_replace(seq);
            }
            Some(bus) => {
                let text = serde_json::to_vec(&event(0)).expect("protocol types always serialize");
                Bus::send(&bus.events, text);
            }
        }
    }
}

/// The viewers watching: all servers' as the leader adds them up, else as last published.
fn audience(live: &Live) -> u32 {
    if !live.leads {
        return live.count;
    }
    let others: u32 = live.presence.values().map(|(viewers, _)| *viewers).sum();
    live.viewers.saturating_add(others)
}

/// Gathered input, kept for the next tick.
fn gathered(live: &mut Live, input: Input) {
    match input {
        Input::Present { server, viewers } => {
            live.presence.insert(server, (viewers, crate::now_ms()));
        }
        Input::Gifted(tap) => live.streaks.tap(tap),
        Input::Post(line) => live.feed.post(line),
        Input::Likes(count) => live.feed.like(count),
        Input::Added { product, units } => live.tally.added(&product, units),
        Input::Carried(lines) => live.feed.carry(lines),
        Input::Leads => {}
    }
}

/// A new numbering of the show's events, in history `epoch`.
fn restart(live: &mut Live, epoch: u64) {
    live.epoch = epoch;
    live.seq = 0;
    live.history.clear();
}

/// Numbers, applies, logs, keeps and broadcasts one event.
fn deliver(live: &mut Live, seq: u64, mut event: ServerMsg) {
    let Some(numbered) = event.seq_mut() else {
        return;
    };
    if seq <= live.seq {
        return;
    }
    *numbered = seq;
    if seq != live.seq + 1 {
        // A jump (a server joining a stream under way): no resume reaches back across it.
        live.history.clear();
    }
    live.seq = seq;
    apply(live, &event);
    let frame = Frame::new(event);
    // Only what happens on air is replayed.
    if live.on_air == OnAir::Live || live.on_air == OnAir::Paused {
        if let Some(log) = live.log.as_mut().filter(|log| log.len() < MAX_LOG_PENDING) {
            log.extend(crate::replay::log::entry(&frame));
        }
    }
    if live.history.len() == HISTORY {
        live.history.pop_front();
    }
    live.history.push_back((seq, frame.clone()));
    // No receivers is fine: nobody is watching.
    let _ = live.events.send(frame);
}

/// What an event changes in the show: the one place the mirror changes, on
/// every server alike.
fn apply(live: &mut Live, event: &ServerMsg) {
    match event {
        ServerMsg::Pinned { pin, .. } => live.scene.record(&TagChange {
            at: pin.at,
            product_id: pin.product_id.clone(),
            pin: Some(pin.clone()),
        }),
        ServerMsg::Unpinned { product_id, at, .. } => live.scene.record(&TagChange {
            at: *at,
            product_id: product_id.clone(),
            pin: None,
        }),
        ServerMsg::OnAir { state, .. } => {
            if live.on_air == OnAir::Waiting && *state == OnAir::Live {
                log_opening(live);
            }
            live.on_air = *state;
        }
        ServerMsg::DealStarted { deal, .. } => {
            live.deals.retain(|d| d.id != deal.id);
            live.deals.push(deal.clone());
        }
        ServerMsg::DealChanged {
            deal_id, remaining, ..
        } => {
            if let Some(deal) = live.deals.iter_mut().find(|d| d.id == *deal_id) {
                deal.remaining = *remaining;
            }
        }
        ServerMsg::DealEnded { deal_id, .. } => live.deals.retain(|d| d.id != *deal_id),
        ServerMsg::Leaderboard { top, .. } => live.leaderboard.clone_from(top),
        ServerMsg::Chat { messages, .. } => {
            live.chat_seen += messages.len();
            live.feed.remember(messages);
        }
        ServerMsg::ChatRemoved { ids, .. } => {
            live.feed.remove(|line| ids.contains(&line.id));
        }
        ServerMsg::PinnedMessage {
            text, translations, ..
        } => {
            live.pinned_message = text.clone().map(|text| pinned::Message {
                text,
                translations: translations.clone(),
            });
        }
        ServerMsg::Likes { total, .. } => live.feed.published(*total),
        ServerMsg::ViewerCount { count, .. } => live.count = *count,
        _ => {}
    }
}

/// The programme time the opening scene is logged at: before any frame.
const OPENING_MS: i64 = 0;

/// Puts what is up as the show goes on air into the replay's log (the tags
/// pinned while waiting, the pinned message, the likes so far), so its replay
/// opens on the picture as viewers saw it.
fn log_opening(live: &mut Live) {
    let seq = live.seq;
    let (text, translations) = pinned::parts(live.pinned_message.clone());
    let likes = live.feed.snapshot().1;
    let mut opening: Vec<ServerMsg> = live
        .scene
        .pins
        .iter()
        .map(|pin| ServerMsg::Pinned {
            seq,
            pin: pin.clone(),
        })
        .collect();
    opening.extend(live.deals.iter().map(|deal| ServerMsg::DealStarted {
        seq,
        deal: deal.clone(),
    }));
    opening.push(ServerMsg::PinnedMessage {
        seq,
        text,
        translations,
    });
    opening.push(ServerMsg::Likes { seq, total: likes });
    let Some(log) = live.log.as_mut() else {
        return;
    };
    for event in opening {
        // why: the first frame may arrive before the hub hears the show is on
        // air; at time 0 the opening comes before any frame, and the replay
        // starts with it whatever its first frame's time.
        log.push((OPENING_MS, Frame::new(event)));
    }
}

/// A frame for a session's connections, tagged with the connection it came from.
pub type SessionFrame = (u64, Frame);

/// Per-session channels carrying `(connection id, frame)` so a tab can skip its own updates.
#[derive(Default)]
pub struct Sessions {
    channels: Mutex<HashMap<i64, broadcast::Sender<SessionFrame>>>,
}

impl Sessions {
    /// Subscribes to a session's updates.
    pub fn subscribe(&self, session: i64) -> broadcast::Receiver<SessionFrame> {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels
            .entry(session)
            .or_insert_with(|| broadcast::channel(SESSION_BUFFER).0)
            .subscribe()
    }

    /// Sends a frame to the session's connections other than `from_connection`
    /// (0 reaches them all).
    pub fn send(&self, session: i64, from_connection: u64, msg: &ServerMsg) {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(channel) = channels.get(&session) {
            let _ = channel.send((from_connection, Frame::new(msg.clone())));
        }
    }

    /// Forgets the session if it has no open connection; whether it did.
    pub fn prune(&self, session: i64) -> bool {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        let idle = channels
            .get(&session)
            .is_some_and(|c| c.receiver_count() == 0);
        if idle {
            channels.remove(&session);
        }
        idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapak_protocol::{GiftStreak, Viewer, CHAT_LINES_PER_TICK};

    fn events(joined: &mut Joined) -> Vec<ServerMsg> {
        std::iter::from_fn(|| joined.events.try_recv().ok())
            .map(|frame| serde_json::from_str(frame.json()).unwrap())
            .collect()
    }

    #[test]
    fn a_receiver_that_falls_too_far_behind_is_told_so_and_history_is_bounded() {
        let hub = Hub::new(Scene::default(), Vec::new(), Vec::new(), 0, 1);
        let mut joined = hub.join();
        for stock in 0..SHOW_BUFFER + 10 {
            hub.stock_changed("p", "v", stock as u32);
        }
        // The connection turns this into a fresh Welcome instead of buffering without end.
        assert!(matches!(
            joined.events.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(_))
        ));
        assert!(hub.resume(0).is_none(), "seq 1 has left the history");
        let last = hub.join().seq;
        let replay = hub.resume(last - 3).expect("a short gap is replayable");
        assert_eq!(replay.missed.len(), 3);
        assert_eq!(hub.live.lock().unwrap().history.len(), HISTORY);
    }

    #[test]
    fn viewers_coming_and_going_are_counted_at_most_once_a_second() {
        let hub = Hub::new(Scene::default(), Vec::new(), Vec::new(), 0, 1);
        let mut joined = hub.join();
        for _ in 0..1_000 {
            hub.viewers(1);
        }
        assert_eq!(
            hub.join().viewers,
            1_000,
            "a snapshot has the count at once"
        );
        assert!(
            events(&mut joined).is_empty(),
            "nothing is broadcast per viewer"
        );
        hub.tick(10_000);
        assert_eq!(
            events(&mut joined),
            [ServerMsg::ViewerCount {
                seq: 1,
                count: 1_000
            }]
        );
        hub.viewers(-1);
        hub.tick(10_200);
        hub.tick(10_999);
        assert!(events(&mut joined).is_empty(), "within the second");
        hub.tick(11_000);
        hub.tick(12_000);
        assert_eq!(
            events(&mut joined),
            [ServerMsg::ViewerCount { seq: 2, count: 999 }],
            "then once, and not again while it stays the same"
        );
    }

    #[test]
    fn gift_taps_are_published_per_streak_at_the_tick_with_the_leaderboard() {
        let earlier = Gifter {
            viewer: Viewer {
                id: 9,
                name: "user000009".into(),
                ..Viewer::default()
            },
            coins: 50,
        };
        let hub = Hub::new(Scene::default(), Vec::new(), vec![earlier.clone()], 0, 1);
        let mut joined = hub.join();
        assert_eq!(
            joined.leaderboard,
            std::slice::from_ref(&earlier),
            "loaded at start"
        );
        let ayu = Viewer {
            id: 1,
            name: "user000001".into(),
            ..Viewer::default()
        };
        for (i, at_ms) in [0, 50, 100].into_iter().enumerate() {
            hub.gifted(Tap {
                from: ayu.clone(),
                gift_id: "fan".into(),
                count: 1,
                coins: 50,
                id: 100 + i as u64,
                at_ms,
            });
        }
        assert!(events(&mut joined).is_empty(), "taps wait for the tick");
        hub.tick(200);
        let streak = GiftStreak {
            id: 100,
            from: ayu.clone(),
            gift_id: "fan".into(),
            count: 3,
        };
        let top = vec![
            Gifter {
                viewer: ayu,
                coins: 150,
            },
            earlier,
        ];
        assert_eq!(
            events(&mut joined),
            [
                ServerMsg::Gifted { seq: 1, streak },
                ServerMsg::Leaderboard {
                    seq: 2,
                    top: top.clone()
                }
            ]
        );
        assert_eq!(hub.join().leaderboard, top);
        assert_eq!(hub.resume(0).unwrap().missed.len(), 2, "kept for replay");
        hub.tick(400);
        assert!(events(&mut joined).is_empty());
    }

    #[test]
    fn a_shared_show_is_changed_only_by_events_coming_back_numbered_from_its_stream() {
        let hub = Hub::new(Scene::default(), Vec::new(), Vec::new(), 0, 1);
        let (to_stream, mut sent) = mpsc::channel(8);
        let (inputs, mut forwarded) = mpsc::channel(8);
        hub.share(
            Bus {
                events: to_stream,
                inputs,
            },
            77,
            5,
        );
        assert_eq!((hub.epoch(), hub.last_seq()), (77, 0));
        let mut joined = hub.join();

        hub.slow_mode(10);
        let event: ServerMsg = serde_json::from_slice(&sent.try_recv().unwrap()).unwrap();
        assert_eq!(
            event,
            ServerMsg::SlowMode {
                seq: 0,
                every_s: 10
            },
            "the stream numbers it"
        );
        assert!(
            events(&mut joined).is_empty(),
            "nothing is shown before the stream has it"
        );

        hub.deliver(40, event.clone());
        hub.deliver(40, event);
        assert_eq!(
            events(&mut joined),
            [ServerMsg::SlowMode {
                seq: 40,
                every_s: 10
            }],
            "numbered by the stream, and once"
        );
        assert!(
            hub.resume(38).is_none(),
            "event 39 came before this server joined the stream"
        );
        assert_eq!(hub.resume(39).unwrap().missed.len(), 1);
        hub.deliver(41, ServerMsg::Likes { seq: 0, total: 9 });
        assert_eq!(hub.resume(40).unwrap().missed.len(), 1);
        assert_eq!(hub.join().likes, 9, "the mirror follows the events");

        hub.like(3);
        hub.tick(1_000);
        assert!(
            matches!(forwarded.try_recv(), Ok(Input::Likes(3))),
            "sent to the leader"
        );
        assert!(sent.try_recv().is_err(), "a follower does not tick");
        hub.lead(Vec::new());
        hub.like(3);
        hub.tick(2_000);
        let published: ServerMsg = serde_json::from_slice(&sent.try_recv().unwrap()).unwrap();
        assert_eq!(
            published,
            ServerMsg::Likes { seq: 0, total: 12 },
            "the leader counts on"
        );
    }

    /// A hub sharing its show, with what it puts on the stream and sends the leader.
    fn shared(slot: u64) -> (Hub, mpsc::Receiver<Vec<u8>>, mpsc::Receiver<Input>) {
        let hub = Hub::new(Scene::default(), Vec::new(), Vec::new(), 0, 1);
        let (events, sent) = mpsc::channel(64);
        let (inputs, forwarded) = mpsc::channel(64);
        hub.share(Bus { events, inputs }, 77, slot);
        (hub, sent, forwarded)
    }

    fn chat_sent(sent: &mut mpsc::Receiver<Vec<u8>>) -> Vec<Vec<ChatMessage>> {
        std::iter::from_fn(|| sent.try_recv().ok())
            .filter_map(|event| match serde_json::from_slice(&event).unwrap() {
                ServerMsg::Chat { messages, .. } => Some(messages),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn chat_lines_the_dead_leader_left_unpublished_are_handed_to_the_next_and_published_once() {
        let (follower, _, mut to_leader) = shared(1);
        let (next, mut next_sent, _) = shared(2);
        // 30 lines said on the follower: sent to the leader, which publishes
        // the first and dies.
        for n in 0..30 {
            let line = follower.chat_line(crate::testing::viewer(1), n.to_string());
            follower.post(line);
        }
        let said: Vec<ChatMessage> = std::iter::from_fn(|| match to_leader.try_recv() {
            Ok(Input::Post(line)) => Some(line),
            _ => None,
        })
        .collect();
        assert_eq!(said.len(), 30);
        let first = ServerMsg::Chat {
            seq: 0,
            messages: said[..1].to_vec(),
        };
        follower.deliver(1, first.clone());
        next.deliver(1, first);

        // Another server comes to lead and says so: the follower hands it what
        // it has not seen published, and hands nothing while it hears no leader.
        assert!(to_leader.try_recv().is_err());
        next.lead(Vec::new());
        follower.input(Input::Leads);
        let Ok(Input::Carried(unseen)) = to_leader.try_recv() else {
            panic!("the unpublished lines were not handed to the new leader");
        };
        assert_eq!(unseen, said[1..]);
        next.input(Input::Carried(unseen.clone()));
        next.input(Input::Carried(unseen));
        let mut published = Vec::new();
        for tick in 1..=3 {
            next.tick(tick * 200);
            published.extend(chat_sent(&mut next_sent));
        }
        assert_eq!(
            published.iter().map(Vec::len).collect::<Vec<_>>(),
            [CHAT_LINES_PER_TICK, 29 - CHAT_LINES_PER_TICK],
            "more than a tick's lines carried over go in ticks, none left out"
        );
        assert_eq!(published.concat(), said[1..], "each once, as said");

        // Seen published, they are handed to no later leader.
        for (seq, messages) in (2..).zip(published) {
            follower.deliver(seq, ServerMsg::Chat { seq: 0, messages });
        }
        follower.input(Input::Leads);
        assert!(to_leader.try_recv().is_err(), "nothing left to hand over");
    }

    #[test]
    fn a_server_that_stops_leading_hands_its_waiting_lines_to_the_next() {
        let (hub, mut sent, mut to_leader) = shared(1);
        hub.lead(Vec::new());
        let line = hub.chat_line(crate::testing::viewer(1), "mid-tick".into());
        hub.post(line.clone());
        hub.follow();
        hub.tick(200);
        assert!(
            chat_sent(&mut sent).is_empty(),
            "a follower publishes no chat"
        );
        assert!(
            matches!(to_leader.try_recv(), Ok(Input::Carried(lines)) if lines == [line.clone()]),
            "handed to whoever leads now"
        );
        hub.input(Input::Leads);
        assert!(
            matches!(to_leader.try_recv(), Ok(Input::Carried(lines)) if lines == [line]),
            "and to the next leader, until seen published"
        );
    }
}
