//! Paying by QRIS, e-wallet, virtual account or on delivery, in a real
//! browser (headless Chromium): the checkout's method picker offers what the
//! show offers, and an order waiting for its payment shows what to do — a QR
//! code, an account number to copy — until the server says it is paid.
#![cfg(target_arch = "wasm32")]

mod support;

use lapak::store::Msg;
use lapak_protocol::{
    Bank, CardFields, Cart, CartLine, ClientMsg, Ewallet, Order, OrderStatus, PayAction, PayMethod,
    PaymentDue, Payments, Quote, QuoteLine, ServerMsg, ShippingOption,
};
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// QRIS, GoPay, OVO, BCA's virtual accounts, the demo card and cash on
/// delivery up to `cod_limit` (minor units).
fn offer(cod_limit: i64) -> Payments {
    Payments {
        cards: Some(CardFields::Test),
        qris: true,
        ewallets: vec![Ewallet::Gopay, Ewallet::Ovo],
        banks: vec![Bank::Bca],
        cod_limit: Some(idr(cod_limit)),
    }
}

/// The show's welcome, offering `payments`, with `cart` and `orders`.
fn welcome_offering(payments: Payments, cart: Cart, orders: Vec<Order>) -> Msg {
    let Msg::Server(ServerMsg::Welcome(mut welcome)) =
        welcome_with(catalogue(), &["tote"], Vec::new(), cart)
    else {
        unreachable!("welcome_with is a Welcome")
    };
    welcome.show.payments = payments;
    welcome.orders = orders;
    Msg::Server(ServerMsg::Welcome(welcome))
}

/// Lets the views and the sheets' (not split) bodies settle.
async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

/// In checkout with one tote (Rp 129.000 + Rp 18.000 shipping), on a show offering `payments`.
async fn in_checkout(tag: &str, payments: Payments) -> Mounted {
    let cart = Cart {
        bought: Vec::new(),
        lines: vec![CartLine {
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1,
            unit_price: idr(12_900_000),
        }],
    };
    let widget = mount(tag, vec![welcome_offering(payments, cart, Vec::new())]);
    settle().await;
    widget.get("cart-button").click();
    settle().await;
    widget.get("checkout-button").click();
    settle().await;
    let id = match &widget.sent.borrow()[..] {
        [ClientMsg::Quote { id, .. }] => id.clone(),
        other => panic!("expected one Quote, sent {other:?}"),
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::Quoted { id, quote: quote() }));
    settle().await;
    widget
}

fn quote() -> Quote {
    Quote {
        lines: vec![QuoteLine {
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1,
            unit_price: idr(12_900_000),
            deal_units: 0,
            regular_price: idr(12_900_000),
            added_price: idr(12_900_000),
            deal_id: None,
            available: 25,
            note: None,
        }],
        shipping: vec![ShippingOption {
            id: "jne-reg".into(),
            name: "JNE Regular".into(),
            days_min: 2,
            days_max: 4,
            price: idr(1_800_000),
        }],
        currency: "IDR".into(),
        coupon: None,
        coupon_problem: None,
    }
}

/// The shopper's details, all but how to pay.
fn fill_details(widget: &Mounted) {
    for (field, value) in [
        ("field-name", "Dewi Sartika"),
        ("field-email", "dewi@contoh.id"),
        ("field-phone", "0812 3456 7890"),
        ("field-street", "Jl. Braga No. 12"),
        ("field-city", "Bandung"),
        ("field-postalcode", "40111"),
    ] {
        type_into(widget, field, value);
    }
}

fn last_order(widget: &Mounted) -> Option<(String, lapak_protocol::CheckoutRequest)> {
    widget.sent.borrow().iter().rev().find_map(|m| match m {
        ClientMsg::Checkout { id, order } => Some((id.clone(), (**order).clone())),
        _ => None,
    })
}

/// Order LPK-000042 for the tote, waiting for `action` until `expires_at_ms`.
fn waiting(method: PayMethod, action: PayAction, expires_at_ms: i64) -> Order {
    Order {
        number: "LPK-000042".into(),
        command_id: "k1".into(),
        status: OrderStatus::AwaitingPayment,
        placed_at_ms: 1_795_400_000_000,
        lines: vec![lapak_protocol::OrderLine {
            product_id: "tote".into(),
            variant_id: "default".into(),
            name: "Woven Pandan Tote".into(),
            names: Default::default(),
            variant_label: String::new(),
            labels: Default::default(),
            quantity: 1,
            unit_price: idr(12_900_000),
        }],
        totals: lapak_protocol::Totals {
            subtotal: idr(12_900_000),
            discount: idr(0),
            coupon: None,
            shipping: idr(1_800_000),
            total: idr(14_700_000),
        },
        shipping: "JNE Regular".into(),
        card_last4: String::new(),
        payment: Some(PaymentDue {
            method,
            amount: idr(14_700_000),
            expires_at_ms: Some(expires_at_ms),
            action,
        }),
        refunded: None,
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn checked(widget: &Mounted, testid: &str) -> bool {
    widget
        .get(testid)
        .unchecked_into::<web_sys::HtmlInputElement>()
        .checked()
}

#[wasm_bindgen_test]
async fn the_picker_offers_only_what_the_show_offers_and_cash_on_delivery_within_its_limit() {
    // Rp 147.000 is over a Rp 100.000 limit for cash on delivery.
    let widget = in_checkout("en-US", offer(10_000_000)).await;
    for offered in [
        "method-card",
        "method-qris",
        "method-ewallet-gopay",
        "method-ewallet-ovo",
        "method-va-bca",
    ] {
        assert!(widget.find(offered).is_some(), "{offered} is offered");
    }
    for not_offered in ["method-ewallet-dana", "method-va-bni", "method-cod"] {
        assert!(
            widget.find(not_offered).is_none(),
            "{not_offered} is not offered"
        );
    }
    assert!(
        checked(&widget, "method-card"),
        "the first method is chosen"
    );
    assert_eq!(widget.text("test-mode"), "Test mode");
    assert_eq!(widget.text("pay"), "Pay Rp 147,000");
    let radio = widget.get("method-qris");
    assert_eq!(radio.get_attribute("type").as_deref(), Some("radio"));
    let label = radio.parent_element().unwrap().text_content().unwrap();
    assert_eq!(label, "QRIS", "each radio is named by its label");

    radio.click();
    settle().await;
    assert!(checked(&widget, "method-qris"));
    assert!(
        widget.find("field-cardnumber").is_none(),
        "no card fields for QRIS"
    );
    assert_eq!(widget.text("pay"), "Get QRIS code");
    widget.get("method-va-bca").click();
    settle().await;
    assert_eq!(widget.text("pay"), "Get BCA account number");

    // Within the limit, cash on delivery is offered.
    let widget = in_checkout("id-ID", offer(20_000_000)).await;
    widget.get("method-cod").click();
    settle().await;
    assert_eq!(widget.text("pay"), "Pesan — bayar di tempat");
}

#[wasm_bindgen_test]
async fn ovo_asks_for_the_wallets_phone_number_and_checks_it_before_anything_is_sent() {
    let widget = in_checkout("en-US", offer(0)).await;
    widget.get("method-ewallet-ovo").click();
    settle().await;
    assert_eq!(widget.text("pay"), "Pay Rp 147,000 with OVO");
    fill_details(&widget);
    widget.get("pay").click();
    settle().await;
    let phone = widget.get("field-walletphone");
    assert_eq!(phone.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(last_order(&widget).is_none(), "no number, no order");

    type_into(&widget, "field-walletphone", "12");
    settle().await;
    let error = phone.parent_element().unwrap().text_content().unwrap();
    assert!(error.contains("Enter 8 to 15 digits"), "{error}");
    type_into(&widget, "field-walletphone", "+62 812 3456 7890");
    widget.get("pay").click();
    settle().await;
    let (_, order) = last_order(&widget).expect("an order is sent");
    assert_eq!(
        order.method,
        PayMethod::Ewallet {
            wallet: Ewallet::Ovo,
            phone: Some("+62 812 3456 7890".into())
        }
    );
    assert_eq!(order.card, Default::default(), "no card goes out for OVO");
}

#[wasm_bindgen_test]
async fn a_qris_order_waiting_for_its_payment_draws_its_qr_code_with_the_amount_and_a_countdown() {
    let widget = in_checkout("en-US", offer(0)).await;
    widget.get("method-qris").click();
    settle().await;
    fill_details(&widget);
    widget.get("pay").click();
    settle().await;
    let (id, order) = last_order(&widget).expect("an order is sent");
    assert_eq!(order.method, PayMethod::Qris);
    let qr = PayAction::Qr {
        qr_string:
            "00020101021226670016COM.NOBUBANK.WWW0118936005030000087914021452014637052849030".into(),
    };
    widget.actions.dispatch(Msg::Server(ServerMsg::Ack {
        id,
        cart: Some(Cart::default()),
        order: Some(Box::new(waiting(
            PayMethod::Qris,
            qr,
            now_ms() + 15 * 60_000 - 30_000,
        ))),
        wallet: None,
        chat: None,
    }));
    settle().await;

    assert_eq!(widget.text("payment-heading"), "Waiting for your payment");
    assert_eq!(widget.text("due-amount"), "Rp 147,000");
    let svg = widget.get("qr");
    assert_eq!(svg.tag_name(), "svg", "drawn by the widget itself");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-label")
            .unwrap()
            .replace('\u{a0}', " "),
        "QRIS code to pay Rp 147,000"
    );
    let path = svg.query_selector("path").unwrap().unwrap();
    assert!(
        path.get_attribute("d").unwrap().len() > 500,
        "modules are drawn"
    );
    let countdown = widget.text("due-countdown");
    assert!(countdown.starts_with("Pay within 14:"), "{countdown}");
    assert!(
        countdown.ends_with("15 minutes left to pay"),
        "screen readers get minutes: {countdown}"
    );

    // Closed, the show goes on; the orders sheet opens the payment again.
    widget
        .get("payment-status")
        .query_selector("button.lapak-primary")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    settle().await;
    assert!(widget.find("checkout").is_none());
    widget.get("orders-button").click();
    settle().await;
    assert_eq!(widget.text("order-status"), "Waiting for payment");
    assert!(widget.text("orders-sheet").contains("QRIS"), "paid by QRIS");
    widget.get("pay-now").click();
    settle().await;
    assert!(widget.find("orders-sheet").is_none());
    assert!(widget.find("payment-sheet").is_some());
    assert_eq!(widget.get("qr").tag_name(), "svg");
}

#[wasm_bindgen_test]
async fn a_virtual_account_shows_its_number_and_a_copy_button_in_the_shoppers_language() {
    let transfer = PayAction::Transfer {
        bank: Bank::Bca,
        account_number: "8808123456789012".into(),
    };
    let order = waiting(
        PayMethod::VirtualAccount { bank: Bank::Bca },
        transfer,
        now_ms() + 24 * 3_600_000,
    );
    let widget = mount(
        "id-ID",
        vec![welcome_offering(offer(0), Cart::default(), vec![order])],
    );
    settle().await;
    widget.get("orders-button").click();
    settle().await;
    assert_eq!(widget.text("order-status"), "Menunggu pembayaran");
    widget.get("pay-now").click();
    settle().await;
    assert_eq!(widget.text("va-number"), "8808123456789012");
    assert!(widget
        .text("payment-sheet")
        .contains("Nomor virtual account BCA"));
    let copy = widget.get("copy-number");
    assert_eq!(
        copy.get_attribute("aria-label").as_deref(),
        Some("Salin nomor rekening")
    );
    assert_eq!(widget.text("copy-number"), "Salin");
    copy.click();
    settle().await;
    assert_eq!(widget.text("copy-number"), "Disalin");
    assert!(
        widget
            .text("due-countdown")
            .ends_with("Sisa 1440 menit untuk membayar"),
        "{}",
        widget.text("due-countdown")
    );
}

#[wasm_bindgen_test]
async fn an_order_updated_to_paid_turns_the_open_payment_confirmed() {
    let qr = PayAction::Qr {
        qr_string: "00020101021226670016".into(),
    };
    let order = waiting(PayMethod::Qris, qr, now_ms() + 600_000);
    let widget = mount(
        "en-US",
        vec![welcome_offering(
            offer(0),
            Cart::default(),
            vec![order.clone()],
        )],
    );
    settle().await;
    widget.get("orders-button").click();
    settle().await;
    widget.get("pay-now").click();
    settle().await;
    assert_eq!(widget.text("payment-heading"), "Waiting for your payment");

    // Paid in the bank's app: the server pushes it to every tab.
    let paid = Order {
        status: OrderStatus::Paid,
        ..order.clone()
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(paid),
        }));
    settle().await;
    assert_eq!(widget.text("payment-heading"), "Order confirmed");
    assert!(widget.find("qr").is_none(), "nothing left to scan");
    assert!(widget.find("due-countdown").is_none());
    assert_eq!(widget.text("announcer"), "Order LPK-000042: Paid");

    let expired = Order {
        status: OrderStatus::Expired,
        ..order
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(expired),
        }));
    settle().await;
    assert_eq!(widget.text("payment-heading"), "The payment expired");
    assert!(widget
        .text("payment-settled")
        .contains("the items were released"));
}

/// Stripe.js's surface, recording into `window.stripeCheckout`: the card
/// Element mounts a plain input; a secret containing `declined` is refused.
const FAKE_STRIPE_JS: &str = r#"
window.stripeCheckout = { confirmed: [] };
window.Stripe = function () {
  let card = null;
  return {
    elements: () => ({ create: () => (card = {
      mount(el) { this.input = document.createElement('input'); el.appendChild(this.input); },
      destroy() { if (this.input) this.input.remove(); },
    }) }),
    confirmCardPayment: async (secret, data) => {
      if (!data || !data.payment_method || data.payment_method.card !== card) return { error: { message: 'no card Element' } };
      stripeCheckout.confirmed.push(secret);
      if (secret.includes('declined')) return { error: { message: 'Your card was declined.' } };
      return { paymentIntent: { status: 'succeeded' } };
    },
  };
};
"#;

fn stripe_confirmed() -> Vec<String> {
    let fake = js_sys::Reflect::get(&web_sys::window().unwrap(), &"stripeCheckout".into()).unwrap();
    js_sys::Reflect::get(&fake, &"confirmed".into())
        .unwrap()
        .dyn_into::<js_sys::Array>()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_string())
        .collect()
}

/// Waits (up to 5 s) for `what` to be `done`.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    panic!("{what}: not done in 5 s");
}

#[wasm_bindgen_test]
async fn a_card_in_stripes_fields_confirms_the_placed_order_and_a_refused_card_is_tried_again() {
    let js_url = format!(
        "data:text/javascript,{}",
        String::from(js_sys::encode_uri_component(FAKE_STRIPE_JS))
    );
    let payments = Payments {
        cards: Some(CardFields::Stripe {
            publishable_key: "pk_test_lapak".into(),
            js_url,
        }),
        ..Payments::default()
    };
    let widget = in_checkout("en-US", payments).await;
    assert!(
        widget.find("field-cardnumber").is_none(),
        "no card field of the widget's own"
    );
    until("Stripe's fields mounted", || {
        widget
            .get("card-slot")
            .query_selector("input")
            .unwrap()
            .is_some()
    })
    .await;
    fill_details(&widget);
    widget.get("pay").click();
    settle().await;
    let (id, order) = last_order(&widget).expect("an order is sent");
    assert_eq!(order.method, PayMethod::Card);
    assert_eq!(order.card, Default::default(), "no card crosses the socket");

    let confirm = |secret: &str| PayAction::Confirm {
        client_secret: secret.into(),
    };
    widget.actions.dispatch(Msg::Server(ServerMsg::Ack {
        id,
        cart: Some(Cart::default()),
        order: Some(Box::new(waiting(
            PayMethod::Card,
            confirm("pi_1_secret_declined"),
            now_ms() + 15 * 60_000,
        ))),
        wallet: None,
        chat: None,
    }));
    until("confirmed once", || stripe_confirmed().len() == 1).await;
    until("the refusal said", || {
        widget.text("checkout-alert") == "Your card was declined."
    })
    .await;
    assert!(
        widget.find("card-slot").is_some(),
        "the fields stay for another try"
    );
    widget.get("pay").click();
    until("confirmed again", || stripe_confirmed().len() == 2).await;
    assert_eq!(
        stripe_confirmed(),
        ["pi_1_secret_declined", "pi_1_secret_declined"],
        "the same order is confirmed again, not placed again"
    );
    let checkouts = widget
        .sent
        .borrow()
        .iter()
        .filter(|m| matches!(m, ClientMsg::Checkout { .. }))
        .count();
    assert_eq!(checkouts, 1);

    // The webhook pays it: the sheet shows the order confirmed.
    let mut paid = waiting(PayMethod::Card, confirm("pi_1_secret_declined"), 0);
    paid.status = OrderStatus::Paid;
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(paid),
        }));
    settle().await;
    assert_eq!(widget.text("payment-heading"), "Order confirmed");
}
