//! Chat and likes in a real browser (headless Chromium): hostile text stays
//! text, the chat follows the newest line until the viewer scrolls up, names
//! carry their club pill and badge, a refused line comes back, and taps are
//! counted at once but sent as one `Like`. No server: frames are recorded.
#![cfg(target_arch = "wasm32")]

mod support;

use gloo_timers::future::TimeoutFuture;
use lapak::browser::motion::ReducedMotion;
use lapak::store::Msg;
use lapak_protocol::{
    ChatEvent, ChatMessage, ClientMsg, GiftStreak, RejectCode, ServerMsg, Viewer, LIKE_BATCH_MS,
};
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn show() -> Msg {
    welcome(catalogue(), &[])
}

fn viewer(id: u64, name: &str) -> Viewer {
    Viewer {
        id,
        name: name.into(),
        ..Viewer::default()
    }
}

fn line(id: u64, from: Viewer, text: &str) -> ChatMessage {
    ChatMessage {
        id,
        from,
        text: text.into(),
        event: None,
    }
}

fn chat(seq: u64, messages: Vec<ChatMessage>) -> Msg {
    Msg::Server(ServerMsg::Chat { seq, messages })
}

/// Lines `ids` from user8, each long enough to take a row.
fn lines(ids: std::ops::Range<u64>) -> Vec<ChatMessage> {
    ids.map(|id| line(id, viewer(8, "user8"), &format!("line {id}")))
        .collect()
}

/// Lets effects run and the next animation frame pass (the chat scrolls then).
async fn settle() {
    TimeoutFuture::new(80).await;
}

fn child(parent: &web_sys::Element, testid: &str) -> web_sys::HtmlElement {
    parent
        .query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {testid}"))
        .unchecked_into()
}

fn at_bottom(log: &web_sys::HtmlElement) -> bool {
    log.scroll_height() - log.scroll_top() - log.client_height() <= 1
}

fn input_value(widget: &Mounted) -> String {
    widget
        .get("chat-input")
        .unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

fn hearts(widget: &Mounted) -> u32 {
    widget
        .get("hearts")
        .query_selector_all(".lapak-heart")
        .unwrap()
        .length()
}

#[wasm_bindgen_test]
async fn hostile_names_and_text_in_the_chat_stay_text() {
    let img = r#"<img src=x onerror="window.__xss=1">"#;
    let script = "<script>window.__xss=2</script>";
    let widget = mount("en-US", vec![show()]);
    widget.actions.dispatch(chat(
        2,
        vec![
            line(1, viewer(8, img), script),
            line(2, viewer(9, script), img),
        ],
    ));
    settle().await;
    let log = widget.get("chat-log");
    assert!(log.query_selector("img, script").unwrap().is_none());
    let xss = js_sys::Reflect::get(&leptos::prelude::window(), &"__xss".into()).unwrap();
    assert!(xss.is_undefined(), "nothing ran");
    let rows = log.query_selector_all("[data-testid=chat-line]").unwrap();
    assert_eq!(rows.length(), 2);
    for (at, (name, said)) in [(img, script), (script, img)].into_iter().enumerate() {
        let row: web_sys::Element = rows.item(at as u32).unwrap().unchecked_into();
        let shown = |selector: &str| {
            let el = row.query_selector(selector).unwrap().unwrap();
            el.text_content().unwrap()
        };
        assert_eq!(shown(".lapak-viewer-label"), name);
        assert_eq!(row.text_content().unwrap(), format!("{name} {said}"));
    }
}

#[wasm_bindgen_test]
async fn the_chat_follows_the_newest_line_until_the_viewer_scrolls_up() {
    let widget = mount("en-US", vec![show()]);
    let log = widget.get("chat-log");
    // No stylesheet in tests: give the list the bounded height it has on screen.
    let style = log.style();
    style.set_property("display", "block").unwrap();
    style.set_property("max-height", "120px").unwrap();
    style.set_property("overflow-y", "auto").unwrap();
    widget.actions.dispatch(chat(2, lines(1..21)));
    settle().await;
    assert!(log.scroll_height() > log.client_height(), "it overflows");
    assert!(at_bottom(&log), "the newest line is in sight");
    widget.actions.dispatch(chat(3, lines(21..24)));
    settle().await;
    assert!(at_bottom(&log), "and stays in sight as lines arrive");
    assert!(widget.find("chat-new-messages").is_none());

    log.set_scroll_top(0);
    settle().await;
    widget.actions.dispatch(chat(4, lines(24..27)));
    settle().await;
    assert_eq!(
        log.scroll_top(),
        0,
        "reading older lines: the list stays put"
    );
    assert_eq!(widget.text("chat-new-messages"), "3 new messages");
    let held = on_screen(&log);
    assert_eq!(
        (held.first().unwrap().as_str(), held.len()),
        ("user8 line 1", 23),
        "and holds still"
    );
    // The viewer's own line shows on its Ack, before lines the server numbered
    // earlier: those count as new too.
    widget.actions.dispatch(chat(5, lines(40..41)));
    settle().await;
    widget.actions.dispatch(chat(6, lines(27..30)));
    settle().await;
    assert_eq!(widget.text("chat-new-messages"), "7 new messages");
    // Past the 50 lines kept, nothing is cut from above the reader.
    widget.actions.dispatch(chat(7, lines(44..74)));
    settle().await;
    assert_eq!(widget.text("chat-new-messages"), "37 new messages");
    assert_eq!(on_screen(&log), held);
    assert_eq!(log.scroll_top(), 0);

    widget.get("chat-new-messages").click();
    settle().await;
    assert!(at_bottom(&log));
    assert!(widget.find("chat-new-messages").is_none());
    let focused = leptos::prelude::document().active_element();
    assert_eq!(
        focused,
        Some(log.clone().into()),
        "focus moves to the lines"
    );
    let newest = on_screen(&log);
    assert_eq!(
        (newest.last().unwrap().as_str(), newest.len()),
        ("user8 line 73", 50)
    );
    widget.actions.dispatch(chat(8, lines(74..77)));
    settle().await;
    assert!(at_bottom(&log), "following again");

    // Their own line brings a reader back to the newest.
    log.set_scroll_top(0);
    settle().await;
    widget
        .actions
        .dispatch(chat(9, vec![line(77, you(), "back to you")]));
    settle().await;
    assert!(at_bottom(&log));
    assert!(widget.find("chat-new-messages").is_none());
    assert_eq!(on_screen(&log).last().unwrap(), "user123456 back to you");
}

/// The chat lines in the DOM, as text.
fn on_screen(log: &web_sys::HtmlElement) -> Vec<String> {
    let rows = log.query_selector_all("[data-testid=chat-line]").unwrap();
    (0..rows.length())
        .map(|i| rows.item(i).unwrap().text_content().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn names_carry_the_club_pill_and_badge_in_the_chat_and_the_gift_lane() {
    let widget = mount("en-US", vec![show()]);
    let fan = Viewer {
        id: 8,
        name: "Rina".into(),
        club: Some(3),
        badge: Some("heart-giver".into()),
    };
    widget
        .actions
        .dispatch(chat(2, vec![line(1, fan.clone(), "love this batik")]));
    widget.actions.dispatch(Msg::Server(ServerMsg::Gifted {
        seq: 3,
        streak: GiftStreak {
            id: 1,
            from: fan,
            gift_id: "rose".into(),
            count: 1,
        },
    }));
    settle().await;
    for place in ["chat-line", "gift-lane-row"] {
        let row = widget.get(place);
        let pill = child(&row, "club-badge");
        assert_eq!(pill.text_content().unwrap(), "Ayu's Circle", "{place}");
        assert_eq!(pill.get_attribute("data-level").unwrap(), "3", "{place}");
        assert_eq!(
            pill.get_attribute("aria-label").unwrap(),
            "Ayu's Circle, level 3"
        );
        let badge = child(&row, "viewer-badge");
        assert_eq!(badge.get_attribute("alt").unwrap(), "heart-giver badge");
        assert!(badge
            .get_attribute("src")
            .unwrap()
            .ends_with("heart-giver.svg"));
    }
}

#[wasm_bindgen_test]
async fn server_lines_are_told_from_the_catalogue_and_unknown_ones_are_not_shown() {
    let widget = mount("id-ID", vec![show()]);
    let event = |id, event| ChatMessage {
        event: Some(event),
        ..line(id, viewer(8, "Rina"), "")
    };
    widget.actions.dispatch(chat(
        2,
        vec![
            event(1, ChatEvent::JoinedClub),
            event(2, ChatEvent::LevelUp { level: 2 }),
            event(3, ChatEvent::Unknown),
        ],
    ));
    settle().await;
    let log = widget.get("chat-log");
    let rows = log.query_selector_all(".lapak-chat-line.is-event").unwrap();
    assert_eq!(rows.length(), 2, "the unknown event is not shown");
    let text = widget.text("chat-log");
    assert!(
        text.contains("Rina bergabung dengan Ayu's Circle"),
        "{text}"
    );
    assert!(text.contains("Rina mencapai level 2"), "{text}");
    assert_eq!(
        widget.text("chat-pinned"),
        "Disematkan oleh host: Free shipping over Rp300.000 today"
    );
}

#[wasm_bindgen_test]
async fn a_line_is_sent_trimmed_and_cleared_and_a_refused_one_comes_back_with_why() {
    let widget = mount("en-US", vec![show()]);
    type_into(&widget, "chat-input", "  hello Ayu!  ");
    leptos::task::tick().await;
    widget.get("chat-send").click();
    leptos::task::tick().await;
    let id = match &widget.sent.borrow()[..] {
        [ClientMsg::Chat { id, text }] => {
            assert_eq!(text, "hello Ayu!");
            id.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(input_value(&widget), "");

    widget.actions.dispatch(Msg::Server(ServerMsg::Reject {
        id,
        code: RejectCode::RateLimited,
        message: String::new(),
    }));
    settle().await;
    assert_eq!(input_value(&widget), "hello Ayu!", "the line comes back");
    assert_eq!(
        widget.text("chat-alert"),
        "You're sending messages too fast — wait a moment"
    );
    child(&widget.get("chat-alert"), "chat-alert-dismiss").click();
    leptos::task::tick().await;
    assert_eq!(widget.text("chat-alert"), "");

    // Enter sends too (the form's implicit submission).
    widget
        .get("chat-input")
        .closest("form")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlFormElement>()
        .request_submit()
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(widget.sent.borrow().len(), 2, "sent again, with a new id");
    assert_eq!(input_value(&widget), "");

    // Its Ack brings the line as everyone sees it: shown at once as the
    // viewer's own, and once only when the show's next Chat brings it too.
    let id = match &widget.sent.borrow()[1] {
        ClientMsg::Chat { id, .. } => id.clone(),
        other => panic!("{other:?}"),
    };
    let mine = line(9, you(), "hello Ayu!");
    widget.actions.dispatch(Msg::Server(ServerMsg::Ack {
        id,
        cart: None,
        order: None,
        wallet: None,
        chat: Some(mine.clone()),
    }));
    settle().await;
    let shown = |widget: &Mounted| {
        let rows = widget
            .get("chat-log")
            .query_selector_all(".lapak-chat-line.is-mine")
            .unwrap();
        (0..rows.length())
            .map(|i| rows.item(i).unwrap().text_content().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(&widget), ["user123456 hello Ayu!"]);
    widget
        .actions
        .dispatch(chat(2, vec![line(8, viewer(8, "Rina"), "hi"), mine]));
    settle().await;
    assert_eq!(shown(&widget), ["user123456 hello Ayu!"], "once");
    assert_eq!(
        widget
            .get("chat-log")
            .query_selector_all("[data-testid=chat-line]")
            .unwrap()
            .length(),
        2
    );
}

#[wasm_bindgen_test]
async fn likes_count_at_once_float_hearts_and_go_as_one_batch() {
    let widget = mount("en-US", vec![show()]);
    leptos::task::tick().await;
    assert_eq!(widget.text("like-count"), "1,200");
    for _ in 0..5 {
        widget.get("like-button").click();
    }
    leptos::task::tick().await;
    assert_eq!(widget.text("like-count"), "1,205", "counted at once");
    assert_eq!(hearts(&widget), 5);
    assert_eq!(
        widget
            .get("hearts")
            .query_selector_all(".lapak-heart.is-mine")
            .unwrap()
            .length(),
        5
    );
    assert!(
        widget.sent.borrow().is_empty(),
        "gathered, not sent per tap"
    );

    TimeoutFuture::new(LIKE_BATCH_MS as u32 + 600).await;
    assert!(
        matches!(
            &widget.sent.borrow()[..],
            [ClientMsg::Like { count: 5, .. }]
        ),
        "{:?}",
        widget.sent.borrow()
    );

    // A double tap on the video likes too.
    let area = widget.get("like-area");
    for _ in 0..2 {
        let up = web_sys::PointerEvent::new("pointerup").unwrap();
        area.dispatch_event(&up).unwrap();
    }
    leptos::task::tick().await;
    assert_eq!(widget.text("like-count"), "1,206");
}

#[wasm_bindgen_test]
async fn under_reduced_motion_no_hearts_float_but_the_count_still_rises() {
    let widget = mount_with("en-US", vec![show()], ReducedMotion(true));
    for _ in 0..3 {
        widget.get("like-button").click();
    }
    leptos::task::tick().await;
    assert_eq!(widget.text("like-count"), "1,203");
    assert_eq!(hearts(&widget), 0);
}
