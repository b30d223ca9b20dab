//! Gifts in a real browser (headless Chromium): the wallet, combos, the lane,
//! the spotlight (animated or still) and buying coins. No server: the frames
//! the widget would send are recorded instead.
#![cfg(target_arch = "wasm32")]

mod support;

use gloo_timers::future::TimeoutFuture;
use lapak::browser::motion::ReducedMotion;
use lapak::store::Msg;
use lapak_protocol::{
    ClientMsg, GiftStreak, Gifter, RejectCode, ServerMsg, Viewer, COMBO_WINDOW_MS,
};
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn show() -> Msg {
    welcome(catalogue(), &[])
}

fn gifted(seq: u64, id: u64, from: u64, gift_id: &str, count: u32) -> Msg {
    Msg::Server(ServerMsg::Gifted {
        seq,
        streak: GiftStreak {
            id,
            from: Viewer {
                id: from,
                name: format!("user{from}"),
                ..Viewer::default()
            },
            gift_id: gift_id.into(),
            count,
        },
    })
}

fn gifter(id: u64, coins: u64) -> Gifter {
    Gifter {
        viewer: Viewer {
            id,
            name: format!("user{id}"),
            ..Viewer::default()
        },
        coins,
    }
}

async fn open_gifts(widget: &Mounted) {
    widget.get("gift-button").click();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn a_tap_sends_a_gift_and_spends_at_once_and_the_combo_counts_then_resets() {
    let widget = mount("en-US", vec![show()]);
    leptos::task::tick().await;
    assert_eq!(widget.text("wallet-coins"), "5");
    open_gifts(&widget).await;

    widget.get("gift-rose").click();
    leptos::task::tick().await;
    assert_eq!(widget.text("wallet-coins"), "4", "optimistic");
    assert!(widget.find("combo").is_none(), "one tap is not a combo yet");
    widget.get("gift-rose").click();
    widget.get("gift-rose").click();
    leptos::task::tick().await;
    assert_eq!(widget.text("combo"), "x3");
    assert_eq!(widget.text("gift-balance"), "2");
    {
        let sent = widget.sent.borrow();
        assert_eq!(sent.len(), 3, "each tap is its own command");
        let ids: std::collections::HashSet<_> = sent.iter().filter_map(ClientMsg::id).collect();
        assert_eq!(ids.len(), 3, "with its own id");
        assert!(sent.iter().all(|m| matches!(m,
            ClientMsg::SendGift { gift_id, count: 1, coins: 1, .. } if gift_id == "rose")));
    }

    // The window passes with no tap: the combo is over, and the next tap starts again.
    TimeoutFuture::new(COMBO_WINDOW_MS as u32 + 600).await;
    assert!(
        widget.find("combo").is_none(),
        "the combo resets after the window"
    );
    widget.get("gift-rose").click();
    widget.get("gift-rose").click();
    leptos::task::tick().await;
    assert_eq!(widget.text("combo"), "x2");
}

#[wasm_bindgen_test]
async fn a_gift_the_wallet_cannot_pay_offers_coins_and_sends_nothing() {
    let widget = mount("id-ID", vec![show()]);
    leptos::task::tick().await;
    open_gifts(&widget).await;
    widget.get("gift-crown").click();
    leptos::task::tick().await;
    assert!(widget.sent.borrow().is_empty());
    assert_eq!(widget.text("wallet-coins"), "5", "nothing debited");
    let alert = widget.text("gift-alert");
    assert!(alert.contains("Koin tidak cukup"), "{alert}");
    widget
        .get("gift-alert")
        .query_selector("button")
        .unwrap()
        .expect("a button to get coins")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    leptos::task::tick().await;
    assert!(widget.find("top-up").is_some(), "the top-up sheet opens");
}

#[wasm_bindgen_test]
async fn buying_coins_sends_the_pack_price_shown_and_says_when_they_arrive() {
    let widget = mount("en-US", vec![show()]);
    leptos::task::tick().await;
    widget.get("wallet").click();
    leptos::task::tick().await;
    let pay = widget.text("top-up-pay");
    assert!(pay.contains("Rp 16,000"), "{pay}");

    widget.get("top-up-pay").click();
    leptos::task::tick().await;
    assert!(widget.sent.borrow().is_empty(), "an empty card is not sent");
    type_into(&widget, "field-cardnumber", "4242 4242 4242 4242");
    type_into(&widget, "field-expiry", "12/39");
    type_into(&widget, "field-cvc", "123");
    widget.get("top-up-pay").click();
    leptos::task::tick().await;
    let id = {
        let sent = widget.sent.borrow();
        match &sent[..] {
            [ClientMsg::TopUp {
                id,
                pack_id,
                price,
                card,
            }] => {
                assert_eq!(pack_id, "coins-100");
                assert_eq!(price.minor, 1_600_000);
                assert_eq!(card.last4(), "4242");
                id.clone()
            }
            other => panic!("{other:?}"),
        }
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
    leptos::task::tick().await;
    assert!(widget.text("top-up-done").contains("100 coins added"));
    assert_eq!(widget.text("wallet-coins"), "105");
}

#[wasm_bindgen_test]
async fn a_declined_top_up_is_explained_and_nothing_is_credited() {
    let widget = mount("en-US", vec![show()]);
    leptos::task::tick().await;
    widget.get("wallet").click();
    leptos::task::tick().await;
    type_into(&widget, "field-cardnumber", "4000 0000 0000 0002");
    type_into(&widget, "field-expiry", "12/39");
    type_into(&widget, "field-cvc", "123");
    widget.get("top-up-pay").click();
    leptos::task::tick().await;
    let id = widget.sent.borrow()[0].id().unwrap().to_owned();
    widget.actions.dispatch(Msg::Server(ServerMsg::Reject {
        id,
        code: RejectCode::PaymentDeclined,
        message: String::new(),
    }));
    leptos::task::tick().await;
    assert!(widget.text("top-up-alert").contains("declined"));
    assert_eq!(widget.text("wallet-coins"), "5");
}

#[wasm_bindgen_test]
async fn the_lane_shows_streaks_by_name_with_their_count_and_a_summary_when_full() {
    let widget = mount("en-US", vec![show()]);
    leptos::task::tick().await;
    widget.actions.dispatch(gifted(2, 1, 8, "rose", 1));
    widget.actions.dispatch(gifted(3, 1, 8, "rose", 12));
    widget.actions.dispatch(gifted(4, 2, 7, "rose", 1));
    leptos::task::tick().await;
    let rows = widget
        .root
        .query_selector_all("[data-testid=gift-lane-row]")
        .unwrap();
    assert_eq!(
        rows.length(),
        2,
        "a streak's update changes its row in place"
    );
    let lane = widget.text("gift-lane");
    assert!(lane.contains("user8sent Rosex12"), "{lane}");
    assert!(
        lane.contains("Yousent Rosex1"),
        "the shopper's own gift: {lane}"
    );
    for (seq, id) in (5..).zip(3..40) {
        widget.actions.dispatch(gifted(seq, id, 9, "rose", 2));
    }
    leptos::task::tick().await;
    let rows = widget
        .root
        .query_selector_all("[data-testid=gift-lane-row]")
        .unwrap();
    assert_eq!(rows.length(), 3, "bounded");
    assert_eq!(widget.text("gift-lane-more"), "+72 more gifts");
}

#[wasm_bindgen_test]
async fn a_large_gift_plays_over_the_widget_or_shows_a_still_banner_for_reduced_motion() {
    let moving = mount("en-US", vec![show()]);
    moving.actions.dispatch(gifted(2, 1, 8, "crown", 1));
    leptos::task::tick().await;
    assert!(moving.find("spotlight-animated").is_some());
    assert!(moving.find("spotlight-still").is_none());
    drop(moving);

    let still = mount_with("en-US", vec![show()], ReducedMotion(true));
    still.actions.dispatch(gifted(2, 1, 8, "crown", 1));
    leptos::task::tick().await;
    assert!(still.find("spotlight-animated").is_none());
    let banner = still.text("spotlight-still");
    assert!(banner.contains("user8 sent Gold Crown"), "{banner}");
}

#[wasm_bindgen_test]
async fn the_leaderboard_lists_top_gifters_and_marks_the_shopper() {
    let widget = mount("en-US", vec![show()]);
    widget.actions.dispatch(Msg::Server(ServerMsg::Leaderboard {
        seq: 2,
        top: vec![gifter(8, 1200), gifter(7, 40)],
    }));
    open_gifts(&widget).await;
    let board = widget.text("leaderboard");
    assert!(board.contains("1Uuser81,200"), "{board}");
    let mine = widget
        .root
        .query_selector(".lapak-gifter.is-mine")
        .unwrap()
        .expect("the shopper's row is marked");
    assert!(mine.text_content().unwrap().contains("user7"));
}

/// Counts the elements added under `root` until [`Added::count`] is read.
struct Added {
    found: std::rc::Rc<std::cell::Cell<u32>>,
    observer: web_sys::MutationObserver,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>,
}

/// The elements (not text) that `records` added.
fn elements_added(records: &js_sys::Array) -> u32 {
    records
        .iter()
        .map(|record| {
            record
                .unchecked_into::<web_sys::MutationRecord>()
                .added_nodes()
        })
        .map(|nodes| {
            (0..nodes.length())
                .filter_map(|i| nodes.item(i))
                .filter(|n| n.node_type() == web_sys::Node::ELEMENT_NODE)
                .count() as u32
        })
        .sum()
}

impl Added {
    fn under(root: &web_sys::Element) -> Added {
        let found = std::rc::Rc::new(std::cell::Cell::new(0));
        let counter = found.clone();
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
            move |records: js_sys::Array| counter.set(counter.get() + elements_added(&records)),
        );
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).unwrap();
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        observer.observe_with_options(root, &options).unwrap();
        Added {
            found,
            observer,
            _callback: callback,
        }
    }

    /// Elements added so far (the records not yet delivered included).
    fn count(&self) -> u32 {
        let pending = elements_added(&self.observer.take_records());
        self.found.set(self.found.get() + pending);
        self.found.get()
    }
}

#[wasm_bindgen_test]
async fn a_growing_streak_and_a_climbing_gifter_update_their_rows_in_place() {
    let widget = mount("en-US", vec![show()]);
    widget.actions.dispatch(gifted(2, 1, 8, "rose", 1));
    widget.actions.dispatch(gifted(3, 2, 9, "rose", 1));
    widget.actions.dispatch(Msg::Server(ServerMsg::Leaderboard {
        seq: 4,
        top: vec![gifter(8, 50), gifter(9, 10)],
    }));
    open_gifts(&widget).await;
    leptos::task::tick().await;
    let lane = widget.get("gift-lane");
    let board = widget.get("leaderboard");
    let (in_lane, on_board) = (Added::under(&lane), Added::under(&board));

    for count in 2..=20u32 {
        widget
            .actions
            .dispatch(gifted(3 + u64::from(count), 1, 8, "rose", count));
        leptos::task::tick().await;
    }
    // user9 overtakes user8: the rows swap places; neither is built again.
    widget.actions.dispatch(Msg::Server(ServerMsg::Leaderboard {
        seq: 24,
        top: vec![gifter(9, 900), gifter(8, 60)],
    }));
    leptos::task::tick().await;

    assert!(
        widget.text("gift-lane").contains("user8sent Rosex20"),
        "{}",
        widget.text("gift-lane")
    );
    assert_eq!(
        in_lane.count(),
        0,
        "19 count changes built no element in the lane"
    );
    let text = widget.text("leaderboard");
    assert!(
        text.contains("1Uuser9900") && text.contains("2Uuser860"),
        "{text}"
    );
    // Moving a keyed row re-inserts its element: at most the two rows, never their insides.
    assert!(
        on_board.count() <= 2,
        "{} elements added to the leaderboard",
        on_board.count()
    );
}
