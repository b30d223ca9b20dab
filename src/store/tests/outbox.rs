//! The one table of commands waiting for an answer: one bound for every kind,
//! one resend after a reconnect, one routing of answers by id.
use super::*;

/// Ids of the commands in `effects`, in order.
fn sent(effects: &[Effect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(msg) => msg.id(),
            _ => None,
        })
        .collect()
}

/// Ids waiting in the outbox, oldest first.
fn waiting(state: &State) -> Vec<&str> {
    state.outbox.iter().map(Entry::id).collect()
}

fn tap(id: &str) -> Msg {
    Msg::SendGift {
        id: id.into(),
        gift_id: "rose".into(),
        now_ms: 1_000,
    }
}

fn chat(id: &str) -> Msg {
    Msg::Chat {
        id: id.into(),
        text: "hello".into(),
    }
}

fn ack(id: &str) -> Msg {
    Msg::Server(ServerMsg::Ack {
        id: id.into(),
        cart: None,
        order: None,
        wallet: None,
        chat: None,
    })
}

fn rich(state: &mut State) {
    let wallet = Wallet {
        coins: 1_000,
        ..Wallet::default()
    };
    apply(state, Msg::Server(ServerMsg::WalletChanged { wallet }));
}

/// A live viewer with one command of each kind of feature waiting:
/// cart `c1`, gift `g1`, chat `m1`, top-up `t1`.
fn one_of_each() -> State {
    let mut state = live();
    apply(&mut state, add("c1", "tote", "default"));
    apply(&mut state, tap("g1"));
    apply(&mut state, chat("m1"));
    let top_up = Msg::TopUp {
        id: "t1".into(),
        pack_id: "coins-100".into(),
        card: Default::default(),
    };
    apply(&mut state, top_up);
    assert_eq!(waiting(&state), ["c1", "g1", "m1", "t1"]);
    state
}

#[test]
fn one_bound_is_shared_by_every_kind_of_command() {
    let mut state = live();
    rich(&mut state);
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    for i in 0..MAX_OUTBOX / 2 {
        apply(&mut state, tap(&format!("g{i}")));
        apply(&mut state, chat(&format!("m{i}")));
    }
    assert_eq!(state.outbox.len(), MAX_OUTBOX);
    assert_eq!(state.notice, None);

    apply(&mut state, add("c1", "tote", "default"));
    assert_eq!(
        state.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::OutboxFull),
        "gifts and chat lines leave no room for a cart change"
    );
    assert_eq!(state.cart_view().count(), 0, "and it is not shown");
    apply(&mut state, tap("g-more"));
    assert_eq!(state.gifting.refused, Some(RejectCode::RateLimited));
    assert_eq!(state.balance(), 1_000 - MAX_OUTBOX as u64 / 2);
    apply(&mut state, chat("m-more"));
    assert!(matches!(
        state.community.refused,
        Some((RejectCode::RateLimited, ClientMsg::Chat { .. }))
    ));
    let top_up = Msg::TopUp {
        id: "t1".into(),
        pack_id: "coins-100".into(),
        card: Default::default(),
    };
    apply(&mut state, top_up);
    assert_eq!(
        state.gifting.top_up.outcome,
        Some(TopUpOutcome::Refused(RejectCode::RateLimited))
    );
    assert_eq!(state.outbox.len(), MAX_OUTBOX, "nothing was recorded");

    apply(&mut state, Msg::Opened);
    apply(&mut state, Msg::Server(welcome(12, Cart::default())));
    apply(&mut state, ack("m0"));
    let effects = apply(&mut state, add("c2", "tote", "default"));
    assert_eq!(sent(&effects), ["c2"], "an answer makes room");
}

#[test]
fn checkout_says_try_again_when_the_outbox_is_full() {
    let mut state = in_checkout();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    for i in 0..MAX_OUTBOX {
        apply(&mut state, chat(&format!("m{i}")));
    }
    assert!(apply(&mut state, place("k1")).is_empty());
    assert_eq!(state.checkout.refused, Some(RejectCode::RateLimited));
    assert!(!state.outbox.paying(), "no order is waiting to be sent");
}

#[test]
fn after_a_reconnect_every_unanswered_command_is_resent_once_in_the_order_made() {
    let mut state = in_checkout();
    apply(&mut state, Msg::Playing(true));
    apply(&mut state, Msg::Visible(true));
    apply(&mut state, add("c1", "shirt", "m"));
    apply(&mut state, tap("g1"));
    apply(&mut state, Msg::Heartbeat { id: "h1".into() });
    apply(&mut state, place("k1"));
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(
        &mut state,
        Msg::Like {
            id: "l1".into(),
            now_ms: 0,
        },
    );
    apply(&mut state, Msg::Tick { now_ms: 60_000 });
    apply(&mut state, chat("m1"));
    apply(&mut state, add("c2", "tote", "default"));
    let order = ["c1", "g1", "h1", "k1", "l1", "m1", "c2"];
    assert_eq!(waiting(&state), order);

    apply(&mut state, Msg::Opened);
    let cart = state.cart.clone();
    let effects = apply(&mut state, Msg::Server(welcome(12, cart)));
    assert_eq!(sent(&effects), order, "each once, with its own id");

    apply(&mut state, ack("g1"));
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(&mut state, Msg::Opened);
    let resumed = ServerMsg::Resumed {
        epoch: 1,
        seq: 12,
        session: Session {
            token: "t0ken".into(),
        },
        cart: state.cart.clone(),
        orders: Vec::new(),
        wallet: Wallet {
            coins: 4,
            ..Wallet::default()
        },
        progress: Box::default(),
    };
    let effects = apply(&mut state, Msg::Server(resumed));
    assert_eq!(sent(&effects), ["c1", "h1", "k1", "l1", "m1", "c2"]);
}

#[test]
fn a_reject_reaches_only_the_feature_that_sent_its_id() {
    let mut state = one_of_each();
    apply(&mut state, reject("g1", RejectCode::UnknownGift));
    assert_eq!(state.gifting.refused, Some(RejectCode::UnknownGift));
    assert_eq!(state.notice, None, "the cart hears nothing");
    assert_eq!(state.community.refused, None);
    assert_eq!(state.gifting.top_up.outcome, None);
    assert_eq!(waiting(&state), ["c1", "m1", "t1"]);
    assert_eq!(state.cart_view().count(), 1);

    apply(&mut state, reject("c1", RejectCode::OutOfStock));
    assert_eq!(
        state.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::Refused(RejectCode::OutOfStock))
    );
    assert_eq!(state.community.refused, None);
    assert_eq!(state.gifting.top_up.outcome, None);
    assert_eq!(waiting(&state), ["m1", "t1"]);
}

#[test]
fn an_answer_to_an_id_not_waiting_changes_nothing() {
    let mut state = one_of_each();
    let before = state.clone();
    assert!(apply(&mut state, reject("nope", RejectCode::OutOfStock)).is_empty());
    assert!(apply(&mut state, ack("nope")).is_empty());
    assert_eq!(state, before);
}

#[test]
fn an_ack_removes_exactly_its_entry() {
    let mut state = one_of_each();
    apply(&mut state, ack("g1"));
    assert_eq!(waiting(&state), ["c1", "m1", "t1"]);
    assert_eq!(
        state.balance(),
        5,
        "the gift's coins are no longer in flight"
    );
    apply(&mut state, ack("t1"));
    assert_eq!(waiting(&state), ["c1", "m1"]);
    assert_eq!(
        state.gifting.top_up.outcome,
        Some(TopUpOutcome::Credited(100))
    );
    assert!(state.cart_view().lines[0].pending, "c1 still waits");
}

#[test]
fn a_refused_heartbeat_is_not_earned_and_is_not_a_cart_notice() {
    let mut state = live();
    apply(&mut state, Msg::Playing(true));
    apply(&mut state, Msg::Visible(true));
    let effects = apply(&mut state, Msg::Heartbeat { id: "h1".into() });
    assert_eq!(sent(&effects), ["h1"]);
    apply(&mut state, reject("h1", RejectCode::RateLimited));
    assert_eq!(state.notice, None);
    assert!(state.outbox.is_empty());
}

#[test]
fn only_a_cart_answer_re_prices_an_open_checkout() {
    let mut state = in_checkout();
    rich(&mut state);
    apply(&mut state, tap("g1"));
    assert!(
        apply(&mut state, ack("g1")).is_empty(),
        "a gift is not a cart change"
    );
    apply(&mut state, add("c1", "shirt", "m"));
    let effects = apply(&mut state, ack("c1"));
    assert!(matches!(
        &effects[..],
        [Effect::Send(ClientMsg::Quote { .. })]
    ));
}

#[test]
fn host_cart_changes_never_wait_in_the_outbox_even_when_it_is_full() {
    let mut state = live();
    state.cart_mode = CartMode::Host;
    for i in 0..MAX_OUTBOX {
        apply(&mut state, chat(&format!("m{i}")));
    }
    let effects = apply(&mut state, add("c1", "tote", "default"));
    assert!(matches!(
        &effects[..],
        [Effect::Host(HostEvent::AddToCart { .. })]
    ));
    assert_eq!(state.notice, None, "the page's cart has room");
}

#[test]
fn a_like_batch_waits_for_room_in_a_full_outbox() {
    let mut state = live();
    for i in 0..MAX_OUTBOX {
        apply(&mut state, chat(&format!("m{i}")));
    }
    let like = |id: &str| Msg::Like {
        id: id.into(),
        now_ms: 0,
    };
    apply(&mut state, like("l1"));
    apply(&mut state, like("l2"));
    assert!(apply(&mut state, Msg::Tick { now_ms: 60_000 }).is_empty());
    assert_eq!(state.community.batch.as_ref().map(|b| b.count), Some(2));
    apply(&mut state, ack("m0"));
    let effects = apply(&mut state, Msg::Tick { now_ms: 60_250 });
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::Like {
            id: "l1".into(),
            count: 2
        })],
        "no tap was lost"
    );
}
