//! Gathering gift taps into streaks and totals, in memory, between two ticks of
//! the timeline. A tap continues its sender's streak of that gift when the
//! streak's last tap was less than [`COMBO_WINDOW_MS`] ago, else it starts a new
//! streak; each flush hands out the streaks that grew since the last one, once
//! each, and forgets those that can no longer grow. Totals per viewer feed the
//! leaderboard; only gifters are kept, not every viewer.

use std::cmp::Reverse;
use std::collections::HashMap;

use lapak_protocol::{GiftStreak, Gifter, Viewer, COMBO_WINDOW_MS, LEADERBOARD_SIZE};

/// One acknowledged `SendGift`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Tap {
    /// Who sent it.
    pub from: Viewer,
    /// What.
    pub gift_id: String,
    /// How many.
    pub count: u32,
    /// Coins it cost in all.
    pub coins: u64,
    /// The streak's id if this tap starts one: the tap's ledger transaction, unique and never reused.
    pub id: u64,
    /// Server time of the tap, Unix milliseconds.
    pub at_ms: i64,
}

/// A streak that may still grow.
struct Growing {
    streak: GiftStreak,
    last_tap_ms: i64,
    /// Grew since the last flush.
    grown: bool,
}

/// Streaks and totals of one show.
#[derive(Default)]
pub struct Streaks {
    growing: HashMap<(u64, String), Growing>,
    /// Streaks that ended (a new one replaced them) before their growth was flushed.
    ended: Vec<GiftStreak>,
    totals: HashMap<u64, Gifter>,
    top: Vec<Gifter>,
}

impl Streaks {
    /// Starts from the coins each viewer has already sent in the show.
    pub fn new(gifters: Vec<Gifter>) -> Streaks {
        let mut streaks = Streaks::default();
        for gifter in gifters {
            streaks.count(gifter);
        }
        streaks
    }

    /// Records a tap.
    pub fn tap(&mut self, tap: Tap) {
        let key = (tap.from.id, tap.gift_id.clone());
        match self.growing.get_mut(&key) {
            Some(open) if tap.at_ms - open.last_tap_ms < COMBO_WINDOW_MS => {
                open.streak.count = open.streak.count.saturating_add(tap.count);
                open.last_tap_ms = tap.at_ms;
                open.grown = true;
            }
            _ => {
                let started = Growing {
                    streak: GiftStreak {
                        id: tap.id,
                        from: tap.from.clone(),
                        gift_id: tap.gift_id,
                        count: tap.count,
                    },
                    last_tap_ms: tap.at_ms,
                    grown: true,
                };
                if let Some(ended) = self.growing.insert(key, started) {
                    if ended.grown {
                        self.ended.push(ended.streak);
                    }
                }
            }
        }
        self.count(Gifter {
            viewer: tap.from,
            coins: tap.coins,
        });
    }

    /// Adds to a viewer's total and keeps the top in rank order.
    fn count(&mut self, gift: Gifter) {
        let total = self.totals.entry(gift.viewer.id).or_insert_with(|| Gifter {
            viewer: gift.viewer,
            coins: 0,
        });
        total.coins = total.coins.saturating_add(gift.coins);
        // Totals only grow, so only the viewer who just gave can enter or move up.
        let total = total.clone();
        self.top.retain(|g| g.viewer.id != total.viewer.id);
        self.top.push(total);
        self.top.sort_by_key(|g| (Reverse(g.coins), g.viewer.id));
        self.top.truncate(LEADERBOARD_SIZE);
    }

    /// The streaks that began or grew since the last flush, oldest first, and
    /// forgets the streaks whose window has closed by server time `now_ms`.
    pub fn flush(&mut self, now_ms: i64) -> Vec<GiftStreak> {
        let mut grown = std::mem::take(&mut self.ended);
        for open in self.growing.values_mut().filter(|g| g.grown) {
            open.grown = false;
            grown.push(open.streak.clone());
        }
        self.growing
            .retain(|_, open| now_ms - open.last_tap_ms < COMBO_WINDOW_MS);
        grown.sort_by_key(|s| s.id);
        grown
    }

    /// The top gifters, most coins first (ties: the earlier viewer first).
    pub fn top(&self) -> &[Gifter] {
        &self.top
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::viewer;

    fn tap(from: u64, gift: &str, id: u64, at_ms: i64) -> Tap {
        Tap {
            from: viewer(from),
            gift_id: gift.into(),
            count: 1,
            coins: 10,
            id,
            at_ms,
        }
    }

    fn counts(streaks: &[GiftStreak]) -> Vec<(u64, u64, &str, u32)> {
        streaks
            .iter()
            .map(|s| (s.id, s.from.id, s.gift_id.as_str(), s.count))
            .collect()
    }

    #[test]
    fn taps_within_the_window_grow_one_streak_flushed_once_per_tick() {
        let mut streaks = Streaks::default();
        for (i, at) in [0, 100, 250].into_iter().enumerate() {
            streaks.tap(tap(1, "rose", 10 + i as u64, at));
        }
        assert_eq!(counts(&streaks.flush(300)), [(10, 1, "rose", 3)]);
        assert!(streaks.flush(400).is_empty(), "nothing grew since");
        streaks.tap(tap(1, "rose", 13, 250 + COMBO_WINDOW_MS - 1));
        assert_eq!(
            counts(&streaks.flush(250 + COMBO_WINDOW_MS)),
            [(10, 1, "rose", 4)],
            "the window runs from the last tap"
        );
    }

    #[test]
    fn a_tap_after_the_window_starts_a_new_streak_and_others_keep_their_own() {
        let mut streaks = Streaks::default();
        streaks.tap(tap(1, "rose", 1, 0));
        streaks.tap(tap(1, "coffee", 2, 10));
        streaks.tap(tap(2, "rose", 3, 20));
        assert_eq!(
            counts(&streaks.flush(100)),
            [(1, 1, "rose", 1), (2, 1, "coffee", 1), (3, 2, "rose", 1)]
        );
        streaks.tap(tap(1, "rose", 4, COMBO_WINDOW_MS));
        assert_eq!(
            counts(&streaks.flush(COMBO_WINDOW_MS + 100)),
            [(4, 1, "rose", 1)]
        );
    }

    #[test]
    fn a_streak_replaced_before_a_flush_is_still_reported() {
        let mut streaks = Streaks::default();
        streaks.tap(tap(1, "rose", 1, 0));
        streaks.tap(tap(1, "rose", 2, COMBO_WINDOW_MS + 5));
        assert_eq!(
            counts(&streaks.flush(COMBO_WINDOW_MS + 10)),
            [(1, 1, "rose", 1), (2, 1, "rose", 1)]
        );
    }

    #[test]
    fn memory_is_bounded_by_the_window() {
        let mut streaks = Streaks::default();
        for viewer in 0..1_000 {
            streaks.tap(tap(viewer, "rose", viewer, 0));
        }
        assert_eq!(streaks.flush(COMBO_WINDOW_MS - 1).len(), 1_000);
        assert_eq!(streaks.growing.len(), 1_000, "all could still grow");
        assert!(streaks.flush(COMBO_WINDOW_MS).is_empty());
        assert!(streaks.growing.is_empty(), "closed streaks are forgotten");
    }

    #[test]
    fn the_top_ranks_totals_starting_from_the_ledger() {
        let gifter = |id, coins| Gifter {
            viewer: viewer(id),
            coins,
        };
        let earlier: Vec<Gifter> = (1..=12).map(|id| gifter(id, id * 100)).collect();
        let mut streaks = Streaks::new(earlier);
        let ids = |s: &Streaks| s.top().iter().map(|g| g.viewer.id).collect::<Vec<_>>();
        assert_eq!(ids(&streaks), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
        // Viewer 1 (100 coins) sends 2,000 more and tops the board; 3 drops off.
        streaks.tap(Tap {
            coins: 2_000,
            ..tap(1, "rocket", 50, 0)
        });
        assert_eq!(ids(&streaks), [1, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
        assert_eq!(streaks.top()[0].coins, 2_100);
        // Viewer 2 reaches 400, as much as viewer 4: the lower id ranks first.
        streaks.tap(Tap {
            coins: 200,
            ..tap(2, "rose", 51, 0)
        });
        assert_eq!(streaks.top().len(), LEADERBOARD_SIZE);
        assert_eq!(ids(&streaks)[8..], [5, 2]);
    }
}
