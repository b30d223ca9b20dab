//! The widget in a real browser (headless Chromium): mounted over a store with
//! a show in it, driven by clicks, checked in the DOM. No server: the frames
//! the widget would send are recorded instead.
#![cfg(target_arch = "wasm32")]

mod support;

use lapak::store::Msg;
use lapak_protocol::{
    Cart, CartLine, ClientMsg, Deal, LineNote, Quote, QuoteLine, RejectCode, ServerMsg,
    ShippingOption,
};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn pinned_product_shows_a_tag_with_its_formatted_price_and_one_tap_adds_it() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["tote"])]);
    leptos::task::tick().await;

    let tag = widget.text("tag-tote");
    assert!(tag.contains("Woven Pandan Tote"), "{tag}");
    assert!(
        tag.contains("Rp 129,000"),
        "price formatted by Intl for en-US: {tag}"
    );
    assert_eq!(widget.text("cart-count"), "0");

    widget.get("tag-tote").click();
    leptos::task::tick().await;
    assert_eq!(
        widget.text("cart-count"),
        "1",
        "optimistic: counted before any answer"
    );
    let sent = widget.sent.borrow();
    assert!(
        matches!(&sent[..], [
            ClientMsg::TagTap { product_id: tapped, .. },
            ClientMsg::AddToCart { product_id, variant_id, quantity: 1, .. },
        ] if tapped == "tote" && product_id == "tote" && variant_id == "default"),
        "the tap is reported for the host's dashboard, then the add: {sent:?}"
    );
}

#[wasm_bindgen_test]
async fn indonesian_locale_formats_rupiah_and_translates() {
    let widget = mount("id-ID", vec![welcome(catalogue(), &["tote"])]);
    leptos::task::tick().await;
    let tag = widget.text("tag-tote");
    assert!(tag.contains("Rp 129.000"), "{tag}");
    assert_eq!(widget.text("viewer-count"), "1.204 menonton");
    assert_eq!(
        widget
            .root
            .query_selector(".lapak")
            .unwrap()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("id")
    );
}

#[wasm_bindgen_test]
async fn product_with_variants_opens_the_picker_and_sold_out_options_are_disabled() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["shirt"])]);
    leptos::task::tick().await;
    widget.get("tag-shirt").click();
    leptos::task::tick().await;
    assert_eq!(
        widget.text("cart-count"),
        "0",
        "a product with options is not added blind"
    );

    let add = widget.get("add-to-cart");
    assert!(add.has_attribute("disabled"), "nothing chosen yet");
    assert!(
        widget.get("variant-option-m").has_attribute("disabled"),
        "sold out"
    );

    widget.get("variant-option-s").click();
    leptos::task::tick().await;
    widget.get("add-to-cart").click();
    leptos::task::tick().await;
    assert_eq!(widget.text("cart-count"), "1");
    assert!(
        widget.find("add-to-cart").is_none(),
        "the picker closes after adding"
    );
    assert!(
        matches!(&widget.sent.borrow()[..], [ClientMsg::TagTap { .. }, ClientMsg::AddToCart { variant_id, .. }] if variant_id == "s")
    );
}

#[wasm_bindgen_test]
async fn reject_rolls_back_the_count_with_a_translated_reason() {
    let widget = mount("id-ID", vec![welcome(catalogue(), &["tote"])]);
    leptos::task::tick().await;
    widget.get("tag-tote").click();
    leptos::task::tick().await;
    assert_eq!(widget.text("cart-count"), "1");

    let id = widget.sent.borrow()[1].id().unwrap().to_owned();
    widget.actions.dispatch(Msg::Server(ServerMsg::Reject {
        id,
        code: RejectCode::OutOfStock,
        message: String::new(),
    }));
    leptos::task::tick().await;
    assert_eq!(widget.text("cart-count"), "0");
    assert_eq!(
        widget.text("notice"),
        "Maaf, stok Woven Pandan Tote tidak mencukupi."
    );
}

#[wasm_bindgen_test]
async fn cart_drawer_lists_lines_with_subtotal_and_steps_quantity() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["tote"])]);
    let cart = Cart {
        bought: Vec::new(),
        lines: vec![lapak_protocol::CartLine {
            product_id: "shirt".into(),
            variant_id: "s".into(),
            quantity: 2,
            unit_price: idr(18_900_000),
        }],
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::CartChanged { cart }));
    widget.get("cart-button").click();
    leptos::task::tick().await;

    let line = widget.text("cart-line-shirt-s");
    assert!(
        line.contains("Batik Parang Shirt") && line.contains("Rp 378,000"),
        "{line}"
    );
    assert!(widget.text("cart-drawer").contains("Subtotal"));

    let increase = widget
        .get("cart-line-shirt-s")
        .query_selector("[aria-label=\"Increase quantity\"]")
        .unwrap()
        .unwrap();
    increase.unchecked_into::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(widget.text("cart-count"), "3");
    assert!(matches!(
        &widget.sent.borrow()[..],
        [ClientMsg::SetQuantity { quantity: 3, .. }]
    ));
}

#[wasm_bindgen_test]
async fn hostile_product_names_render_as_text() {
    let hostile = "<img src=x onerror=\"window.pwned=1\">";
    let widget = mount(
        "en-US",
        vec![welcome(
            vec![product("evil", hostile, 100, &[("default", 1)])],
            &["evil"],
        )],
    );
    leptos::task::tick().await;
    assert!(widget.text("tag-evil").contains(hostile));
    assert!(
        widget.root.query_selector("img[src=x]").unwrap().is_none(),
        "no element was injected"
    );
}

#[wasm_bindgen_test]
async fn reconnecting_shows_a_countdown_with_retry_now_then_back_live() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["tote"])]);
    widget.actions.dispatch(Msg::Closed { retry_in_ms: 2_400 });
    leptos::task::tick().await;
    let status = widget.get("connection-status");
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("reconnecting")
    );
    assert!(widget
        .text("connection-status")
        .starts_with("Reconnecting in 3 s…"));
    // The row under the header (coins, the picture's status) waits on the screen's `data-link`.
    let screen_link = || {
        widget
            .root
            .query_selector(".lapak-screen")
            .unwrap()
            .and_then(|s| s.get_attribute("data-link"))
    };
    assert_eq!(screen_link().as_deref(), Some("reconnecting"));

    widget.get("retry-now").click();
    leptos::task::tick().await;
    assert_eq!(
        *widget.reconnects.borrow(),
        1,
        "Retry now asks the socket task to reconnect"
    );

    widget.actions.dispatch(Msg::Opened);
    widget.actions.dispatch(welcome(catalogue(), &["tote"]));
    leptos::task::tick().await;
    assert_eq!(widget.text("connection-status"), "Back live");
    assert_eq!(screen_link().as_deref(), Some("back"));
    assert!(widget.find("retry-now").is_none());
}

#[wasm_bindgen_test]
async fn an_opened_sheet_takes_focus_and_gives_it_back_when_closed() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["tote"])]);
    leptos::task::tick().await;
    let cart_button = widget.get("cart-button");
    cart_button.focus().unwrap();
    cart_button.click();
    leptos::task::tick().await;
    leptos::task::tick().await;
    let focused = document().active_element().expect("something has focus");
    assert_eq!(
        focused.get_attribute("aria-label").as_deref(),
        Some("Close")
    );
    assert!(
        widget.get("cart-drawer").contains(Some(&focused)),
        "focus is inside the drawer"
    );

    focused.unchecked_into::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    assert!(widget.find("cart-drawer").is_none());
    let back = document().active_element().unwrap();
    assert_eq!(
        back.get_attribute("data-testid").as_deref(),
        Some("cart-button"),
        "focus returned to the opener"
    );
}

fn tote_deal(ends_in_ms: f64) -> Deal {
    let now = js_sys::Date::now() as i64;
    Deal {
        id: "tote@14000".into(),
        product_id: "tote".into(),
        price: idr(9_900_000),
        starts_at_ms: now - 5_000,
        ends_at_ms: now + ends_in_ms as i64,
        quantity: 8,
        remaining: 5,
        per_buyer: 2,
    }
}

#[wasm_bindgen_test]
async fn a_flash_deal_shows_its_price_the_struck_regular_price_a_countdown_and_units_left() {
    let widget = mount(
        "en-US",
        vec![welcome_with(
            catalogue(),
            &["tote"],
            vec![tote_deal(90_000.0)],
            Cart::default(),
        )],
    );
    leptos::task::tick().await;
    let tag = widget.text("tag-tote");
    for expected in [
        "Rp 99,000",
        "Rp 129,000",
        "Flash deal",
        "Ends in 1:30",
        "5 left",
    ] {
        assert!(tag.contains(expected), "{expected:?} in {tag}");
    }
    let struck = widget
        .root
        .query_selector("[data-testid=tag-tote] s")
        .unwrap()
        .unwrap();
    assert!(
        struck.text_content().unwrap().contains("129,000"),
        "the regular price is struck through"
    );
}

#[wasm_bindgen_test]
async fn a_deal_past_its_end_on_the_server_clock_is_not_shown() {
    // The device clock is 10 s behind the server: by the server's clock this deal ended 5 s ago.
    let widget = mount(
        "en-US",
        vec![
            welcome_with(
                catalogue(),
                &["tote"],
                vec![tote_deal(5_000.0)],
                Cart::default(),
            ),
            Msg::Clock { offset_ms: 10_000 },
        ],
    );
    leptos::task::tick().await;
    let tag = widget.text("tag-tote");
    assert!(
        tag.contains("Rp 129,000") && !tag.contains("99,000"),
        "{tag}"
    );
    assert!(widget.find("deal").is_none());
}

#[wasm_bindgen_test]
async fn the_tag_shows_the_regular_price_once_orders_and_cart_hold_the_deal_limit() {
    // One tote bought at the deal price before, one in the cart: a third would be
    // at the regular price, so the tag says so.
    let cart = Cart {
        lines: vec![CartLine {
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1,
            unit_price: idr(9_900_000),
        }],
        bought: vec![lapak_protocol::pricing::DealBought {
            deal_id: "tote@14000".into(),
            units: 1,
        }],
    };
    let widget = mount(
        "en-US",
        vec![welcome_with(
            catalogue(),
            &["tote"],
            vec![tote_deal(90_000.0)],
            cart,
        )],
    );
    leptos::task::tick().await;
    let tag = widget.text("tag-tote");
    assert!(
        tag.contains("Rp 129,000") && !tag.contains("99,000"),
        "{tag}"
    );
    assert!(widget.find("deal").is_none());
}

/// A widget with one tote in the cart, in checkout, answered with `quote`.
async fn in_checkout(tag: &str, quote: Quote) -> Mounted {
    let cart = Cart {
        bought: Vec::new(),
        lines: vec![CartLine {
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1,
            unit_price: idr(12_900_000),
        }],
    };
    let widget = mount(
        tag,
        vec![welcome_with(catalogue(), &["tote"], Vec::new(), cart)],
    );
    leptos::task::tick().await;
    widget.get("cart-button").click();
    leptos::task::tick().await;
    widget.get("checkout-button").click();
    leptos::task::tick().await;
    let id = match &widget.sent.borrow()[..] {
        [ClientMsg::Quote { id, .. }] => id.clone(),
        other => panic!("expected one Quote, sent {other:?}"),
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::Quoted { id, quote }));
    leptos::task::tick().await;
    widget
}

fn quote(note: Option<LineNote>, added: i64) -> Quote {
    Quote {
        lines: vec![QuoteLine {
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1,
            unit_price: idr(12_900_000),
            deal_units: 0,
            regular_price: idr(12_900_000),
            added_price: idr(added),
            deal_id: None,
            available: 25,
            note,
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

/// An order request as the reducer carries it (its fields do not matter to the view).
fn blank_request() -> Box<lapak_protocol::CheckoutRequest> {
    Box::new(lapak_protocol::CheckoutRequest {
        lines: Vec::new(),
        shipping: "jne-reg".into(),
        total: idr(14_700_000),
        coupon: None,
        contact: Default::default(),
        address: Default::default(),
        method: Default::default(),
        card: Default::default(),
    })
}

fn errors(widget: &Mounted) -> Vec<String> {
    let found = widget
        .root
        .query_selector_all("[data-testid=field-error]")
        .unwrap();
    (0..found.length())
        .filter_map(|i| found.item(i)?.text_content())
        .filter(|t| !t.is_empty())
        .collect()
}

#[wasm_bindgen_test]
async fn the_checkout_form_names_each_problem_in_the_shoppers_language_and_sends_nothing() {
    let widget = in_checkout("id-ID", quote(None, 12_900_000)).await;
    assert_eq!(
        widget.text("total"),
        "Rp 147.000",
        "129.000 + 18.000 shipping"
    );
    assert!(
        errors(&widget).is_empty(),
        "no message before the shopper does anything"
    );

    type_into(&widget, "field-email", "dewi@contoh");
    leptos::task::tick().await;
    assert_eq!(errors(&widget), ["Masukkan email seperti nama@contoh.com"]);

    widget.get("pay").click();
    leptos::task::tick().await;
    let shown = errors(&widget);
    assert_eq!(
        shown.iter().filter(|e| *e == "Wajib diisi").count(),
        8,
        "{shown:?}"
    );
    assert_eq!(
        widget.text("checkout-alert"),
        "Periksa kembali isian yang ditandai."
    );
    let email: web_sys::HtmlInputElement = widget.get("field-email").unchecked_into();
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(
        !widget
            .sent
            .borrow()
            .iter()
            .any(|m| matches!(m, ClientMsg::Checkout { .. })),
        "an incomplete form sends no order"
    );

    for (field, value) in [
        ("field-name", "Dewi Sartika"),
        ("field-email", "dewi@contoh.id"),
        ("field-phone", "0812 3456 7890"),
        ("field-street", "Jl. Braga No. 12"),
        ("field-city", "Bandung"),
        ("field-postalcode", "40111"),
        ("field-cardnumber", "4242 4242 4242 4242"),
        ("field-expiry", "12/30"),
        ("field-cvc", "123"),
    ] {
        type_into(&widget, field, value);
    }
    leptos::task::tick().await;
    assert!(errors(&widget).is_empty(), "{:?}", errors(&widget));
    widget.get("pay").click();
    leptos::task::tick().await;
    let sent = widget.sent.borrow();
    let Some(ClientMsg::Checkout { order, .. }) = sent.last() else {
        panic!("expected a Checkout, sent {sent:?}");
    };
    assert_eq!(order.total, idr(14_700_000), "the total the shopper saw");
    assert_eq!(order.lines[0].unit_price, idr(12_900_000));
    assert_eq!(order.card.last4(), "4242");
}

#[wasm_bindgen_test]
async fn the_repricing_notice_says_what_changed_before_the_shopper_pays() {
    let widget = in_checkout("en-US", quote(Some(LineNote::DealEnded), 9_900_000)).await;
    assert_eq!(
        widget.text("repriced"),
        "Some items changed since you added them. Please review before paying."
    );
    assert_eq!(widget.text("line-note"), "Flash deal ended (was Rp 99,000)");
    assert_eq!(
        widget.text("total"),
        "Rp 147,000",
        "the new price is what is charged"
    );
}

#[wasm_bindgen_test]
async fn a_deal_limit_is_said_on_its_line_without_the_repricing_notice() {
    let limit = LineNote::DealLimit { per_buyer: 2 };
    let widget = in_checkout("en-US", quote(Some(limit), 12_900_000)).await;
    assert!(
        widget.find("repriced").is_none(),
        "the limit is the rule the cart priced by, not a change"
    );
    assert!(
        !widget.text("line-note").is_empty(),
        "the line says the limit"
    );
}

#[wasm_bindgen_test]
async fn a_new_quote_reprices_a_delivery_option_in_its_row() {
    let widget = in_checkout("en-US", quote(None, 12_900_000)).await;
    let option = widget.get("shipping-jne-reg");
    let label = |widget: &Mounted| {
        let input = widget.get("shipping-jne-reg");
        input
            .parent_element()
            .unwrap()
            .text_content()
            .unwrap()
            .replace('\u{a0}', " ")
    };
    assert!(label(&widget).ends_with("Rp 18,000"), "{}", label(&widget));
    // The cart changes under the open sheet: it is quoted again, shipping now free.
    widget.sent.borrow_mut().clear();
    widget.actions.dispatch(Msg::Server(ServerMsg::CartChanged {
        cart: Cart::default(),
    }));
    leptos::task::tick().await;
    let id = match &widget.sent.borrow()[..] {
        [ClientMsg::Quote { id, .. }] => id.clone(),
        other => panic!("expected one Quote, sent {other:?}"),
    };
    let mut free = quote(None, 12_900_000);
    free.shipping[0].price = idr(0);
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::Quoted { id, quote: free }));
    leptos::task::tick().await;
    assert!(label(&widget).ends_with("Free"), "{}", label(&widget));
    assert!(
        option.is_same_node(Some(&widget.get("shipping-jne-reg"))),
        "the option keeps its row (and its focus) when only its price changes"
    );
}

#[wasm_bindgen_test]
async fn a_refused_order_explains_itself_in_place() {
    let widget = in_checkout("en-US", quote(None, 12_900_000)).await;
    widget.actions.dispatch(Msg::PlaceOrder {
        id: "k1".into(),
        request: blank_request(),
    });
    widget.actions.dispatch(Msg::Server(ServerMsg::Reject {
        id: "k1".into(),
        code: RejectCode::PaymentDeclined,
        message: String::new(),
    }));
    leptos::task::tick().await;
    assert_eq!(
        widget.text("checkout-alert"),
        "Your card was declined. Nothing was charged — try another card."
    );
    assert!(widget.find("notice").is_none(), "no toast over the form");
}

fn order(status: lapak_protocol::OrderStatus) -> lapak_protocol::Order {
    lapak_protocol::Order {
        number: "LPK-000042".into(),
        command_id: "k1".into(),
        status,
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
        card_last4: "0119".into(),
        payment: None,
        refunded: None,
    }
}

#[wasm_bindgen_test]
async fn a_pending_payment_is_confirmed_in_place_when_it_settles() {
    let widget = in_checkout("en-US", quote(None, 12_900_000)).await;
    widget.actions.dispatch(Msg::PlaceOrder {
        id: "k1".into(),
        request: blank_request(),
    });
    widget.actions.dispatch(Msg::Server(ServerMsg::Ack {
        id: "k1".into(),
        cart: Some(Cart::default()),
        order: Some(Box::new(order(lapak_protocol::OrderStatus::PaymentPending))),
        wallet: None,
        chat: None,
    }));
    leptos::task::tick().await;
    let shown = widget.text("confirmation");
    assert!(shown.contains("Confirming your payment…"), "{shown}");
    assert_eq!(widget.text("order-status"), "Confirming payment");
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(order(lapak_protocol::OrderStatus::Paid)),
        }));
    leptos::task::tick().await;
    let shown = widget.text("confirmation");
    assert!(
        shown.contains("Order confirmed") && shown.contains("Order LPK-000042"),
        "{shown}"
    );
    assert!(
        shown.contains("1 × Woven Pandan Tote") && shown.contains("Rp 147,000"),
        "{shown}"
    );
    assert_eq!(widget.text("order-status"), "Paid");
    assert_eq!(widget.text("cart-count"), "0");
}

#[wasm_bindgen_test]
async fn leaving_checkout_by_escape_ends_it() {
    let widget = in_checkout("en-US", quote(None, 12_900_000)).await;
    let escape = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Escape");
        init.set_bubbles(true);
        init
    })
    .unwrap();
    widget.get("checkout").dispatch_event(&escape).unwrap();
    leptos::task::tick().await;
    assert!(widget.find("checkout").is_none(), "the sheet closed");
    widget.sent.borrow_mut().clear();
    widget.actions.dispatch(Msg::Server(ServerMsg::CartChanged {
        cart: Cart::default(),
    }));
    assert!(
        widget.sent.borrow().is_empty(),
        "a closed checkout is not re-priced: {:?}",
        widget.sent.borrow()
    );
}

#[wasm_bindgen_test]
async fn a_wallet_coupon_is_offered_at_checkout_in_the_shoppers_language_and_its_amount_shown() {
    use lapak_protocol::{AppliedCoupon, Coupon, CouponTerms, Off, Wallet};
    let terms = CouponTerms {
        off: Off::Percent { percent: 10 },
        min_spend: 10_000_000,
    };
    let widget = in_checkout("id-ID", quote(None, 12_900_000)).await;
    assert!(
        widget.find("coupon-choice").is_none(),
        "no choice while the wallet holds none"
    );
    let coupon = |code: &str, expires_at_ms| Coupon {
        code: code.into(),
        terms,
        expires_at_ms,
        mission_id: Some("add-to-cart".into()),
        used: false,
    };
    // The second is past its expiry on the server's clock: not offered.
    let wallet = Wallet {
        coins: 0,
        coupons: vec![
            coupon("mission:add-to-cart:show", 1_900_000_000_000),
            coupon("mission:like-30:show", 1),
        ],
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::WalletChanged { wallet }));
    leptos::task::tick().await;
    let choice: web_sys::HtmlSelectElement = widget.get("coupon-choice").unchecked_into();
    let options = choice.query_selector_all("option").unwrap().length();
    assert_eq!(options, 2, "no coupon, and the one still usable");
    let offered = choice
        .query_selector("option:nth-child(2)")
        .unwrap()
        .expect("the coupon's option")
        .text_content()
        .unwrap();
    assert_eq!(
        offered.replace('\u{a0}', " "),
        "Diskon 10% · min. belanja Rp 100.000"
    );
    widget.sent.borrow_mut().clear();
    choice.set_value("mission:add-to-cart:show");
    choice
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    let id = match &widget.sent.borrow()[..] {
        [ClientMsg::Quote {
            id,
            coupon: Some(code),
        }] if code == "mission:add-to-cart:show" => id.clone(),
        other => panic!("expected a Quote with the coupon, sent {other:?}"),
    };
    let mut applied = quote(None, 12_900_000);
    applied.coupon = Some(AppliedCoupon {
        code: "mission:add-to-cart:show".into(),
        terms,
    });
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::Quoted { id, quote: applied }));
    leptos::task::tick().await;
    assert_eq!(widget.text("coupon-off"), "Kupon−Rp 12.900");
    assert_eq!(
        widget.text("total"),
        "Rp 134.100",
        "Rp129.000 − 10 % + Rp18.000"
    );
}
