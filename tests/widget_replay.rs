//! An ended show's replay in a real browser (headless Chromium): the widget
//! mounted over a replay's `Welcome` and its log, driven by clicks, checked in
//! the DOM. No server and no recording: the seek bar shows where the store
//! asked the picture to go.
#![cfg(target_arch = "wasm32")]

mod support;

use lapak::store::Msg;
use lapak_protocol::replay::{ReplayInfo, ReplayLog};
use lapak_protocol::{ChatMessage, Deal, OnAir, Pin, ServerMsg, Viewer};
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Programme time the replay starts at; it lasts 45 minutes.
const T0: i64 = 1_764_748_800_000;
const LOG_URL: &str = "/api/v1/shows/demo/replay/log";

fn replay_welcome() -> Msg {
    let Msg::Server(ServerMsg::Welcome(mut welcome)) = welcome(catalogue(), &[]) else {
        unreachable!("support::welcome is a Welcome")
    };
    welcome.show.on_air = OnAir::Ended;
    welcome.show.replay = Some(ReplayInfo {
        // No recording: the player has no programme time to report.
        video_url: String::new(),
        log_url: LOG_URL.into(),
        starts_ms: T0,
        ends_ms: T0 + 45 * 60_000,
        chat: true,
    });
    Msg::Server(ServerMsg::Welcome(welcome))
}

fn pinned(product: &str, at: i64) -> (i64, ServerMsg) {
    let pin = Pin {
        product_id: product.into(),
        x: 0.5,
        y: 0.5,
        at,
    };
    (at, ServerMsg::Pinned { seq: 0, pin })
}

/// The tote shown at 1:00 on a flash deal until 1:30, a question at 2:00,
/// the shirt shown at 12:30.
fn log() -> ReplayLog {
    let deal = Deal {
        id: "tote@60".into(),
        product_id: "tote".into(),
        price: idr(9_900_000),
        starts_at_ms: T0 + 60_000,
        ends_at_ms: T0 + 90_000,
        quantity: 8,
        remaining: 8,
        per_buyer: 2,
    };
    let line = ChatMessage {
        id: 9,
        from: Viewer {
            id: 40,
            name: "sari".into(),
            ..Viewer::default()
        },
        text: "is the tote waterproof?".into(),
        event: None,
    };
    ReplayLog {
        starts_ms: T0,
        ends_ms: T0 + 45 * 60_000,
        events: vec![
            pinned("tote", T0 + 60_000),
            (T0 + 60_000, ServerMsg::DealStarted { seq: 0, deal }),
            (
                T0 + 90_000,
                ServerMsg::DealEnded {
                    seq: 0,
                    deal_id: "tote@60".into(),
                    stopped: false,
                },
            ),
            (
                T0 + 120_000,
                ServerMsg::Chat {
                    seq: 0,
                    messages: vec![line],
                },
            ),
            pinned("shirt", T0 + 750_000),
        ],
    }
}

/// The replay, its log loaded, in locale `tag`.
async fn replay(tag: &str) -> Mounted {
    let loaded = Msg::ReplayLoaded {
        url: LOG_URL.into(),
        log: log(),
    };
    let widget = mount(tag, vec![replay_welcome(), loaded]);
    leptos::task::tick().await;
    widget
}

fn attribute(element: &web_sys::HtmlElement, name: &str) -> String {
    element.get_attribute(name).unwrap_or_default()
}

fn testids(widget: &Mounted, prefix: &str) -> Vec<String> {
    let list = widget
        .root
        .query_selector_all(&format!("[data-testid^=\"{prefix}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>())
        .filter_map(|e| e.get_attribute("data-testid"))
        .collect()
}

#[wasm_bindgen_test]
async fn a_replay_says_so_and_has_a_named_seek_bar_instead_of_the_chat_field_and_heart() {
    let widget = replay("en-US").await;
    assert_eq!(widget.text("replay-badge"), "REPLAY");
    assert!(widget.find("live-badge").is_none());
    let bar = widget.get("seek-bar");
    assert_eq!(attribute(&bar, "type"), "range");
    assert_eq!(attribute(&bar, "aria-label"), "Replay position");
    assert_eq!(attribute(&bar, "aria-valuetext"), "0:00 of 45:00");
    let marks = widget.root.query_selector_all(".lapak-seek-mark").unwrap();
    assert_eq!(marks.length(), 3, "two products shown and a deal");
    assert!(
        widget.find("chat-input").is_none(),
        "nobody is live to read it"
    );
    assert!(widget.find("like-button").is_none());
    assert_eq!(widget.text("replay-likes"), "1,200");
    assert_ne!(
        widget
            .find("picture-status")
            .and_then(|s| s.get_attribute("data-state"))
            .as_deref(),
        Some("ended"),
        "a replay is not announced as over"
    );
}

#[wasm_bindgen_test]
async fn the_moment_on_screen_shows_its_chat_and_its_deal_as_ended() {
    let widget = replay("en-US").await;
    widget.actions.dispatch(Msg::Playhead(Some(T0 + 70_000)));
    leptos::task::tick().await;
    let tag = widget.text("tag-tote");
    assert!(
        tag.contains("Flash deal ended") && tag.contains("Rp 129,000"),
        "today's price, the deal over: {tag}"
    );
    assert!(widget.find("deal-countdown").is_none());
    assert!(widget.find("chat-line").is_none(), "not said yet");
    widget.actions.dispatch(Msg::Playhead(Some(T0 + 130_000)));
    leptos::task::tick().await;
    assert!(widget.text("chat-line").contains("is the tote waterproof?"));
    assert!(widget.find("deal-ended").is_none());
}

#[wasm_bindgen_test]
async fn a_chapter_button_moves_the_picture_to_where_its_product_was_shown() {
    let widget = replay("en-US").await;
    assert_eq!(
        testids(&widget, "shelf-item-"),
        ["shelf-item-tote", "shelf-item-shirt"],
        "chapters in the order shown"
    );
    let chapter = widget.get("chapter-shirt");
    assert_eq!(
        attribute(&chapter, "aria-label"),
        "See Batik Parang Shirt in the show, at 12:30"
    );
    chapter.click();
    leptos::task::tick().await;
    let bar: web_sys::HtmlInputElement = widget.get("seek-bar").unchecked_into();
    assert_eq!(attribute(&bar, "aria-valuetext"), "12:30 of 45:00");
    // The value property can land a tick after the attribute.
    leptos::task::tick().await;
    assert_eq!(bar.value(), "750");
}

#[wasm_bindgen_test]
async fn a_shown_product_keeps_its_shelf_row_when_the_log_makes_it_a_chapter() {
    let Msg::Server(ServerMsg::Welcome(mut welcome)) = replay_welcome() else {
        unreachable!("replay_welcome is a Welcome")
    };
    welcome.show.featured = vec!["tote".into()];
    let widget = mount("en-US", vec![Msg::Server(ServerMsg::Welcome(welcome))]);
    leptos::task::tick().await;
    let row = widget.get("shelf-item-tote");
    assert!(
        widget.find("chapter-tote").is_none(),
        "no chapters before the log"
    );
    widget.actions.dispatch(Msg::ReplayLoaded {
        url: LOG_URL.into(),
        log: log(),
    });
    leptos::task::tick().await;
    assert!(
        row.is_same_node(Some(&widget.get("shelf-item-tote"))),
        "the product's row stays, with its chapter button added"
    );
    assert!(row.contains(Some(&widget.get("chapter-tote"))));
}

#[wasm_bindgen_test]
async fn the_seek_bar_moves_the_picture_when_let_go() {
    let widget = replay("en-US").await;
    let bar: web_sys::HtmlInputElement = widget.get("seek-bar").unchecked_into();
    bar.set_value("90");
    bar.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(attribute(&bar, "aria-valuetext"), "1:30 of 45:00");
    bar.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    leptos::task::tick().await;
    // Let go, the thumb shows where the store asked the picture to go.
    assert_eq!(attribute(&bar, "aria-valuetext"), "1:30 of 45:00");
    assert_eq!(bar.value(), "90");
}

#[wasm_bindgen_test]
async fn a_replay_in_indonesian() {
    let widget = replay("id-ID").await;
    assert_eq!(widget.text("replay-badge"), "SIARAN ULANG");
    assert!(
        widget.find("viewer-count").is_none(),
        "a replay counts no audience: no \"0 menonton\""
    );
    let bar = widget.get("seek-bar");
    assert_eq!(attribute(&bar, "aria-label"), "Posisi siaran ulang");
    assert_eq!(attribute(&bar, "aria-valuetext"), "0:00 dari 45:00");
    assert!(widget.text("chapter-tote").starts_with("Lihat di siaran"));
    let moments: Vec<String> = {
        let chips = widget
            .root
            .query_selector_all("[data-testid=top-moment]")
            .unwrap();
        (0..chips.length())
            .filter_map(|i| chips.item(i))
            .filter_map(|c| {
                c.unchecked_into::<web_sys::Element>()
                    .get_attribute("aria-label")
            })
            .collect()
    };
    assert_eq!(
        moments,
        [
            "Flash Sale: Woven Pandan Tote, pada 1:00",
            "Woven Pandan Tote · Chat ramai, pada 1:57",
            "Batik Parang Shirt, pada 12:27"
        ]
    );
    widget.get("missions-button").click();
    leptos::task::tick().await;
    assert!(widget.text("mission-like-30").contains("Hanya saat live"));
    assert!(
        !widget.text("mission-share").contains("Hanya saat live"),
        "sharing counts in a replay too"
    );
    widget.actions.dispatch(Msg::Playhead(Some(T0 + 70_000)));
    leptos::task::tick().await;
    assert!(widget.text("tag-tote").contains("Flash Sale berakhir"));
}
