//! Paying by QRIS, e-wallet, virtual account or on delivery: the methods a
//! show offers, the card that goes out only for the test provider, and an
//! order that waits for its payment across answers, pushes and reconnects.
use super::*;
use crate::store::payments::{self, due, minutes_left, ms_left, offered};
use lapak_protocol::{
    Bank, Card, CardFields, Ewallet, OrderStatus, PayAction, PayMethod, PaymentDue, Payments,
};

/// Everything on offer, cash on delivery up to Rp 500.000.
fn everything() -> Payments {
    Payments {
        cards: Some(CardFields::Test),
        qris: true,
        ewallets: vec![Ewallet::Ovo, Ewallet::Gopay],
        banks: vec![Bank::Mandiri, Bank::Bca],
        cod_limit: Some(idr(50_000_000)),
    }
}

/// A live shopper in checkout, on a show offering `offer`.
fn in_checkout_with(offer: Payments) -> State {
    let mut state = in_checkout();
    if let Some(show) = &mut state.show {
        show.payments = offer;
    }
    state
}

fn qris_due(expires_at_ms: i64) -> PaymentDue {
    PaymentDue {
        method: PayMethod::Qris,
        amount: idr(21_600_000),
        expires_at_ms: Some(expires_at_ms),
        action: PayAction::Qr {
            qr_string: "00020101021226...6304ABCD".into(),
        },
    }
}

fn waiting(number: &str, expires_at_ms: i64) -> Order {
    Order {
        payment: Some(qris_due(expires_at_ms)),
        ..order(number, OrderStatus::AwaitingPayment)
    }
}

fn sent_order(effects: &[Effect]) -> &lapak_protocol::CheckoutRequest {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Send(ClientMsg::Checkout { order, .. }) => Some(&**order),
            _ => None,
        })
        .expect("a Checkout is sent")
}

fn demo_card() -> Card {
    Card {
        number: "4242 4242 4242 4242".into(),
        expiry: "12/30".into(),
        cvc: "123".into(),
    }
}

#[test]
fn the_picker_offers_what_the_show_offers_in_its_order_and_cash_on_delivery_up_to_the_limit() {
    let offer = everything();
    let ewallet = |wallet| PayMethod::Ewallet {
        wallet,
        phone: None,
    };
    assert_eq!(
        offered(&offer, &idr(50_000_000)),
        [
            PayMethod::Card,
            PayMethod::Qris,
            ewallet(Ewallet::Gopay),
            ewallet(Ewallet::Ovo),
            PayMethod::VirtualAccount { bank: Bank::Bca },
            PayMethod::VirtualAccount {
                bank: Bank::Mandiri
            },
            PayMethod::CashOnDelivery,
        ]
    );
    assert!(
        !offered(&offer, &idr(50_000_001)).contains(&PayMethod::CashOnDelivery),
        "over the limit, no cash on delivery"
    );
    assert_eq!(offered(&Payments::test_cards(), &idr(1)), [PayMethod::Card]);
    assert!(offered(&Payments::default(), &idr(1)).is_empty());
}

#[test]
fn the_welcome_brings_what_the_show_offers() {
    let state = live();
    assert_eq!(state.payments(), Payments::test_cards());
    assert_eq!(State::default().payments(), Payments::default());
}

#[test]
fn only_the_test_providers_card_goes_out_with_an_order() {
    for (offer, method, card_sent) in [
        (everything(), PayMethod::Card, true),
        (everything(), PayMethod::Qris, false),
        (
            everything(),
            PayMethod::VirtualAccount { bank: Bank::Bca },
            false,
        ),
        (
            Payments {
                cards: Some(CardFields::Stripe {
                    publishable_key: "pk_test_1".into(),
                    js_url: "https://js.stripe.com/v3".into(),
                }),
                ..Payments::default()
            },
            PayMethod::Card,
            false,
        ),
    ] {
        let mut state = in_checkout_with(offer);
        let mut request = request();
        request.method = method.clone();
        request.card = demo_card();
        let effects = apply(
            &mut state,
            Msg::PlaceOrder {
                id: "k1".into(),
                request,
            },
        );
        let sent = sent_order(&effects);
        assert_eq!(sent.method, method);
        assert_eq!(
            sent.card != Card::default(),
            card_sent,
            "{method:?}: {:?}",
            sent.card
        );
    }
}

#[test]
fn an_order_waiting_for_its_payment_shows_what_is_due_until_it_is_paid() {
    let mut state = in_checkout_with(everything());
    let mut request = request();
    request.method = PayMethod::Qris;
    apply(
        &mut state,
        Msg::PlaceOrder {
            id: "k1".into(),
            request,
        },
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::Ack {
            id: "k1".into(),
            cart: Some(Cart::default()),
            order: Some(Box::new(waiting("LPK-000007", 900_000))),
            wallet: None,
            chat: None,
        }),
    );
    assert_eq!(state.checkout.placed.as_deref(), Some("LPK-000007"));
    assert!(state.checkout.quote.is_none(), "past its quote");
    assert!(!state.payment_failed(), "waiting is not failing");
    assert!(!state.outbox.paying(), "the request is answered");
    assert_eq!(due(&state.orders[0]), Some(&qris_due(900_000)));
    // The cart changing under the sheet no longer re-prices a placed order.
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged {
            cart: Cart::default(),
        }),
    );
    assert!(effects.is_empty(), "{effects:?}");

    // Paid in the bank's app: the server pushes the order to every tab.
    let mut paid = waiting("LPK-000007", 900_000);
    paid.status = OrderStatus::Paid;
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(paid),
        }),
    );
    assert_eq!(state.orders.len(), 1, "the same order, updated in place");
    assert_eq!(state.orders[0].status, OrderStatus::Paid);
    assert_eq!(due(&state.orders[0]), None, "nothing is due any more");
    assert_eq!(state.checkout.placed.as_deref(), Some("LPK-000007"));
}

#[test]
fn an_expired_payment_asks_nothing_more() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(waiting("LPK-000008", 900_000)),
        }),
    );
    assert!(due(&state.orders[0]).is_some());
    let mut expired = waiting("LPK-000008", 900_000);
    expired.status = OrderStatus::Expired;
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(expired),
        }),
    );
    assert_eq!(state.orders[0].status, OrderStatus::Expired);
    assert_eq!(due(&state.orders[0]), None);
}

#[test]
fn a_reconnect_keeps_a_waiting_order_and_the_time_it_has_left() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(waiting("LPK-000009", 1_800_000)),
        }),
    );
    state.checkout.placed = Some("LPK-000009".into());
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(&mut state, Msg::Opened);
    let ServerMsg::Welcome(mut again) = welcome(20, Cart::default()) else {
        unreachable!("welcome() is a Welcome")
    };
    again.orders = vec![waiting("LPK-000009", 1_800_000)];
    apply(&mut state, Msg::Server(ServerMsg::Welcome(again)));
    apply(
        &mut state,
        Msg::Clock {
            offset_ms: 1_000_000,
        },
    );
    let due = due(&state.orders[0]).expect("still waiting after the reconnect");
    // The device says 200 s; the server, 1,000 s later: 600 s are left.
    let now = 200_000 + state.clock_offset_ms;
    assert_eq!(ms_left(due, now), Some(600_000));
    assert_eq!(state.checkout.placed.as_deref(), Some("LPK-000009"));
}

#[test]
fn a_countdown_is_told_in_whole_minutes_rounded_up() {
    assert_eq!(minutes_left(600_000), 10);
    assert_eq!(minutes_left(540_001), 10);
    assert_eq!(minutes_left(59_000), 1);
    assert_eq!(minutes_left(0), 0);
    assert_eq!(minutes_left(-5), 0);
    let due = qris_due(1_000);
    assert_eq!(ms_left(&due, 2_000), Some(0), "never below zero");
    let on_delivery = PaymentDue {
        expires_at_ms: None,
        ..due
    };
    assert_eq!(ms_left(&on_delivery, 2_000), None);
    assert!(payments::takes_test_card(&Payments::test_cards()));
}
