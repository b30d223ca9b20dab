//! The show ends while the shopper watches: tags go, the cart and orders
//! stay, and the replay is offered once ready, then opened without a reload.
use super::*;
use lapak_protocol::replay::ReplayInfo;

fn replay_info() -> ReplayInfo {
    ReplayInfo {
        video_url: "/hls/demo/replay.m3u8".into(),
        log_url: "/api/v1/shows/demo/replay/log".into(),
        starts_ms: 1_000,
        ends_ms: 600_000,
        chat: true,
    }
}

fn ended(seq: u64) -> Msg {
    Msg::Server(ServerMsg::OnAir {
        seq,
        state: OnAir::Ended,
    })
}

fn replay_ready(seq: u64) -> Msg {
    Msg::Server(ServerMsg::ReplayReady {
        seq,
        replay: replay_info(),
    })
}

/// A shopper watching the live show, a tag up and a line in the cart.
fn watching() -> State {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::Pinned {
            seq: 11,
            pin: pin("tote"),
        }),
    );
    apply(&mut state, add("c1", "tote", "one"));
    assert!(!state.pins.is_empty());
    state
}

#[test]
fn the_end_takes_the_tags_away_and_keeps_the_cart() {
    let mut state = watching();
    let cart = state.cart_view();
    let effects = apply(&mut state, ended(12));
    assert!(effects.is_empty());
    assert_eq!(state.on_air, OnAir::Ended);
    assert!(has_ended(&state));
    assert!(state.pins.is_empty(), "no tag over an ended show");
    assert_eq!(state.cart_view(), cart, "the cart stays usable");
    assert_eq!(
        state.replay_offer, None,
        "no replay before the server says so"
    );
    // A pin the server still sends after the end does not bring a tag back.
    apply(
        &mut state,
        Msg::Server(ServerMsg::Pinned {
            seq: 13,
            pin: pin("tote"),
        }),
    );
    assert!(state.pins.is_empty());
}

#[test]
fn the_replay_is_offered_once_ready_and_opened_from_its_start() {
    let mut state = watching();
    apply(&mut state, ended(12));
    assert!(apply(&mut state, replay_ready(13)).is_empty());
    assert_eq!(state.replay_offer, Some(replay_info()));
    assert!(!state.replay.is_on(), "offered, not switched to");

    let effects = apply(&mut state, Msg::WatchReplay);
    assert_eq!(
        effects,
        vec![Effect::LoadReplay {
            url: "/api/v1/shows/demo/replay/log".into()
        }]
    );
    assert_eq!(state.replay.info, Some(replay_info()));
    assert_eq!(state.replay.seek.map(|s| s.to_ms), Some(1_000));
    assert_eq!(state.replay_offer, None);
    assert!(!has_ended(&state), "a replay plays");
    assert_eq!(state.cart_view().count(), 1, "the cart is still there");
    // Asking again opens nothing more.
    assert!(apply(&mut state, Msg::WatchReplay).is_empty());
}

#[test]
fn a_reconnect_after_the_end_offers_the_replay_rather_than_switching_to_it() {
    let mut state = watching();
    apply(&mut state, ended(12));
    let ServerMsg::Welcome(mut again) = welcome(20, Cart::default()) else {
        unreachable!()
    };
    again.show.on_air = OnAir::Ended;
    again.show.pins = vec![pin("tote")];
    again.show.replay = Some(replay_info());
    let effects = apply(&mut state, Msg::Server(ServerMsg::Welcome(again)));
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::LoadReplay { .. })));
    assert!(!state.replay.is_on());
    assert_eq!(state.replay_offer, Some(replay_info()));
    assert!(state.pins.is_empty(), "the snapshot's tags stay gone");
}

#[test]
fn a_viewer_already_in_the_replay_is_offered_nothing() {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    let ServerMsg::Welcome(mut first) = welcome(10, Cart::default()) else {
        unreachable!()
    };
    first.show.on_air = OnAir::Ended;
    first.show.replay = Some(replay_info());
    apply(&mut state, Msg::Server(ServerMsg::Welcome(first)));
    assert!(
        state.replay.is_on(),
        "a first visit opens the replay at once"
    );
    apply(&mut state, replay_ready(11));
    assert_eq!(state.replay_offer, None);
}

#[test]
fn a_brand_that_chose_its_shop_or_nothing_after_the_show_is_offered_no_replay() {
    for after in [
        lapak_protocol::AfterShow::Shop {
            url: "https://batik.example/shop".into(),
        },
        lapak_protocol::AfterShow::Nothing,
    ] {
        let mut state = State::default();
        apply(&mut state, Msg::Opened);
        let ServerMsg::Welcome(mut first) = welcome(10, Cart::default()) else {
            unreachable!()
        };
        first.show.after = after.clone();
        apply(&mut state, Msg::Server(ServerMsg::Welcome(first)));
        apply(&mut state, ended(11));
        apply(&mut state, replay_ready(12));
        assert_eq!(state.replay_offer, None, "{after:?}");
        assert!(apply(&mut state, Msg::WatchReplay).is_empty());
        assert_eq!(state.show.as_ref().map(|s| &s.after), Some(&after));
    }
}
