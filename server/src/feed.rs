//! Chat lines and likes gathered in memory between two ticks of the timeline,
//! and what a snapshot shows of them. Lines wait in `pending` until the tick
//! publishes them as one `Chat` event; only published lines join `recent`, the
//! last [`CHAT_HISTORY`] a `Welcome` carries, so a snapshot and the events after
//! it never miss or repeat a line. Likes are a running total, published when it grew.
//!
//! On servers sharing a show only the leader publishes. The others hand it
//! their lines and keep each in `handed` until they see it published: when
//! another server comes to lead (the leader died with lines unpublished, or
//! none led for a while), they hand it the lines still unseen, which it
//! publishes in `carried` events of their own, each line once.

use std::collections::VecDeque;

use lapak_protocol::{ChatEvent, ChatMessage, Viewer, CHAT_HISTORY, CHAT_LINES_PER_TICK};

/// One show's chat and likes.
#[derive(Default)]
pub struct Feed {
    /// Id of the last line written.
    last_id: u64,
    /// Lines since the last flush, at most [`CHAT_LINES_PER_TICK`] (the oldest go first).
    pending: VecDeque<ChatMessage>,
    /// The last [`CHAT_HISTORY`] published lines, oldest first.
    recent: VecDeque<ChatMessage>,
    /// Likes so far, and as last published.
    likes: u64,
    published_likes: u64,
    /// This server's slot in the chat ids, when servers share the show (see [`Feed::share`]).
    slot: Option<u64>,
    /// Lines handed to the show's leader and not seen published yet, with
    /// when (server ms), oldest first: handed again to the next leader.
    handed: VecDeque<(ChatMessage, i64)>,
    /// Lines handed over at a change of leader, published in an event of
    /// their own before the new ones', [`CHAT_LINES_PER_TICK`] a flush.
    carried: VecDeque<ChatMessage>,
    /// Ids of the lines last published or removed, oldest first (at most
    /// [`KNOWN_IDS`]): a line handed over again is published once, if at all.
    published_ids: VecDeque<u64>,
}

/// How long a line handed to the leader is kept for the next one: longer than
/// a leader takes to replace a dead one, shorter than a chat line stays news.
const HANDED_MS: i64 = 10_000;
/// Lines kept for the next leader, and lines carried over, at most: the most
/// a show publishes in [`HANDED_MS`] (five ticks a second); the oldest go first.
const MAX_HANDED: usize = CHAT_LINES_PER_TICK * 5 * 10;
/// Published ids kept to tell a line handed over again: new and carried lines
/// for [`HANDED_MS`] at most, each remembered twice by the leader (at its flush
/// and from the show's stream).
const KNOWN_IDS: usize = 4 * MAX_HANDED;

/// Chat ids of servers that share a show: milliseconds since this date,
/// then [`SLOT_BITS`] bits telling the servers apart.
const SHARED_IDS_SINCE_MS: u64 = 1_767_225_600_000; // 2026-01-01
const SLOT_BITS: u32 = 12;

/// What a flush hands the hub to publish.
pub struct Flushed {
    /// Lines carried over from the last leader, if any, oldest first.
    pub carried: Option<Vec<ChatMessage>>,
    /// New lines, if any.
    pub chat: Option<Vec<ChatMessage>>,
    /// The like total, if it grew.
    pub likes: Option<u64>,
}

impl Feed {
    /// Starts from the likes the show received before (they are counted in the database).
    pub fn new(likes: u64) -> Feed {
        Feed {
            likes,
            published_likes: likes,
            ..Feed::default()
        }
    }

    /// A viewer's line (already checked and masked), with the next id; it
    /// waits for [`post`](Feed::post), so its sender's answer can carry it first.
    pub fn line(&mut self, from: Viewer, text: String) -> ChatMessage {
        self.next(from, text, None)
    }

    /// A line the server writes about a viewer; not published before [`post`](Feed::post).
    pub fn announcement(&mut self, from: Viewer, event: ChatEvent) -> ChatMessage {
        self.next(from, String::new(), Some(event))
    }

    /// A line for the next flush, which carries at most [`CHAT_LINES_PER_TICK`]
    /// (the oldest go first).
    pub fn post(&mut self, line: ChatMessage) {
        if self.pending.len() == CHAT_LINES_PER_TICK {
            self.pending.pop_front();
        }
        self.pending.push_back(line);
    }

    /// Lines written from now on get ids no other server sharing the show
    /// gives: the time, then `slot` (the low bits of the server's random
    /// instance), so ids still grow with time across servers. They stay below
    /// 2^53 (a JavaScript number's exact range) for 69 years.
    pub fn share(&mut self, slot: u64) {
        self.slot = Some(slot & ((1 << SLOT_BITS) - 1));
    }

    fn next(&mut self, from: Viewer, text: String, event: Option<ChatEvent>) -> ChatMessage {
        self.last_id = match self.slot {
            None => self.last_id + 1,
            Some(slot) => {
                let since = u64::try_from(crate::clock::now_ms()).unwrap_or(0);
                let clock = (since.saturating_sub(SHARED_IDS_SINCE_MS) << SLOT_BITS) | slot;
                clock.max(self.last_id + (1 << SLOT_BITS))
            }
        };
        ChatMessage {
            id: self.last_id,
            from,
            text,
            event,
        }
    }

    /// Removes the lines `which` picks, published or waiting (here, or for
    /// the next leader); their ids.
    pub fn remove(&mut self, which: impl Fn(&ChatMessage) -> bool) -> Vec<u64> {
        let mut ids = Vec::new();
        for lines in [&mut self.pending, &mut self.recent, &mut self.carried] {
            lines.retain(|line| {
                let remove = which(line);
                if remove {
                    ids.push(line.id);
                }
                !remove
            });
        }
        self.handed.retain(|(line, _)| {
            let remove = which(line);
            if remove {
                ids.push(line.id);
            }
            !remove
        });
        ids.sort_unstable();
        ids.dedup();
        // A line removed is never carried back by a server that had not heard.
        for id in &ids {
            self.known(*id);
        }
        ids
    }

    /// A line handed to the show's leader at `now_ms`: kept until it is seen
    /// published, for the next leader should this one not publish it.
    pub fn handed(&mut self, line: ChatMessage, now_ms: i64) {
        if self.handed.len() == MAX_HANDED {
            self.handed.pop_front();
        }
        self.handed.push_back((line, now_ms));
    }

    /// The lines handed to a leader and not seen published, from the last
    /// [`HANDED_MS`] before `now_ms`: what the next leader is handed. Older
    /// ones are let go.
    pub fn unseen(&mut self, now_ms: i64) -> Vec<ChatMessage> {
        self.handed.retain(|(_, at)| now_ms - at < HANDED_MS);
        self.handed.iter().map(|(line, _)| line.clone()).collect()
    }

    /// This server comes to lead: the lines it handed to the last leader and
    /// has not seen published are carried over.
    pub fn lead(&mut self, now_ms: i64) {
        let unseen = self.unseen(now_ms);
        self.handed.clear();
        self.carry(unseen);
    }

    /// This server no longer leads: what it had not published yet is handed
    /// to the next leader; the lines to hand it, from `now_ms`.
    pub fn follow(&mut self, now_ms: i64) -> Vec<ChatMessage> {
        let waiting: Vec<ChatMessage> = self
            .carried
            .drain(..)
            .chain(self.pending.drain(..))
            .collect();
        for line in waiting {
            self.handed(line, now_ms);
        }
        self.unseen(now_ms)
    }

    /// Lines handed over at a change of leader, for the flushes to come; a
    /// line already published or waiting is not taken twice.
    pub fn carry(&mut self, lines: Vec<ChatMessage>) {
        for line in lines {
            let known = self.published_ids.contains(&line.id)
                || self.pending.iter().any(|waiting| waiting.id == line.id)
                || self.carried.iter().any(|waiting| waiting.id == line.id);
            if known {
                continue;
            }
            if self.carried.len() == MAX_HANDED {
                self.carried.pop_front();
            }
            self.carried.push_back(line);
        }
    }

    /// Likes tapped.
    pub fn like(&mut self, count: u32) {
        self.likes = self.likes.saturating_add(u64::from(count));
    }

    /// The published lines and like total, for a snapshot.
    pub fn snapshot(&self) -> (Vec<ChatMessage>, u64) {
        (self.recent.iter().cloned().collect(), self.published_likes)
    }

    /// What gathered since the last flush; it counts as published from now
    /// on. Lines carried over from the last leader go [`CHAT_LINES_PER_TICK`]
    /// a flush, oldest first, beside the new ones.
    pub fn flush(&mut self) -> Flushed {
        let carried = (!self.carried.is_empty()).then(|| {
            let n = self.carried.len().min(CHAT_LINES_PER_TICK);
            let mut lines: Vec<ChatMessage> = self.carried.drain(..n).collect();
            lines.sort_by_key(|line| line.id);
            self.remember(&lines);
            lines
        });
        let chat = (!self.pending.is_empty()).then(|| {
            let mut lines: Vec<ChatMessage> = self.pending.drain(..).collect();
            // A viewer's line is posted after its command commits, so a line
            // announced meanwhile may be ahead of it: everyone sees them by id.
            lines.sort_by_key(|line| line.id);
            self.remember(&lines);
            lines
        });
        let likes = (self.likes != self.published_likes).then_some(self.likes);
        self.published_likes = self.likes;
        Flushed {
            carried,
            chat,
            likes,
        }
    }

    /// Published lines join the snapshot, by id; a line already there is not
    /// repeated (the server that published them has them from its flush).
    /// They are no longer kept for the next leader.
    pub fn remember(&mut self, lines: &[ChatMessage]) {
        for line in lines {
            self.known(line.id);
        }
        if !self.handed.is_empty() || !self.carried.is_empty() {
            let published = |id: u64| lines.iter().any(|line| line.id == id);
            self.handed.retain(|(line, _)| !published(line.id));
            self.carried.retain(|line| !published(line.id));
        }
        let new: Vec<ChatMessage> = lines
            .iter()
            .filter(|line| self.recent.iter().all(|kept| kept.id != line.id))
            .cloned()
            .collect();
        self.recent.extend(new);
        self.recent.make_contiguous().sort_by_key(|line| line.id);
        let excess = self.recent.len().saturating_sub(CHAT_HISTORY);
        self.recent.drain(..excess);
    }

    /// Line `id` was published (or removed): not to be carried over again.
    fn known(&mut self, id: u64) {
        if self.published_ids.len() == KNOWN_IDS {
            self.published_ids.pop_front();
        }
        self.published_ids.push_back(id);
    }

    /// The like total as last published.
    pub fn published_total(&self) -> u64 {
        self.published_likes
    }

    /// The like total as published (by this server or another sharing the
    /// show); it is where this server counts on from if it comes to publish.
    pub fn published(&mut self, total: u64) {
        self.published_likes = total;
        self.likes = self.likes.max(total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::viewer;

    fn say(feed: &mut Feed, from: u64, text: String) {
        let line = feed.line(viewer(from), text);
        feed.post(line);
    }

    #[test]
    fn removed_lines_leave_the_snapshot_and_the_next_flush() {
        let mut feed = Feed::new(0);
        for (from, text) in [(1, "one"), (2, "two"), (1, "three")] {
            say(&mut feed, from, text.into());
        }
        feed.flush();
        say(&mut feed, 1, "four".into());
        assert_eq!(feed.remove(|line| line.from.id == 1), vec![1, 3, 4]);
        let texts: Vec<String> = feed.snapshot().0.into_iter().map(|l| l.text).collect();
        assert_eq!(texts, ["two"]);
        assert!(feed.flush().chat.is_none(), "the waiting line is gone too");
        assert!(feed.remove(|line| line.id == 99).is_empty());
    }

    #[test]
    fn lines_wait_for_the_flush_and_a_flood_keeps_the_newest() {
        let mut feed = Feed::new(7);
        say(&mut feed, 1, "hi".into());
        assert!(feed.snapshot().0.is_empty(), "not published yet");
        let flushed = feed.flush();
        assert_eq!(flushed.chat.unwrap()[0].text, "hi");
        assert!(flushed.likes.is_none(), "likes did not grow");
        assert_eq!(feed.snapshot(), (feed.recent.iter().cloned().collect(), 7));
        for n in 0..CHAT_HISTORY + 10 {
            say(&mut feed, 2, format!("{n}"));
        }
        let line = feed.announcement(viewer(3), ChatEvent::JoinedClub);
        feed.post(line);
        let lines = feed.flush().chat.unwrap();
        assert_eq!(lines.len(), CHAT_LINES_PER_TICK);
        let first_kept = CHAT_HISTORY + 10 - (CHAT_LINES_PER_TICK - 1);
        assert_eq!(
            lines[0].text,
            first_kept.to_string(),
            "the oldest were left out"
        );
        assert_eq!(lines.last().unwrap().event, Some(ChatEvent::JoinedClub));
        assert!(lines.windows(2).all(|w| w[0].id < w[1].id));
        assert!(feed.flush().chat.is_none(), "each line is published once");
        for tick in 0..3 {
            for n in 0..CHAT_LINES_PER_TICK {
                say(&mut feed, 4, format!("{tick}.{n}"));
            }
            feed.flush();
        }
        let (recent, _) = feed.snapshot();
        assert_eq!(
            recent.len(),
            CHAT_HISTORY,
            "a snapshot keeps the last lines only"
        );
        assert_eq!(
            recent.last().unwrap().text,
            format!("2.{}", CHAT_LINES_PER_TICK - 1)
        );
    }

    #[test]
    fn a_line_posted_after_a_later_announcement_is_published_in_order() {
        let mut feed = Feed::new(0);
        let line = feed.line(viewer(1), "first".into());
        let announced = feed.announcement(viewer(2), ChatEvent::LevelUp { level: 2 });
        feed.post(announced);
        feed.flush();
        feed.post(line);
        let published = feed.flush().chat.unwrap();
        assert_eq!(published[0].text, "first");
        let (recent, _) = feed.snapshot();
        let ids: Vec<u64> = recent.iter().map(|line| line.id).collect();
        assert_eq!(ids, [1, 2], "a snapshot lists the lines by id");
    }

    #[test]
    fn lines_for_the_next_leader_are_kept_until_published_removed_or_stale_and_carried_once() {
        let mut feed = Feed::new(0);
        let lines: Vec<ChatMessage> = (0..4)
            .map(|n| feed.line(viewer(1), n.to_string()))
            .collect();
        for (line, at) in lines.iter().zip([0, 1, 5_000, 6_000]) {
            feed.handed(line.clone(), at);
        }
        feed.remember(&lines[3..]);
        assert_eq!(feed.remove(|line| line.text == "2"), [lines[2].id]);
        assert!(
            feed.unseen(HANDED_MS + 1).is_empty(),
            "the stale, the published and the removed are let go"
        );
        feed.carry(lines.clone());
        feed.carry(lines.clone());
        let flushed = feed.flush();
        assert_eq!(
            flushed.carried.unwrap(),
            lines[..2],
            "carried once, and neither the published nor the removed"
        );
        assert!(flushed.chat.is_none());
        feed.carry(lines.clone());
        assert!(feed.flush().carried.is_none(), "once published, not again");
    }

    #[test]
    fn likes_are_published_as_a_total_when_it_grew() {
        let mut feed = Feed::new(0);
        feed.like(3);
        feed.like(4);
        assert_eq!(feed.snapshot().1, 0);
        assert_eq!(feed.flush().likes, Some(7));
        assert_eq!(feed.flush().likes, None);
        assert_eq!(feed.snapshot().1, 7);
    }

    #[test]
    fn servers_sharing_a_show_give_lines_distinct_growing_ids_and_remember_each_once() {
        let (mut one, mut two) = (Feed::new(0), Feed::new(0));
        one.share(1);
        two.share(2);
        let lines: Vec<ChatMessage> = (0..3)
            .flat_map(|_| {
                [
                    one.line(viewer(1), "a".into()),
                    two.line(viewer(2), "b".into()),
                ]
            })
            .collect();
        let mut ids: Vec<u64> = lines.iter().map(|l| l.id).collect();
        assert!(ids.iter().all(|id| *id < 1 << 53), "exact in JavaScript");
        assert!(lines.iter().step_by(2).map(|l| l.id).is_sorted());
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 6, "no two lines share an id");
        one.remember(&lines);
        one.remember(&lines);
        assert_eq!(one.snapshot().0.len(), 6, "each line once");
        one.published(40);
        one.like(2);
        assert_eq!(
            one.flush().likes,
            Some(42),
            "counts on from the published total"
        );
    }
}
