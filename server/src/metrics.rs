//! The show's figures minute by minute, as the hub publishes them: viewers
//! (now and at peak), chat lines, likes, adds to cart per product and the
//! products pinned, kept in `show_results` when the show ends. The dashboard
//! adds what the database holds exactly (orders, units, GMV, gifts, watch
//! time: `api::metrics`).

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::db::Conn;
use crate::error::AppError;

/// A minute of the show is kept this long: a day, then the oldest minute goes.
// why: a bound on memory whatever the show's length; the database keeps the totals.
const MINUTES_KEPT: usize = 24 * 60;

const MINUTE_MS: i64 = 60_000;

/// One minute's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minute {
    /// Server time the minute starts, Unix ms.
    pub start_ms: i64,
    /// Most viewers at once in it.
    pub viewers: u32,
    /// Chat lines published.
    pub chat: u32,
    /// Likes received.
    pub likes: u64,
    /// Products whose tag was up at some tick of it.
    pub pinned: Vec<String>,
}

/// The minutes so far, the peak, and adds to cart per product.
#[derive(Debug, Default)]
pub struct Tally {
    minutes: VecDeque<Minute>,
    peak: u32,
    /// The likes total last seen, to count each tick's new likes.
    likes_seen: u64,
    adds: BTreeMap<String, u64>,
}

/// What a tick saw.
pub struct Tick<'a> {
    /// Server time, Unix ms.
    pub now_ms: i64,
    /// Viewers connected.
    pub viewers: u32,
    /// Chat lines published by this tick.
    pub chat: usize,
    /// The show's likes total, when it grew.
    pub likes: Option<u64>,
    /// Products whose tag is up.
    pub pinned: &'a [&'a str],
}

impl Tally {
    /// A tally of a show that received `likes` before.
    pub fn new(likes: u64) -> Tally {
        Tally {
            likes_seen: likes,
            ..Tally::default()
        }
    }

    fn minute(&mut self, now_ms: i64) -> &mut Minute {
        let start_ms = now_ms - now_ms.rem_euclid(MINUTE_MS);
        if self.minutes.back().is_none_or(|m| m.start_ms < start_ms) {
            if self.minutes.len() == MINUTES_KEPT {
                self.minutes.pop_front();
            }
            self.minutes.push_back(Minute {
                start_ms,
                ..Minute::default()
            });
        }
        self.minutes.back_mut().expect("pushed above")
    }

    /// Counts what a tick saw.
    pub fn tick(&mut self, tick: Tick<'_>) {
        let likes = tick.likes.unwrap_or(self.likes_seen);
        let new_likes = likes.saturating_sub(self.likes_seen);
        self.likes_seen = likes;
        self.peak = self.peak.max(tick.viewers);
        let minute = self.minute(tick.now_ms);
        minute.viewers = minute.viewers.max(tick.viewers);
        minute.chat = minute
            .chat
            .saturating_add(u32::try_from(tick.chat).unwrap_or(u32::MAX));
        minute.likes += new_likes;
        for product in tick.pinned {
            if !minute.pinned.iter().any(|p| p == product) {
                minute.pinned.push((*product).to_owned());
            }
        }
    }

    /// Units of `product` added to a cart (an acknowledged command, once).
    pub fn added(&mut self, product: &str, units: u32) {
        *self.adds.entry(product.to_owned()).or_default() += u64::from(units);
    }

    /// Viewers at the peak so far.
    pub fn peak(&self) -> u32 {
        self.peak
    }

    /// The minutes so far, oldest first.
    pub fn minutes(&self) -> Vec<Minute> {
        self.minutes.iter().cloned().collect()
    }

    /// Units added to carts, per product.
    pub fn adds(&self) -> BTreeMap<String, u64> {
        self.adds.clone()
    }
}

/// What the tally saw while a show was live, kept when it ends: its
/// dashboard shows these as its results, also after a restart, and the
/// replay's viewers (who join the same show) add nothing to them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    /// Most viewers at once.
    pub peak: u32,
    /// Minute by minute, oldest first.
    pub minutes: Vec<Minute>,
    /// Units added to carts, per product.
    pub adds: BTreeMap<String, u64>,
}

/// Keeps `kept` as the ended `show`'s tally; a show ended twice keeps the first.
pub async fn keep(conn: &mut Conn, show: &str, kept: &Kept) -> Result<(), AppError> {
    let tally = serde_json::to_string(kept).map_err(|e| AppError::Show(e.to_string()))?;
    sqlx::query(
        "INSERT INTO show_results (show_id, tally) VALUES ($1, $2) ON CONFLICT (show_id) DO NOTHING",
    )
    .bind(show)
    .bind(tally)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The tally kept when `show` ended, if it has.
pub async fn kept(conn: &mut Conn, show: &str) -> Result<Option<Kept>, AppError> {
    let tally: Option<String> =
        sqlx::query_scalar("SELECT tally FROM show_results WHERE show_id = $1")
            .bind(show)
            .fetch_optional(&mut *conn)
            .await?;
    tally
        .map(|t| serde_json::from_str(&t).map_err(|e| AppError::Show(e.to_string())))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(
        tally: &mut Tally,
        now_ms: i64,
        viewers: u32,
        chat: usize,
        likes: u64,
        pinned: &[&str],
    ) {
        tally.tick(Tick {
            now_ms,
            viewers,
            chat,
            likes: Some(likes),
            pinned,
        });
    }

    #[test]
    fn ticks_add_up_per_minute_with_the_peak_and_what_was_pinned() {
        let mut tally = Tally::new(90);
        tick(&mut tally, 60_000, 3, 2, 100, &[]);
        tick(&mut tally, 60_200, 5, 1, 104, &["tote"]);
        tick(&mut tally, 119_999, 4, 0, 110, &["tote"]);
        tick(&mut tally, 120_000, 2, 4, 111, &["mug"]);
        let minutes = tally.minutes();
        assert_eq!(minutes.len(), 2);
        assert_eq!(
            minutes[0],
            Minute {
                start_ms: 60_000,
                viewers: 5,
                chat: 3,
                // 90 before the tally began are not this minute's.
                likes: 20,
                pinned: vec!["tote".into()],
            }
        );
        assert_eq!(
            (minutes[1].viewers, minutes[1].chat, minutes[1].likes),
            (2, 4, 1)
        );
        assert_eq!(minutes[1].pinned, ["mug"]);
        assert_eq!(tally.peak(), 5);
    }

    #[test]
    fn a_day_of_minutes_at_most() {
        let mut tally = Tally::default();
        for minute in 0..(MINUTES_KEPT as i64 + 10) {
            tick(&mut tally, minute * MINUTE_MS, 1, 0, 0, &[]);
        }
        let minutes = tally.minutes();
        assert_eq!(minutes.len(), MINUTES_KEPT);
        assert_eq!(minutes[0].start_ms, 10 * MINUTE_MS);
    }

    #[test]
    fn adds_count_units_per_product() {
        let mut tally = Tally::default();
        tally.added("tote", 2);
        tally.added("mug", 1);
        tally.added("tote", 1);
        assert_eq!(
            tally.adds().into_iter().collect::<Vec<_>>(),
            [("mug".into(), 1), ("tote".into(), 3)]
        );
    }
}
