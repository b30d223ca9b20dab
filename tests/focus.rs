//! Where keyboard focus goes as sheets open and close, in a real browser
//! (headless Chromium): into a sheet when it opens; back to what opened it
//! when it closes, by Escape, by its close button or at the end of its flow;
//! to the cart button when the opener is gone; never to `<body>`.
#![cfg(target_arch = "wasm32")]

mod support;

use lapak::store::Msg;
use lapak_protocol::{ClientMsg, ServerMsg};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits two animation frames (focus moves once a closed sheet's frame is
/// laid out), then lets the reactive system settle.
async fn frames() {
    for _ in 0..2 {
        let frame = js_sys::Promise::new(&mut |resolve, _| {
            window().request_animation_frame(&resolve).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(frame).await.unwrap();
    }
    leptos::task::tick().await;
}

/// The focused element's `data-testid`, or its tag name.
fn focused() -> String {
    let active = document().active_element().expect("an active element");
    active
        .get_attribute("data-testid")
        .unwrap_or_else(|| active.tag_name())
}

/// Presses Escape where focus is, as a keyboard does.
fn escape() {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document()
        .active_element()
        .expect("an active element")
        .dispatch_event(&event)
        .unwrap();
}

/// Focuses `opener` and presses it; checks focus went into `sheet`.
async fn open(widget: &Mounted, opener: &str, sheet: &str) {
    let button = widget.get(opener);
    button.focus().unwrap();
    button.click();
    frames().await;
    let active = document().active_element().unwrap();
    assert!(
        widget.get(sheet).contains(Some(&active)),
        "{opener} opened {sheet} and focus is in it, not on {}",
        focused()
    );
}

/// The open sheet's close button (its `aria-label` is "Close").
fn close_button(widget: &Mounted, sheet: &str) -> web_sys::HtmlElement {
    widget
        .get(sheet)
        .query_selector("[aria-label='Close']")
        .unwrap()
        .expect("a close button")
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn every_sheet_gives_focus_back_to_its_opener_closed_by_escape_or_its_button() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["tote"])]);
    leptos::task::tick().await;
    for (opener, sheet) in [
        ("shelf-button", "shelf"),
        ("cart-button", "cart-drawer"),
        ("gift-button", "gift-sheet"),
        ("wallet", "top-up"),
        ("missions-button", "missions-sheet"),
    ] {
        open(&widget, opener, sheet).await;
        escape();
        frames().await;
        assert_eq!(focused(), opener, "{sheet} closed by Escape");

        open(&widget, opener, sheet).await;
        close_button(&widget, sheet).click();
        frames().await;
        assert_eq!(focused(), opener, "{sheet} closed by its button");
    }
}

#[wasm_bindgen_test]
async fn a_sheet_opened_from_another_returns_focus_to_the_first_opener() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["tote"])]);
    leptos::task::tick().await;
    open(&widget, "gift-button", "gift-sheet").await;
    widget.get("get-coins").click();
    frames().await;
    assert!(widget.find("top-up").is_some());
    escape();
    frames().await;
    assert_eq!(
        focused(),
        "gift-button",
        "the top-up came from the gift panel"
    );
}

#[wasm_bindgen_test]
async fn a_picker_whose_tag_went_away_gives_focus_to_the_cart_button() {
    let widget = mount("en-US", vec![welcome(catalogue(), &["shirt"])]);
    leptos::task::tick().await;
    open(&widget, "tag-shirt", "picker").await;
    widget.actions.dispatch(Msg::Server(ServerMsg::Unpinned {
        seq: 2,
        product_id: "shirt".into(),
        at: 10_000,
    }));
    frames().await;
    assert!(widget.find("tag-shirt").is_none(), "the tag is gone");
    escape();
    frames().await;
    assert_eq!(focused(), "cart-button", "the widget's home, never <body>");
}

#[wasm_bindgen_test]
async fn after_buying_coins_focus_stays_in_the_sheet_and_escape_gives_it_back_to_the_wallet() {
    let widget = mount("en-US", vec![welcome(catalogue(), &[])]);
    leptos::task::tick().await;
    open(&widget, "wallet", "top-up").await;
    type_into(&widget, "field-cardnumber", "4242 4242 4242 4242");
    type_into(&widget, "field-expiry", "12/39");
    type_into(&widget, "field-cvc", "123");
    let pay = widget.get("top-up-pay");
    pay.focus().unwrap();
    pay.click();
    leptos::task::tick().await;
    let id = match &widget.sent.borrow()[..] {
        [ClientMsg::TopUp { id, .. }] => id.clone(),
        other => panic!("{other:?}"),
    };
    widget.actions.dispatch(Msg::Server(ServerMsg::Ack {
        id,
        cart: None,
        order: None,
        wallet: Some(lapak_protocol::Wallet {
            coins: 105,
            ..Default::default()
        }),
        chat: None,
    }));
    frames().await;
    assert!(widget.find("top-up-done").is_some());
    assert!(
        widget.find("top-up-pay").is_none(),
        "the pay button is gone"
    );
    let active = document().active_element().unwrap();
    assert!(
        widget.get("top-up").contains(Some(&active)),
        "focus stays in the sheet, not on {}",
        focused()
    );
    escape();
    frames().await;
    assert_eq!(focused(), "wallet", "Escape still works and focus is back");
}
