//! The holding rule: tags and deal starts wait for the frame they belong to.
use super::*;

/// Programme time of the show's first frame in these tests.
const T0: i64 = 1_764_748_800_000;

fn pinned(seq: u64, product: &str, x: f32, at: i64) -> Msg {
    Msg::Server(ServerMsg::Pinned {
        seq,
        pin: Pin {
            product_id: product.into(),
            x,
            y: 0.5,
            at,
        },
    })
}

fn unpinned(seq: u64, product: &str, at: i64) -> Msg {
    Msg::Server(ServerMsg::Unpinned {
        seq,
        product_id: product.into(),
        at,
    })
}

fn tags(state: &State) -> Vec<(&str, f32)> {
    state
        .pins
        .iter()
        .map(|p| (p.product_id.as_str(), p.x))
        .collect()
}

/// A viewer whose picture shows programme time `playhead`.
fn watching(playhead: i64) -> State {
    let mut state = live();
    apply(&mut state, Msg::Playhead(Some(playhead)));
    state
}

/// The first playhead (10 ms frames) at which `product` is tagged.
fn first_frame_with(state: &mut State, product: &str, from: i64) -> i64 {
    (from..from + 30_000)
        .step_by(10)
        .find(|&t| {
            apply(state, Msg::Playhead(Some(t)));
            state.pins.iter().any(|p| p.product_id == product)
        })
        .expect("the tag shows")
}

#[test]
fn viewers_at_different_delays_see_a_tag_on_the_same_frame() {
    let pin_at = T0 + 20_000;
    // The pin reaches both viewers at once, while their pictures are 3 s and 12 s behind.
    let mut near = watching(pin_at - 3_000);
    let mut far = watching(pin_at - 12_000);
    for state in [&mut near, &mut far] {
        apply(state, pinned(11, "shirt", 0.4, pin_at));
        assert_eq!(
            tags(state),
            [("tote", 0.5)],
            "held: the picture is not there yet"
        );
    }
    assert_eq!(first_frame_with(&mut near, "shirt", pin_at - 3_000), pin_at);
    assert_eq!(first_frame_with(&mut far, "shirt", pin_at - 12_000), pin_at);
}

#[test]
fn without_a_programme_clock_every_change_shows_at_once() {
    let mut state = live();
    apply(&mut state, pinned(11, "shirt", 0.4, T0 + 60_000));
    assert_eq!(tags(&state), [("tote", 0.5), ("shirt", 0.4)]);
}

#[test]
fn a_late_joiner_gets_the_tags_of_its_own_moment() {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    let ServerMsg::Welcome(mut welcome) = welcome(10, Cart::default()) else {
        unreachable!()
    };
    // Live now: the tote was unpinned and the shirt pinned, 5 s and 2 s ago.
    welcome.show.tag_log = vec![
        TagChange {
            at: T0 + 25_000,
            product_id: "tote".into(),
            pin: None,
        },
        TagChange {
            at: T0 + 28_000,
            product_id: "shirt".into(),
            pin: Some(Pin {
                product_id: "shirt".into(),
                x: 0.2,
                y: 0.3,
                at: T0 + 28_000,
            }),
        },
    ];
    // The player starts 8 s behind the server's now, before either change.
    apply(&mut state, Msg::Playhead(Some(T0 + 22_000)));
    apply(&mut state, Msg::Server(ServerMsg::Welcome(welcome)));
    assert_eq!(tags(&state), [("tote", 0.5)]);
    apply(&mut state, Msg::Playhead(Some(T0 + 26_000)));
    assert!(tags(&state).is_empty());
    apply(&mut state, Msg::Playhead(Some(T0 + 30_000)));
    assert_eq!(tags(&state), [("shirt", 0.2)]);
}

#[test]
fn seeking_back_shows_the_tags_of_that_moment() {
    let mut state = watching(T0 + 10_000);
    apply(&mut state, pinned(11, "shirt", 0.4, T0 + 12_000));
    apply(&mut state, pinned(12, "shirt", 0.6, T0 + 14_000)); // moved
    apply(&mut state, unpinned(13, "tote", T0 + 16_000));
    apply(&mut state, Msg::Playhead(Some(T0 + 17_000)));
    assert_eq!(tags(&state), [("shirt", 0.6)]);
    apply(&mut state, Msg::Playhead(Some(T0 + 13_000)));
    assert_eq!(tags(&state), [("tote", 0.5), ("shirt", 0.4)]);
    apply(&mut state, Msg::Playhead(Some(T0 + 11_000)));
    assert_eq!(tags(&state), [("tote", 0.5)]);
}

#[test]
fn only_frames_that_cross_a_change_need_the_store() {
    let mut state = watching(T0 + 10_000);
    apply(&mut state, pinned(11, "shirt", 0.4, T0 + 12_000));
    let picture = &state.picture;
    assert!(!picture.changes_at(Some(T0 + 11_990), &state.deals));
    assert!(picture.changes_at(Some(T0 + 12_000), &state.deals));
    assert!(
        picture.changes_at(None, &state.deals),
        "the clock went away"
    );
    apply(&mut state, Msg::Playhead(Some(T0 + 12_500)));
    assert!(
        state.picture.changes_at(Some(T0 + 11_000), &state.deals),
        "seek back"
    );
    assert!(!state.picture.changes_at(Some(T0 + 13_000), &state.deals));
}

#[test]
fn the_log_keeps_what_a_viewer_behind_live_needs_and_no_more() {
    let mut state = watching(T0);
    for i in 0..400u64 {
        let at = T0 + i as i64 * 1_000;
        let x = (i % 10) as f32 / 10.0;
        apply(&mut state, pinned(11 + i, "shirt", x, at));
    }
    let log = &state.picture.log;
    assert!(log.len() <= 91, "{} changes kept", log.len());
    assert!(log.first().unwrap().at >= T0 + 399_000 - lapak_protocol::TAG_LOG_MS);
    apply(&mut state, Msg::Playhead(Some(T0 + 350_500)));
    assert_eq!(tags(&state), [("tote", 0.5), ("shirt", 0.0)]);
}

#[test]
fn a_deal_is_announced_when_the_picture_reaches_its_start_and_priced_at_once() {
    let mut state = watching(T0 + 5_000);
    let mut started = deal(8);
    started.starts_at_ms = T0 + 8_000;
    started.ends_at_ms = T0 + 60_000;
    apply(
        &mut state,
        Msg::Server(ServerMsg::DealStarted {
            seq: 11,
            deal: started.clone(),
        }),
    );
    assert_eq!(state.held_deals, [started.id.clone()]);
    assert_eq!(
        state.deals,
        [started.clone()],
        "the server prices by its deals"
    );
    assert!(state.picture.changes_at(Some(T0 + 8_000), &state.deals));
    apply(&mut state, Msg::Playhead(Some(T0 + 8_000)));
    assert!(state.held_deals.is_empty());
}
