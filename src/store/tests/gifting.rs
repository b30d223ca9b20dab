//! Coins and gifts in the reducer.
use super::*;
use lapak_protocol::{Card, GiftStreak, Gifter, COMBO_WINDOW_MS};

fn tap(id: &str, gift_id: &str, now_ms: i64) -> Msg {
    Msg::SendGift {
        id: id.into(),
        gift_id: gift_id.into(),
        now_ms,
    }
}

fn ack(id: &str, coins: u64) -> Msg {
    Msg::Server(ServerMsg::Ack {
        id: id.into(),
        cart: None,
        order: None,
        wallet: Some(Wallet {
            coins,
            ..Wallet::default()
        }),
        chat: None,
    })
}

fn reject(id: &str, code: RejectCode) -> Msg {
    Msg::Server(ServerMsg::Reject {
        id: id.into(),
        code,
        message: String::new(),
    })
}

fn streak(id: u64, from: u64, gift_id: &str, count: u32) -> GiftStreak {
    GiftStreak {
        id,
        from: Viewer {
            id: from,
            name: format!("user{from}"),
            ..Viewer::default()
        },
        gift_id: gift_id.into(),
        count,
    }
}

fn gifted(state: &mut State, s: GiftStreak) {
    let seq = state.seq + 1;
    apply(state, Msg::Server(ServerMsg::Gifted { seq, streak: s }));
}

fn card() -> Card {
    Card {
        number: "4242 4242 4242 4242".into(),
        expiry: "12/30".into(),
        cvc: "123".into(),
    }
}

#[test]
fn a_tap_spends_at_once_and_the_server_wallet_confirms_it() {
    let mut state = live();
    assert_eq!(state.balance(), 5);
    let effects = apply(&mut state, tap("g1", "rose", 1_000));
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::SendGift {
            id: "g1".into(),
            gift_id: "rose".into(),
            count: 1,
            coins: 1,
        })]
    );
    assert_eq!(state.balance(), 4, "optimistic");
    apply(&mut state, tap("g2", "rose", 1_200));
    assert_eq!(state.balance(), 3);
    apply(&mut state, ack("g1", 4));
    assert_eq!(state.balance(), 3, "g2 is still in flight");
    apply(&mut state, ack("g2", 3));
    assert!(state.outbox.is_empty());
    assert_eq!(state.balance(), 3);
}

#[test]
fn the_combo_grows_within_the_window_and_starts_over_after_it() {
    let mut state = live();
    apply(&mut state, tap("g1", "rose", 1_000));
    apply(&mut state, tap("g2", "rose", 1_000 + COMBO_WINDOW_MS - 1));
    apply(&mut state, tap("g3", "rose", 1_000 + COMBO_WINDOW_MS + 500));
    assert_eq!(state.gifting.combo.as_ref().map(|c| c.count), Some(3));
    let until = state.gifting.combo.as_ref().unwrap().until_ms;
    apply(&mut state, Msg::Tick { now_ms: until - 1 });
    assert!(state.gifting.combo.is_some());
    apply(&mut state, Msg::Tick { now_ms: until });
    assert_eq!(state.gifting.combo, None, "the streak is over");
    apply(&mut state, tap("g4", "rose", until + 10));
    assert_eq!(state.gifting.combo.as_ref().map(|c| c.count), Some(1));
}

#[test]
fn a_gift_the_wallet_cannot_pay_is_refused_here_and_nothing_is_sent() {
    let mut state = live();
    let effects = apply(&mut state, tap("g1", "crown", 1_000));
    assert!(effects.is_empty());
    assert_eq!(state.gifting.refused, Some(RejectCode::InsufficientCoins));
    assert_eq!(state.balance(), 5, "nothing debited");
    assert!(state.outbox.is_empty());
    apply(&mut state, Msg::DismissGiftNotice);
    assert_eq!(state.gifting.refused, None);
}

#[test]
fn a_refused_gift_gives_its_coins_back_and_ends_the_combo() {
    let mut state = live();
    apply(&mut state, tap("g1", "rose", 1_000));
    apply(&mut state, reject("g1", RejectCode::InsufficientCoins));
    assert_eq!(state.balance(), 5);
    assert_eq!(state.gifting.refused, Some(RejectCode::InsufficientCoins));
    assert_eq!(state.gifting.combo, None);
    assert!(
        state.notice.is_none(),
        "gifting explains it in its own panel"
    );
}

#[test]
fn gifts_and_a_top_up_in_flight_are_resent_with_their_ids_after_a_reconnect() {
    let mut state = live();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    assert!(apply(&mut state, tap("g1", "rose", 1_000)).is_empty());
    let paying = Msg::TopUp {
        id: "t1".into(),
        pack_id: "coins-100".into(),
        card: card(),
    };
    assert!(apply(&mut state, paying).is_empty());
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(12, Cart::default())));
    let sent: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(msg) => msg.id(),
            _ => None,
        })
        .collect();
    assert_eq!(sent, ["g1", "t1"]);
}

#[test]
fn a_top_up_sends_the_price_shown_once_and_reports_how_it_ended() {
    let mut state = live();
    let buy = |id: &str| Msg::TopUp {
        id: id.into(),
        pack_id: "coins-100".into(),
        card: card(),
    };
    let effects = apply(&mut state, buy("t1"));
    assert!(matches!(
        &effects[..],
        [Effect::Send(ClientMsg::TopUp { id, pack_id, price, .. })]
            if id == "t1" && pack_id == "coins-100" && *price == idr(1_600_000)
    ));
    assert!(
        apply(&mut state, buy("t2")).is_empty(),
        "a double tap pays once"
    );
    apply(&mut state, ack("t1", 105));
    assert_eq!(state.balance(), 105);
    assert_eq!(
        state.gifting.top_up.outcome,
        Some(TopUpOutcome::Credited(100))
    );

    apply(&mut state, buy("t3"));
    apply(&mut state, reject("t3", RejectCode::PaymentDeclined));
    assert_eq!(
        state.gifting.top_up.outcome,
        Some(TopUpOutcome::Refused(RejectCode::PaymentDeclined))
    );
    assert_eq!(state.balance(), 105);

    apply(&mut state, buy("t4"));
    apply(&mut state, reject("t4", RejectCode::PaymentPending));
    assert_eq!(state.gifting.top_up.outcome, Some(TopUpOutcome::Pending));
    let settled = ServerMsg::WalletChanged {
        wallet: Wallet {
            coins: 205,
            ..Wallet::default()
        },
    };
    apply(&mut state, Msg::Server(settled));
    assert_eq!(state.balance(), 205);
    assert_eq!(state.gifting.top_up.outcome, None);
}

#[test]
fn the_lane_updates_a_streak_in_place_and_stays_bounded_under_a_flood() {
    let mut state = live();
    gifted(&mut state, streak(1, 7, "rose", 1));
    gifted(&mut state, streak(1, 7, "rose", 4));
    assert_eq!(state.gifting.lane.entries.len(), 1);
    assert_eq!(state.gifting.lane.entries[0].streak.count, 4);
    assert!(
        state.gifting.lane.entries[0].mine,
        "viewer 7 is this shopper"
    );
    for id in 2..200 {
        gifted(&mut state, streak(id, 8, "rose", 2));
        gifted(&mut state, streak(id, 8, "rose", 3));
    }
    let lane = &state.gifting.lane;
    assert_eq!(lane.entries.len(), LANE_SLOTS);
    assert!(!lane.entries[1].mine);
    // Streaks 4..200 did not fit: 196 streaks of 3 gifts each, growth counted once.
    assert_eq!(lane.overflow, 196 * 3);
    apply(&mut state, Msg::Tick { now_ms: 10_000 });
    assert_eq!(
        state.gifting.lane.entries.len(),
        LANE_SLOTS,
        "timed from this tick"
    );
    apply(&mut state, Msg::Tick { now_ms: 20_000 });
    assert_eq!(
        state.gifting.lane,
        Lane::default(),
        "all of it leaves in time"
    );
    assert!(!state.gifting.expiring());
}

#[test]
fn a_large_gift_takes_the_spotlight_once_and_small_ones_never() {
    let mut state = live();
    gifted(&mut state, streak(1, 8, "rose", 1));
    assert_eq!(state.gifting.spotlight, None);
    gifted(&mut state, streak(2, 8, "crown", 1));
    assert_eq!(
        state.gifting.spotlight.as_ref().map(|s| s.streak.id),
        Some(2)
    );
    gifted(&mut state, streak(3, 9, "crown", 1));
    assert_eq!(
        state.gifting.spotlight.as_ref().map(|s| s.streak.id),
        Some(2),
        "one at a time; the lane still shows the other"
    );
    apply(&mut state, Msg::Tick { now_ms: 1_000 });
    assert!(state.gifting.spotlight.is_some());
    apply(&mut state, Msg::Tick { now_ms: 10_000 });
    assert_eq!(state.gifting.spotlight, None);
}

#[test]
fn the_leaderboard_follows_the_server() {
    let mut state = live();
    let top = vec![Gifter {
        viewer: Viewer {
            id: 7,
            name: "user123456".into(),
            ..Viewer::default()
        },
        coins: 42,
    }];
    let seq = state.seq + 1;
    apply(
        &mut state,
        Msg::Server(ServerMsg::Leaderboard {
            seq,
            top: top.clone(),
        }),
    );
    assert_eq!(state.gifting.leaderboard, top);
}

#[test]
fn welcome_brings_the_catalogue_the_packs_and_the_wallet() {
    let state = live();
    let gifting = &state.gifting;
    assert_eq!(gifting.catalogue.len(), 2);
    assert_eq!(gifting.packs[0].coins, 100);
    assert_eq!(gifting.wallet.coins, 5);
    assert_eq!(gifting.you.as_ref().map(|v| v.id), Some(7));
}
