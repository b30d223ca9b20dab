//! Coupons at checkout: the chosen coupon rides on every quote, a typed code
//! is claimed into the wallet then applied, and a coupon checkout refuses is
//! dropped with its reason and the cart re-priced without it.
use super::*;
use lapak_protocol::{AppliedCoupon, CheckoutRequest, CouponTerms, Off};

fn quote_ask(effects: &[Effect]) -> Option<(&str, Option<&str>)> {
    effects.iter().find_map(|e| match e {
        Effect::Send(ClientMsg::Quote { id, coupon }) => Some((id.as_str(), coupon.as_deref())),
        _ => None,
    })
}

#[test]
fn a_chosen_coupon_rides_on_every_quote_until_none_is_chosen() {
    let mut state = in_checkout();
    let effects = apply(
        &mut state,
        Msg::ChooseCoupon {
            id: "q2".into(),
            code: Some("mission:like-30:show".into()),
        },
    );
    assert_eq!(
        quote_ask(&effects),
        Some(("q2", Some("mission:like-30:show")))
    );
    // A cart change re-prices with the same coupon.
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged {
            cart: Cart::default(),
        }),
    );
    assert_eq!(
        quote_ask(&effects).map(|q| q.1),
        Some(Some("mission:like-30:show"))
    );
    let effects = apply(
        &mut state,
        Msg::ChooseCoupon {
            id: "q3".into(),
            code: None,
        },
    );
    assert_eq!(quote_ask(&effects), Some(("q3", None)));
}

#[test]
fn a_typed_code_is_claimed_then_applied_or_its_refusal_shown() {
    let mut state = in_checkout();
    let effects = apply(
        &mut state,
        Msg::ClaimCoupon {
            id: "c1".into(),
            code: " batik-25k ".into(),
        },
    );
    let claim = ClientMsg::ClaimCoupon {
        id: "c1".into(),
        code: "BATIK-25K".into(),
    };
    assert_eq!(effects, vec![Effect::Send(claim)]);
    let acked = ServerMsg::Ack {
        id: "c1".into(),
        cart: None,
        order: None,
        wallet: None,
        chat: None,
    };
    let effects = apply(&mut state, Msg::Server(acked));
    assert_eq!(quote_ask(&effects), Some(("c1:quote", Some("BATIK-25K"))));

    apply(
        &mut state,
        Msg::ClaimCoupon {
            id: "c2".into(),
            code: "GONE-CODE".into(),
        },
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::Reject {
            id: "c2".into(),
            code: RejectCode::CouponAllClaimed,
            message: String::new(),
        }),
    );
    assert_eq!(
        state.checkout.coupon_refused,
        Some(RejectCode::CouponAllClaimed)
    );
    assert_eq!(
        state.checkout.coupon.as_deref(),
        Some("BATIK-25K"),
        "the applied one stays"
    );

    // Something that can never be a code is not sent at all.
    let effects = apply(
        &mut state,
        Msg::ClaimCoupon {
            id: "c3".into(),
            code: "x".into(),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(
        state.checkout.coupon_refused,
        Some(RejectCode::CouponUnknown)
    );
}

#[test]
fn a_coupon_checkout_refuses_is_dropped_and_the_cart_repriced_without_it() {
    let mut state = in_checkout();
    apply(
        &mut state,
        Msg::ChooseCoupon {
            id: "q2".into(),
            code: Some("BATIK-25K".into()),
        },
    );
    let mut quote = quote_for(&state);
    quote.coupon = Some(AppliedCoupon {
        code: "BATIK-25K".into(),
        terms: CouponTerms {
            off: Off::Amount { minor: 2_500_000 },
            min_spend: 0,
        },
    });
    apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q2".into(),
            quote,
        }),
    );
    let request = CheckoutRequest {
        lines: Vec::new(),
        shipping: "std".into(),
        total: idr(0),
        coupon: Some("BATIK-25K".into()),
        contact: Default::default(),
        address: Default::default(),
        method: Default::default(),
        card: Default::default(),
    };
    apply(
        &mut state,
        Msg::PlaceOrder {
            id: "k1".into(),
            request: Box::new(request),
        },
    );
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Reject {
            id: "k1".into(),
            code: RejectCode::CouponUsed,
            message: String::new(),
        }),
    );
    assert_eq!(state.checkout.coupon, None);
    assert_eq!(state.checkout.coupon_refused, Some(RejectCode::CouponUsed));
    assert_eq!(
        quote_ask(&effects).map(|q| q.1),
        Some(None),
        "re-priced without it"
    );
}
