use proptest::prelude::*;

use super::*;
use crate::{Money, Viewer};

fn viewer(id: u64) -> Viewer {
    Viewer {
        id,
        name: format!("viewer {id}"),
        club: None,
        badge: None,
    }
}

fn pinned(product: &str, x: f32) -> ServerMsg {
    ServerMsg::Pinned {
        seq: 0,
        pin: Pin {
            product_id: product.into(),
            x,
            y: 0.5,
            at: 0,
        },
    }
}

fn unpinned(product: &str) -> ServerMsg {
    ServerMsg::Unpinned {
        seq: 0,
        product_id: product.into(),
        at: 0,
    }
}

fn chat(id: u64) -> ServerMsg {
    ServerMsg::Chat {
        seq: 0,
        messages: vec![ChatMessage {
            id,
            from: viewer(id % 3),
            text: format!("line {id}"),
            event: None,
        }],
    }
}

fn gifted(id: u64, gift: &str, count: u32) -> ServerMsg {
    ServerMsg::Gifted {
        seq: 0,
        streak: GiftStreak {
            id,
            from: viewer(id),
            gift_id: gift.into(),
            count,
        },
    }
}

fn deal_started(id: &str, product: &str) -> ServerMsg {
    ServerMsg::DealStarted {
        seq: 0,
        deal: Deal {
            id: id.into(),
            product_id: product.into(),
            price: Money {
                minor: 100,
                currency: "IDR".into(),
            },
            starts_at_ms: 0,
            ends_at_ms: 1,
            quantity: 5,
            remaining: 5,
            per_buyer: 1,
        },
    }
}

fn gifts() -> Vec<Gift> {
    let gift = |id: &str, coins, tier| Gift {
        id: id.into(),
        name: id.into(),
        names: Default::default(),
        image_url: String::new(),
        coins,
        tier,
    };
    vec![
        gift("rose", 1, GiftTier::Small),
        gift("rocket", 500, GiftTier::Large),
    ]
}

fn index(events: Vec<(i64, ServerMsg)>) -> ReplayIndex {
    ReplayIndex::build(
        ReplayLog {
            starts_ms: 0,
            ends_ms: 1_000_000,
            events,
        },
        &gifts(),
    )
}

/// The reference: every event up to `at`, folded one by one from the start.
fn folded(events: &[(i64, ServerMsg)], at: i64) -> Moment {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|(t, _)| *t);
    let mut moment = Moment::default();
    for (t, event) in sorted.iter().filter(|(t, _)| *t <= at) {
        moment.apply(*t, event);
    }
    moment
}

fn event() -> impl Strategy<Value = ServerMsg> {
    let product = prop::sample::select(vec!["tote", "coffee", "jar"]);
    prop_oneof![
        (product.clone(), 0.0_f32..1.0).prop_map(|(p, x)| pinned(p, x)),
        product.clone().prop_map(unpinned),
        (0_u64..10_000).prop_map(chat),
        (0_u64..10_000).prop_map(|n| ServerMsg::ChatRemoved {
            seq: 0,
            ids: vec![n, n + 1]
        }),
        (0_u64..100_000).prop_map(|total| ServerMsg::Likes { seq: 0, total }),
        (0_u32..5_000).prop_map(|count| ServerMsg::ViewerCount { seq: 0, count }),
        (0_u64..6, 1_u32..20).prop_map(|(id, n)| gifted(id, "rose", n)),
        (prop::sample::select(vec!["d1", "d2"]), product.clone())
            .prop_map(|(d, p)| deal_started(d, p)),
        (prop::sample::select(vec!["d1", "d2"]), 0_u32..5).prop_map(|(d, remaining)| {
            ServerMsg::DealChanged {
                seq: 0,
                deal_id: d.into(),
                remaining,
            }
        }),
        prop::sample::select(vec!["d1", "d2"]).prop_map(|d| ServerMsg::DealEnded {
            seq: 0,
            deal_id: d.into(),
            stopped: false,
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The index's state at any moment is every event up to it, folded from
    /// the start: keyframes only save work.
    #[test]
    fn the_state_at_a_moment_is_every_event_up_to_it(
        events in prop::collection::vec((0_i64..200_000, event()), 0..600),
        moments in prop::collection::vec(-1_000_i64..210_000, 1..40),
    ) {
        let replay = index(events.clone());
        for at in moments {
            prop_assert_eq!(replay.at(at), folded(&events, at), "at {}", at);
        }
    }
}

#[test]
fn a_flood_of_events_at_one_time_keeps_them_together() {
    // 5,000 events within 2 ms: keyframes fall between times, never inside one.
    let events: Vec<_> = (0..5_000)
        .map(|n| (1_000 + n % 2, chat(n as u64)))
        .collect();
    let replay = index(events.clone());
    for at in [999, 1_000, 1_001, 1_002] {
        assert_eq!(replay.at(at), folded(&events, at));
    }
    assert!(replay.keyframes.len() <= 3);
}

#[test]
fn seeking_far_applies_only_the_events_since_a_keyframe() {
    // A 3-hour show, an event every 100 ms: keyframes every 30 s.
    let events: Vec<_> = (0..108_000_i64)
        .map(|n| (n * 100, chat(n as u64)))
        .collect();
    let replay = index(events);
    assert!(replay.keyframes.len() >= 360);
    let k = replay
        .keyframes
        .partition_point(|(t, _, _)| *t <= 7_200_000)
        - 1;
    let (_, from, _) = &replay.keyframes[k];
    let applied = replay.events[*from..]
        .iter()
        .take_while(|(t, _)| *t <= 7_200_000)
        .count();
    assert!(applied <= 301, "{applied} events applied for one seek");
    assert_eq!(replay.at(7_200_000).chat.last().unwrap().id, 72_000);
}

#[test]
fn chapters_follow_the_first_pin_of_each_product() {
    let replay = index(vec![
        (1_000, pinned("tote", 0.2)),
        (5_000, pinned("tote", 0.3)),
        (9_000, pinned("coffee", 0.5)),
        (12_000, unpinned("tote")),
        (20_000, pinned("tote", 0.4)),
    ]);
    let chapters: Vec<_> = replay
        .chapters
        .iter()
        .map(|c| (c.product_id.as_str(), c.at))
        .collect();
    assert_eq!(chapters, [("tote", 1_000), ("coffee", 9_000)]);
    // A move is no new marker; pinned again after an unpin is.
    let tags: Vec<_> = replay.markers.iter().map(|m| m.at).collect();
    assert_eq!(tags, [1_000, 9_000, 20_000]);
    assert_eq!(replay.tag_log.len(), 5);
    assert_eq!(tags_at(&[], &replay.tag_log, 12_500).len(), 1);
}

#[test]
fn markers_carry_deals_and_large_gifts_only() {
    let replay = index(vec![
        (1_000, deal_started("d1", "tote")),
        (2_000, gifted(1, "rose", 1)),
        (3_000, gifted(2, "rocket", 1)),
        (3_200, gifted(2, "rocket", 2)),
    ]);
    assert_eq!(
        replay.markers,
        [
            Marker {
                at: 1_000,
                kind: MarkerKind::Deal("tote".into())
            },
            Marker {
                at: 3_000,
                kind: MarkerKind::Gift("rocket".into())
            },
        ]
    );
}

#[test]
fn the_lane_holds_streaks_that_grew_lately() {
    let replay = index(vec![
        (1_000, gifted(1, "rose", 1)),
        (2_000, gifted(2, "rose", 1)),
        (7_500, gifted(2, "rose", 2)),
    ]);
    let lane = |at| -> Vec<(u64, u32)> {
        replay
            .at(at)
            .lane_at(at)
            .iter()
            .map(|s| (s.id, s.count))
            .collect()
    };
    assert_eq!(lane(2_500), [(1, 1), (2, 1)]);
    assert_eq!(lane(7_100), []);
    assert_eq!(lane(7_500), [(2, 2)]);
}

#[test]
fn top_moments_are_the_busiest_windows_apart_by_time() {
    let mut events = Vec::new();
    // A quiet minute with one chat line every 10 s, then bursts.
    for n in 0..6 {
        events.push((n * 10_000, chat(n as u64)));
    }
    for n in 0..40 {
        events.push((100_000 + n * 100, chat(100 + n as u64)));
    }
    // A second burst right after the first is the same moment.
    for n in 0..30 {
        events.push((110_000 + n * 100, chat(200 + n as u64)));
    }
    events.push((200_000, ServerMsg::Likes { seq: 0, total: 0 }));
    events.push((201_000, ServerMsg::Likes { seq: 0, total: 900 }));
    events.push((300_000, gifted(9, "rocket", 1)));
    events.push((400_000, pinned("tote", 0.5)));
    let replay = index(events);
    let moments: Vec<_> = replay.moments.iter().map(|m| (m.at, m.highlight)).collect();
    assert_eq!(
        moments,
        [
            // The quiet start is the fifth; a moment never opens before the show.
            (0, Highlight::Chat),
            (100_000 - MOMENT_LEAD_MS, Highlight::Chat),
            (200_000 - MOMENT_LEAD_MS, Highlight::Likes),
            (300_000 - MOMENT_LEAD_MS, Highlight::Gifts),
            (400_000 - MOMENT_LEAD_MS, Highlight::Tag),
        ]
    );
}

#[test]
fn a_top_moment_is_named_by_its_deal_its_product_on_screen_or_its_gift() {
    let mut events = vec![(0, pinned("tote", 0.5))];
    // Chat about the tote, which is still up 100 s later.
    for n in 0..30 {
        events.push((100_000 + n * 100, chat(n as u64)));
    }
    // A deal on the scarf starts while the chat is busy.
    events.push((200_000, pinned("scarf", 0.3)));
    events.push((200_500, deal_started("d1", "scarf")));
    for n in 0..30 {
        events.push((201_000 + n * 100, chat(100 + n as u64)));
    }
    // Nothing is up any more; gifts pour in, rockets worth the most.
    events.push((250_000, unpinned("tote")));
    events.push((250_000, unpinned("scarf")));
    events.push((300_000, gifted(1, "rose", 5)));
    events.push((300_500, gifted(2, "rocket", 1)));
    let replay = index(events);
    let about: Vec<_> = replay
        .moments
        .iter()
        .map(|m| (m.at.max(0) / 100_000, m.about.clone()))
        .collect();
    assert_eq!(
        about,
        [
            (0, Some(About::Product("tote".into()))),
            (0, Some(About::Product("tote".into()))),
            (1, Some(About::Deal("scarf".into()))),
            (2, Some(About::Gift("rocket".into()))),
        ]
    );
}

#[test]
fn the_viewers_decoder_reads_a_log_as_the_derived_one_does() {
    let log = ReplayLog {
        starts_ms: 1_000,
        ends_ms: 9_000,
        events: vec![
            (1_000, pinned("tote", 0.25)),
            (2_000, chat(7)),
            (3_000, gifted(1, "rocket", 2)),
            (4_000, deal_started("d1", "tote")),
        ],
    };
    let text = serde_json::to_string(&log).unwrap();
    assert_eq!(ReplayLog::from_json(&text).unwrap(), log);
    assert_eq!(serde_json::from_str::<ReplayLog>(&text).unwrap(), log);
    assert!(ReplayLog::from_json(r#"{"starts_ms":0,"ends_ms":1,"events":[[0,7]]}"#).is_err());
}

#[test]
fn a_link_offset_reads_seconds_or_minutes() {
    assert_eq!(offset_ms("90"), Some(90_000));
    assert_eq!(offset_ms("1m30s"), Some(90_000));
    assert_eq!(offset_ms("1h2m"), Some(3_720_000));
    assert_eq!(offset_ms("abc"), None);
    assert_eq!(offset_ms("1m30"), None);
    assert_eq!(offset_ms("-5"), None);
}

#[test]
fn changes_between_says_whether_an_event_lies_between() {
    let replay = index(vec![(1_000, chat(1)), (2_000, chat(2))]);
    assert!(replay.changes_between(0, 1_000));
    assert!(!replay.changes_between(1_000, 1_999));
    assert!(replay.changes_between(1_999, 2_000));
    assert!(replay.changes_between(2_000, 500), "a seek back");
    assert!(!replay.changes_between(2_000, 9_000));
}

use crate::tags_at;
