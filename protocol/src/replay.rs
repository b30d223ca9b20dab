//! Replays: an ended show played again from its recording, with everything
//! that happened over the picture in sync with it.
//!
//! The server keeps every show event with its programme time (the frame it
//! belongs to: a tag's own frame, else when it was published) and serves them
//! as a [`ReplayLog`]. [`ReplayIndex`] folds them into [`Moment`]s: the state
//! at any programme time comes from the nearest keyframe before it plus the
//! few events after that keyframe, so a seek never plays through the whole
//! show. The same log gives the product chapters, the seek bar's markers and
//! the top moments.

use serde::{Deserialize, Serialize};

pub use crate::show::ReplayInfo;
use crate::{
    ChatMessage, Deal, Gift, GiftStreak, GiftTier, Gifter, Pin, ProductId, ServerMsg, TagChange,
    Translations, CHAT_HISTORY,
};

/// Streaks a replay's gift lane shows at once, as live.
pub const LANE_STREAKS: usize = 3;
/// How long a gift streak stays in a replay's lane after its last tap, ms.
pub const LANE_MS: i64 = 5_000;
/// Most programme time between two keyframes of the index, ms.
pub const KEYFRAME_MS: i64 = 30_000;
/// Most events between two keyframes (a flood keeps seeks short too).
pub const KEYFRAME_EVENTS: usize = 2_000;
/// Top moments a replay offers.
pub const TOP_MOMENTS: usize = 5;
/// The window a top moment's activity is counted over, ms.
pub const MOMENT_WINDOW_MS: i64 = 10_000;
/// A top moment starts this long before its window, so the build-up is seen.
pub const MOMENT_LEAD_MS: i64 = 3_000;

/// Every event of a show over its replay's window, oldest first, each with
/// its programme time (unix ms). Removed chat lines are left out, and every
/// chat line when the brand hid the chat.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplayLog {
    /// Programme time the replay starts at.
    pub starts_ms: i64,
    /// Programme time it ends at.
    pub ends_ms: i64,
    /// `(programme time, event)`, ordered by time.
    pub events: Vec<(i64, ServerMsg)>,
}

impl ReplayLog {
    /// Decodes a log as the server serves it, each event with
    /// [`ServerMsg::from_json`] (the viewer's frame decoder): the same log as
    /// its derived `Deserialize` gives, without a second, buffering decoder
    /// for every message in the viewer's wasm.
    pub fn from_json(text: &str) -> serde_json::Result<ReplayLog> {
        #[derive(Deserialize)]
        struct Raw<'a> {
            starts_ms: i64,
            ends_ms: i64,
            #[serde(borrow)]
            events: Vec<(i64, &'a serde_json::value::RawValue)>,
        }
        let raw: Raw = serde_json::from_str(text)?;
        let events = raw
            .events
            .into_iter()
            .map(|(at, event)| Ok((at, ServerMsg::from_json(event.get())?)))
            .collect::<serde_json::Result<_>>()?;
        Ok(ReplayLog {
            starts_ms: raw.starts_ms,
            ends_ms: raw.ends_ms,
            events,
        })
    }
}

/// What is on screen at one moment of a replay, apart from the picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Moment {
    /// Tags up.
    pub pins: Vec<Pin>,
    /// Flash deals running then (a replay shows them as past: never priced).
    pub deals: Vec<Deal>,
    /// The last [`CHAT_HISTORY`] chat lines, oldest first.
    pub chat: Vec<ChatMessage>,
    /// Likes by then.
    pub likes: u64,
    /// People watching then.
    pub viewers: u32,
    /// Top gifters by then.
    pub leaderboard: Vec<Gifter>,
    /// The host's pinned message then, with its translations.
    pub pinned_message: Option<(String, Translations)>,
    /// The [`LANE_STREAKS`] streaks that grew last, each with when (programme ms).
    lane: Vec<(i64, GiftStreak)>,
}

impl Moment {
    /// Folds one event, at programme time `at`, into the moment.
    pub fn apply(&mut self, at: i64, event: &ServerMsg) {
        match event {
            ServerMsg::Pinned { pin, .. } => TagChange {
                at,
                product_id: pin.product_id.clone(),
                pin: Some(pin.clone()),
            }
            .apply(&mut self.pins),
            ServerMsg::Unpinned { product_id, .. } => TagChange {
                at,
                product_id: product_id.clone(),
                pin: None,
            }
            .apply(&mut self.pins),
            ServerMsg::DealStarted { deal, .. } => {
                self.deals.retain(|d| d.id != deal.id);
                self.deals.push(deal.clone());
            }
            ServerMsg::DealChanged {
                deal_id, remaining, ..
            } => {
                if let Some(deal) = self.deals.iter_mut().find(|d| &d.id == deal_id) {
                    deal.remaining = *remaining;
                }
            }
            ServerMsg::DealEnded { deal_id, .. } => self.deals.retain(|d| &d.id != deal_id),
            ServerMsg::Chat { messages, .. } => {
                self.chat.extend(messages.iter().cloned());
                let over = self.chat.len().saturating_sub(CHAT_HISTORY);
                self.chat.drain(..over);
            }
            ServerMsg::ChatRemoved { ids, .. } => self.chat.retain(|m| !ids.contains(&m.id)),
            ServerMsg::Likes { total, .. } => self.likes = *total,
            ServerMsg::ViewerCount { count, .. } => self.viewers = *count,
            ServerMsg::Leaderboard { top, .. } => self.leaderboard = top.clone(),
            ServerMsg::PinnedMessage {
                text, translations, ..
            } => {
                self.pinned_message = text.clone().map(|text| (text, translations.clone()));
            }
            ServerMsg::Gifted { streak, .. } => {
                self.lane.retain(|(_, s)| s.id != streak.id);
                self.lane.push((at, streak.clone()));
                let over = self.lane.len().saturating_sub(LANE_STREAKS);
                self.lane.drain(..over);
            }
            _ => {}
        }
    }

    /// The gift streaks in the lane at programme time `at`: those that grew
    /// within [`LANE_MS`] before it, oldest first.
    pub fn lane_at(&self, at: i64) -> Vec<GiftStreak> {
        self.lane
            .iter()
            .filter(|(grew, _)| at - *grew < LANE_MS)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

/// A product's stretch of the show: from when it was first pinned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// The product.
    pub product_id: ProductId,
    /// Programme time it was first pinned.
    pub at: i64,
}

/// What a seek bar marker stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A product was pinned.
    Tag(ProductId),
    /// A flash deal started on a product.
    Deal(ProductId),
    /// A large gift arrived (its gift id).
    Gift(String),
}

/// A mark on the seek bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// Programme time.
    pub at: i64,
    /// What happened.
    pub kind: MarkerKind,
}

/// What made a top moment stand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// The chat was busiest.
    Chat,
    /// Likes poured in.
    Likes,
    /// Gifts were sent.
    Gifts,
    /// A product was pinned.
    Tag,
}

/// One of a replay's top moments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopMoment {
    /// Programme time to open it at.
    pub at: i64,
    /// What stood out.
    pub highlight: Highlight,
    /// What it is named by: the product on deal or on screen in it (the one
    /// pinned last), else the gift that brought the most coins.
    pub about: Option<About>,
}

/// What a top moment is named by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum About {
    /// A flash deal on this product started in it.
    Deal(String),
    /// This product was on screen.
    Product(String),
    /// This gift brought the most coins in it.
    Gift(String),
}

/// A replay's events, indexed for seeking, with its chapters, markers and
/// top moments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayIndex {
    events: Vec<(i64, ServerMsg)>,
    /// `(programme time, events folded in, the moment)`, by time.
    keyframes: Vec<(i64, usize, Moment)>,
    /// Every tag change, oldest first (the picture shows them frame-exactly).
    pub tag_log: Vec<TagChange>,
    /// Products in the order they were first pinned.
    pub chapters: Vec<Chapter>,
    /// Tags, deals and large gifts, by time.
    pub markers: Vec<Marker>,
    /// Up to [`TOP_MOMENTS`], by time.
    pub moments: Vec<TopMoment>,
}

impl ReplayIndex {
    /// Indexes `log`'s events; `gifts` (the show's) tells large gifts apart.
    /// Events out of time order are placed by their time.
    pub fn build(log: ReplayLog, gifts: &[Gift]) -> ReplayIndex {
        let mut events = log.events;
        events.sort_by_key(|(at, _)| *at);
        let mut keyframes = vec![(i64::MIN, 0, Moment::default())];
        let mut moment = Moment::default();
        for (i, (at, event)) in events.iter().enumerate() {
            let (last_at, last_i, _) = keyframes.last().expect("the first keyframe");
            let due = at.saturating_sub(*last_at) >= KEYFRAME_MS || i - last_i >= KEYFRAME_EVENTS;
            // The moment just before `at`: events at one time stay together.
            if i > 0 && due && events[i - 1].0 < *at {
                keyframes.push((*at - 1, i, moment.clone()));
            }
            moment.apply(*at, event);
        }
        let tag_log = tag_changes(&events);
        ReplayIndex {
            chapters: chapters(&tag_log),
            markers: markers(&events, gifts),
            moments: top_moments(&events, gifts),
            tag_log,
            keyframes,
            events,
        }
    }

    /// The state at programme time `at`: every event up to and including it.
    pub fn at(&self, at: i64) -> Moment {
        let k = self.keyframes.partition_point(|(t, _, _)| *t <= at) - 1;
        let (_, from, moment) = &self.keyframes[k];
        let mut moment = moment.clone();
        for (t, event) in self.events[*from..].iter().take_while(|(t, _)| *t <= at) {
            moment.apply(*t, event);
        }
        moment
    }

    /// Whether anything happens in `(from, to]`: a picture that moved between
    /// them needs a new [`Moment`] only then (or when it went back).
    pub fn changes_between(&self, from: i64, to: i64) -> bool {
        if to < from {
            return true;
        }
        let first = self.events.partition_point(|(t, _)| *t <= from);
        self.events.get(first).is_some_and(|(t, _)| *t <= to)
    }

    /// Events indexed.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no event was kept.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

fn tag_changes(events: &[(i64, ServerMsg)]) -> Vec<TagChange> {
    events
        .iter()
        .filter_map(|(at, event)| match event {
            ServerMsg::Pinned { pin, .. } => Some(TagChange {
                at: *at,
                product_id: pin.product_id.clone(),
                pin: Some(pin.clone()),
            }),
            ServerMsg::Unpinned { product_id, .. } => Some(TagChange {
                at: *at,
                product_id: product_id.clone(),
                pin: None,
            }),
            _ => None,
        })
        .collect()
}

fn chapters(tags: &[TagChange]) -> Vec<Chapter> {
    let mut chapters: Vec<Chapter> = Vec::new();
    for change in tags.iter().filter(|c| c.pin.is_some()) {
        if !chapters.iter().any(|c| c.product_id == change.product_id) {
            chapters.push(Chapter {
                product_id: change.product_id.clone(),
                at: change.at,
            });
        }
    }
    chapters
}

fn is_large(gifts: &[Gift], id: &str) -> bool {
    gifts
        .iter()
        .any(|g| g.id == id && g.tier == GiftTier::Large)
}

fn markers(events: &[(i64, ServerMsg)], gifts: &[Gift]) -> Vec<Marker> {
    let mut pinned: Vec<&str> = Vec::new();
    events
        .iter()
        .filter_map(|(at, event)| {
            let kind = match event {
                // A tag moved is not a new mark; pinned again after an unpin is.
                ServerMsg::Pinned { pin, .. } if !pinned.contains(&pin.product_id.as_str()) => {
                    pinned.push(&pin.product_id);
                    MarkerKind::Tag(pin.product_id.clone())
                }
                ServerMsg::Unpinned { product_id, .. } => {
                    pinned.retain(|p| p != product_id);
                    return None;
                }
                ServerMsg::DealStarted { deal, .. } => MarkerKind::Deal(deal.product_id.clone()),
                ServerMsg::Gifted { streak, .. }
                    if streak.count == 1 && is_large(gifts, &streak.gift_id) =>
                {
                    MarkerKind::Gift(streak.gift_id.clone())
                }
                _ => return None,
            };
            Some(Marker { at: *at, kind })
        })
        .collect()
}

/// Activity of one [`MOMENT_WINDOW_MS`] window.
#[derive(Clone, Default)]
struct Activity {
    chat: u64,
    likes: u64,
    gift_coins: u64,
    tags: u64,
    /// The product of a flash deal started in the window, the last one.
    deal: Option<String>,
    /// The product on screen in the window, the one pinned last.
    product: Option<String>,
    /// Coins by gift, in the window.
    gifts: Vec<(String, u64)>,
}

impl Activity {
    /// One score: a chat line, 10 likes and 10 gift coins count alike; a tag
    /// pinned counts as 5 lines, so a product shown is a moment worth finding
    /// even in a quiet show.
    fn score(&self) -> u64 {
        self.chat + self.likes / 10 + self.gift_coins / 10 + 5 * self.tags
    }

    fn highlight(&self) -> Highlight {
        let parts = [
            (self.gift_coins / 10, Highlight::Gifts),
            (self.likes / 10, Highlight::Likes),
            (self.chat, Highlight::Chat),
            (5 * self.tags, Highlight::Tag),
        ];
        parts
            .iter()
            .max_by_key(|(score, _)| *score)
            .map_or(Highlight::Chat, |(_, h)| *h)
    }

    /// What the moment is named by: a deal, else the product, else the gift.
    fn about(&self) -> Option<About> {
        let gift = || {
            // why the first of equals: the gift sent first in the window names it.
            let most = self.gifts.iter().map(|(_, coins)| *coins).max()?;
            let (id, _) = self.gifts.iter().find(|(_, coins)| *coins == most)?;
            Some(About::Gift(id.clone()))
        };
        let by_product = self
            .deal
            .clone()
            .map(About::Deal)
            .or_else(|| self.product.clone().map(About::Product));
        match self.highlight() {
            Highlight::Gifts => gift().or(by_product),
            _ => by_product.or_else(gift),
        }
    }
}

/// Up to [`TOP_MOMENTS`] windows of most activity, no two adjacent, by time.
fn top_moments(events: &[(i64, ServerMsg)], gifts: &[Gift]) -> Vec<TopMoment> {
    let Some(&(first, _)) = events.first() else {
        return Vec::new();
    };
    let coins = |id: &str| gifts.iter().find(|g| g.id == id).map_or(0, |g| g.coins);
    let mut windows: std::collections::BTreeMap<i64, Activity> = Default::default();
    let mut likes_before = None;
    let mut streaks: std::collections::HashMap<u64, u32> = Default::default();
    // The product on screen: pinned last and not taken down since.
    let mut on_screen: Vec<String> = Vec::new();
    for (at, event) in events {
        let window = windows.entry((at - first) / MOMENT_WINDOW_MS).or_default();
        if window.product.is_none() {
            window.product = on_screen.last().cloned();
        }
        match event {
            ServerMsg::Chat { messages, .. } => window.chat += messages.len() as u64,
            ServerMsg::Likes { total, .. } => {
                window.likes += total.saturating_sub(likes_before.unwrap_or(*total));
                likes_before = Some(*total);
            }
            ServerMsg::Gifted { streak, .. } => {
                let before = streaks.insert(streak.id, streak.count).unwrap_or(0);
                let taps = streak.count.saturating_sub(before);
                let gained = u64::from(taps) * u64::from(coins(&streak.gift_id));
                window.gift_coins += gained;
                match window
                    .gifts
                    .iter_mut()
                    .find(|(id, _)| *id == streak.gift_id)
                {
                    Some((_, coins)) => *coins += gained,
                    None => window.gifts.push((streak.gift_id.clone(), gained)),
                }
            }
            ServerMsg::Pinned { pin, .. } => {
                window.tags += 1;
                on_screen.retain(|p| *p != pin.product_id);
                on_screen.push(pin.product_id.clone());
                window.product = Some(pin.product_id.clone());
            }
            ServerMsg::Unpinned { product_id, .. } => on_screen.retain(|p| p != product_id),
            ServerMsg::DealStarted { deal, .. } => window.deal = Some(deal.product_id.clone()),
            _ => {}
        }
    }
    let mut ranked: Vec<(i64, Activity)> =
        windows.into_iter().filter(|(_, a)| a.score() > 0).collect();
    ranked.sort_by_key(|(n, a)| (std::cmp::Reverse(a.score()), *n));
    let mut chosen: Vec<(i64, Activity)> = Vec::new();
    for (n, activity) in ranked {
        if chosen.len() == TOP_MOMENTS {
            break;
        }
        if chosen.iter().all(|(c, _)| (c - n).abs() > 1) {
            chosen.push((n, activity));
        }
    }
    chosen.sort_by_key(|(n, _)| *n);
    chosen
        .into_iter()
        .map(|(n, activity)| TopMoment {
            at: (first + n * MOMENT_WINDOW_MS - MOMENT_LEAD_MS).max(first),
            highlight: activity.highlight(),
            about: activity.about(),
        })
        .collect()
}

/// Where a `?t=` link (seconds into the replay, or `1m30s`-style) opens,
/// as milliseconds from the replay's start; `None` when it does not read.
pub fn offset_ms(t: &str) -> Option<i64> {
    let t = t.trim();
    if let Ok(seconds) = t.parse::<u32>() {
        return Some(i64::from(seconds) * 1000);
    }
    let mut total = 0_i64;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        total += n * match c {
            'h' => 3_600_000,
            'm' => 60_000,
            's' => 1_000,
            _ => return None,
        };
    }
    digits.is_empty().then_some(total)
}

#[cfg(test)]
mod tests;
