//! A payment that failed: the server crashed between writing the order and
//! charging the card, so the sweeper marked the order `failed`, charged nothing
//! and put its lines back in the cart. The shopper's automatic retry (same id)
//! then finds that failed order; checkout must say so and pay again under a new id.
use super::*;
use lapak_protocol::{CheckoutRequest, OrderStatus, PayAction, ShippingOption};

fn tote_cart() -> Cart {
    Cart {
        bought: Vec::new(),
        lines: vec![line("tote", "default", 1)],
    }
}

/// The state's cart priced, with one shipping option.
fn priced(state: &State, unit: i64) -> Quote {
    let mut quote = quote_for(state);
    for line in &mut quote.lines {
        line.unit_price = idr(unit);
        line.regular_price = idr(unit);
    }
    quote.shipping = vec![ShippingOption {
        id: "jne-reg".into(),
        name: "JNE Regular".into(),
        days_min: 2,
        days_max: 4,
        price: idr(1_800_000),
    }];
    quote
}

/// What the form sends for `quote`.
fn request_for(quote: &Quote) -> Box<CheckoutRequest> {
    Box::new(CheckoutRequest {
        lines: quote.order_lines(),
        shipping: "jne-reg".into(),
        total: quote.totals("jne-reg").expect("jne-reg is an option").total,
        coupon: quote.coupon.as_ref().map(|c| c.code.clone()),
        contact: Default::default(),
        address: Default::default(),
        method: Default::default(),
        card: Default::default(),
    })
}

/// In checkout with the tote priced, order `k1` sent and unanswered.
fn paying() -> (State, Quote) {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    apply(&mut state, Msg::Server(welcome(10, tote_cart())));
    apply(&mut state, Msg::StartCheckout { id: "q1".into() });
    let quote = priced(&state, 4_500_000);
    apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q1".into(),
            quote: quote.clone(),
        }),
    );
    let effects = apply(
        &mut state,
        Msg::PlaceOrder {
            id: "k1".into(),
            request: request_for(&quote),
        },
    );
    assert!(matches!(&effects[..], [Effect::Send(ClientMsg::Checkout { id, .. })] if id == "k1"));
    (state, quote)
}

fn answer(id: &str, order: Order, cart: Cart) -> Msg {
    Msg::Server(ServerMsg::Ack {
        id: id.into(),
        cart: Some(cart),
        order: Some(Box::new(order)),
        wallet: None,
        chat: None,
    })
}

fn checkouts(effects: &[Effect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(ClientMsg::Checkout { id, .. }) => Some(id.as_str()),
            _ => None,
        })
        .collect()
}

/// Checkout `k1` answered `failed` after a reconnect, the cart back.
fn failed() -> (State, Quote) {
    let (mut state, quote) = paying();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(10, tote_cart())));
    assert_eq!(checkouts(&effects), ["k1"], "the automatic retry, same id");
    let order = order("LPK-000001", OrderStatus::Failed);
    apply(&mut state, answer("k1", order, tote_cart()));
    (state, quote)
}

#[test]
fn a_retry_that_finds_the_order_failed_shows_the_failure_with_the_cart_back() {
    let (mut state, _) = failed();
    assert!(state.payment_failed());
    assert!(state.outbox.is_empty(), "the card leaves memory");
    assert_eq!(state.checkout.placed.as_deref(), Some("LPK-000001"));
    assert!(state.checkout.quote.is_some(), "kept for paying again");
    assert_eq!(state.cart_view().count(), 1, "the lines are back");
    assert_eq!(state.orders[0].status, OrderStatus::Failed);

    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(10, tote_cart())));
    assert!(
        checkouts(&effects).is_empty(),
        "the failed order's id is never sent again"
    );
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged { cart: tote_cart() }),
    );
    assert!(
        effects.is_empty(),
        "nothing is re-priced until the shopper pays again"
    );
}

#[test]
fn an_order_confirmed_as_pending_that_fails_later_shows_the_failure() {
    let (mut state, _) = paying();
    let pending = order("LPK-000001", OrderStatus::PaymentPending);
    apply(&mut state, answer("k1", pending, Cart::default()));
    assert!(!state.payment_failed(), "still being confirmed");
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(order("LPK-000001", OrderStatus::Failed)),
        }),
    );
    assert!(state.payment_failed());
    assert!(state.checkout.quote.is_some());
}

#[test]
fn an_order_for_stripes_fields_keeps_its_quote_and_one_paid_elsewhere_does_not() {
    let due = |action| lapak_protocol::PaymentDue {
        method: lapak_protocol::PayMethod::Card,
        amount: idr(0),
        expires_at_ms: Some(1),
        action,
    };
    let (mut state, _) = paying();
    let mut card = order("LPK-000001", OrderStatus::AwaitingPayment);
    card.payment = Some(due(PayAction::Confirm {
        client_secret: "pi_1_secret_2".into(),
    }));
    apply(&mut state, answer("k1", card, Cart::default()));
    assert!(
        state.checkout.quote.is_some(),
        "the form confirms it and still shows what it pays"
    );

    let (mut state, _) = paying();
    let mut qris = order("LPK-000001", OrderStatus::AwaitingPayment);
    qris.payment = Some(due(PayAction::Qr {
        qr_string: "000201".into(),
    }));
    apply(&mut state, answer("k1", qris, Cart::default()));
    assert!(
        state.checkout.quote.is_none(),
        "paid in another app: past its quote"
    );
}

#[test]
fn paying_again_requotes_then_places_under_a_new_id() {
    let (mut state, quote) = failed();
    let effects = apply(
        &mut state,
        Msg::PayAgain {
            quote: "q2".into(),
            id: "k2".into(),
            request: request_for(&quote),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::Quote {
            id: "q2".into(),
            coupon: None
        })]
    );
    assert!(!state.payment_failed(), "the failure is behind the shopper");
    let twice = apply(
        &mut state,
        Msg::PayAgain {
            quote: "q3".into(),
            id: "k3".into(),
            request: request_for(&quote),
        },
    );
    assert!(twice.is_empty(), "a double tap pays once");
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged { cart: tote_cart() }),
    );
    assert!(
        effects.is_empty(),
        "the re-quote in flight is the one awaited"
    );

    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q2".into(),
            quote: quote.clone(),
        }),
    );
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::Checkout {
            id: "k2".into(),
            order: request_for(&quote),
        })]
    );
    let paid = Order {
        command_id: "k2".into(),
        ..order("LPK-000002", OrderStatus::Paid)
    };
    apply(&mut state, answer("k2", paid, Cart::default()));
    assert_eq!(state.checkout.placed.as_deref(), Some("LPK-000002"));
    assert!(!state.payment_failed());
    let statuses: Vec<_> = state.orders.iter().map(|o| o.status).collect();
    assert_eq!(statuses, [OrderStatus::Paid, OrderStatus::Failed]);
}

#[test]
fn paying_again_at_a_new_price_shows_it_instead_of_charging() {
    let (mut state, quote) = failed();
    apply(
        &mut state,
        Msg::PayAgain {
            quote: "q2".into(),
            id: "k2".into(),
            request: request_for(&quote),
        },
    );
    let dearer = priced(&state, 5_000_000);
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q2".into(),
            quote: dearer.clone(),
        }),
    );
    assert!(
        effects.is_empty(),
        "nothing is charged at a total not shown"
    );
    assert_eq!(state.checkout.refused, Some(RejectCode::PriceChanged));
    assert_eq!(state.checkout.quote, Some(dearer));
    assert!(!state.outbox.paying(), "nothing waits to be paid");
}

#[test]
fn paying_again_offline_sends_the_new_quote_once_live_and_never_the_old_id() {
    let (mut state, quote) = failed();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    let effects = apply(
        &mut state,
        Msg::PayAgain {
            quote: "q2".into(),
            id: "k2".into(),
            request: request_for(&quote),
        },
    );
    assert!(effects.is_empty(), "nothing is sent without a session");
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(10, tote_cart())));
    assert!(effects.contains(&Effect::Send(ClientMsg::Quote {
        id: "q2".into(),
        coupon: None
    })));
    assert!(checkouts(&effects).is_empty());
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q2".into(),
            quote,
        }),
    );
    assert_eq!(checkouts(&effects), ["k2"]);
}

#[test]
fn a_refused_requote_ends_paying_again() {
    let (mut state, quote) = failed();
    apply(
        &mut state,
        Msg::PayAgain {
            quote: "q2".into(),
            id: "k2".into(),
            request: request_for(&quote),
        },
    );
    apply(&mut state, reject("q2", RejectCode::RateLimited));
    assert!(!state.outbox.paying(), "k2 is not placed");
    assert_eq!(state.checkout.refused, Some(RejectCode::RateLimited));
}

#[test]
fn paying_again_after_the_cart_changed_shows_it_instead_of_charging() {
    let (mut state, quote) = failed();
    apply(
        &mut state,
        Msg::PayAgain {
            quote: "q2".into(),
            id: "k2".into(),
            request: request_for(&quote),
        },
    );
    state.cart.lines[0].quantity = 2;
    let bigger = priced(&state, 4_500_000);
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q2".into(),
            quote: bigger,
        }),
    );
    assert!(effects.is_empty());
    assert_eq!(state.checkout.refused, Some(RejectCode::CartChanged));
}
