//! What the browser tests share: a show to mount the widget over, and the
//! mounted widget with what it asked to send.
#![allow(dead_code)] // each test file uses a different subset

use std::cell::RefCell;
use std::rc::Rc;

use lapak::actions::Actions;
use lapak::app::Widget;
use lapak::browser::motion::ReducedMotion;
use lapak::store::{Effect, Lang, Locale, Msg, State};
use lapak_protocol::{
    Activity, Badge, Cart, ClientMsg, CoinPack, Community, Deal, FanClub, Gift, GiftTier, Host,
    Mission, MissionProgress, Money, Period, Pin, Product, Progress, Reward, ServerMsg, Session,
    Show, Variant, Viewer, Wallet, Welcome,
};
use leptos::prelude::*;
use reactive_stores::Store;
use wasm_bindgen::JsCast;

pub fn idr(minor: i64) -> Money {
    Money {
        minor,
        currency: "IDR".into(),
    }
}

pub fn product(id: &str, name: &str, minor: i64, variants: &[(&str, u32)]) -> Product {
    Product {
        id: id.into(),
        name: name.into(),
        names: Default::default(),
        image_url: format!("/media/products/{id}.svg"),
        price: idr(minor),
        max_per_order: 5,
        variants: variants
            .iter()
            .map(|(v, stock)| Variant {
                id: (*v).into(),
                label: v.to_uppercase(),
                labels: Default::default(),
                stock: *stock,
            })
            .collect(),
    }
}

pub fn welcome(products: Vec<Product>, pins: &[&str]) -> Msg {
    welcome_with(products, pins, Vec::new(), Cart::default())
}

pub fn welcome_with(products: Vec<Product>, pins: &[&str], deals: Vec<Deal>, cart: Cart) -> Msg {
    Msg::Server(ServerMsg::Welcome(Box::new(Welcome {
        protocol: 1,
        epoch: 1,
        seq: 1,
        server_time_ms: 0,
        session: Session { token: "t".into() },
        show: Show {
            id: "demo".into(),
            title: "Friday Batik Drop".into(),
            stream_url: String::new(),
            poster_url: String::new(),
            captions: Vec::new(),
            currency: "IDR".into(),
            host: Host {
                name: "Ayu".into(),
                avatar_url: String::new(),
            },
            featured: pins.iter().map(|p| (*p).to_string()).collect(),
            pins: pins
                .iter()
                .map(|p| Pin {
                    product_id: (*p).into(),
                    x: 0.5,
                    y: 0.5,
                    at: 0,
                })
                .collect(),
            tag_log: Vec::new(),
            on_air: lapak_protocol::OnAir::Live,
            starts_at_ms: None,
            replay: None,
            after: lapak_protocol::AfterShow::Replay,
            products,
            deals,
            viewers: 1204,
            gifts: gifts(),
            coin_packs: vec![CoinPack {
                id: "coins-100".into(),
                coins: 100,
                price: idr(1_600_000),
            }],
            leaderboard: Vec::new(),
            community: community(),
            payments: lapak_protocol::Payments::test_cards(),
        },
        you: you(),
        progress: Progress {
            you: you(),
            missions: vec![MissionProgress {
                id: "like-30".into(),
                count: 12,
                done: false,
            }],
            ..Progress::default()
        },
        wallet: Wallet {
            coins: 5,
            ..Wallet::default()
        },
        cart,
        orders: Vec::new(),
    })))
}

/// The shopper, as others see them.
pub fn you() -> Viewer {
    Viewer {
        id: 7,
        name: "user123456".into(),
        ..Viewer::default()
    }
}

/// The show's community side: a pinned message, a free Fan Club, three
/// missions (one granting a badge) and two badges.
pub fn community() -> Community {
    let mission = |id: &str, counts, target, badge: Option<&str>| Mission {
        id: id.into(),
        counts,
        target,
        period: Period::Show,
        reward: Reward {
            badge: badge.map(Into::into),
            points: 10,
            coins: 5,
            coupon: None,
        },
    };
    Community {
        pinned: Some("Free shipping over Rp300.000 today".into()),
        pinned_translations: Default::default(),
        slow_mode_s: 0,
        chat: Vec::new(),
        likes: 1_200,
        club: Some(FanClub {
            name: "Ayu's Circle".into(),
            join_gift: None,
            levels: vec![0, 30, 100],
        }),
        missions: vec![
            mission("like-30", Activity::Like, 30, Some("heart-giver")),
            mission("watch-5", Activity::WatchSeconds, 300, None),
            mission("share", Activity::Share, 1, Some("ambassador")),
        ],
        badges: ["heart-giver", "ambassador"]
            .into_iter()
            .map(|id| Badge {
                id: id.into(),
                name: format!("{id} badge"),
                image_url: format!("/media/badges/{id}.svg"),
            })
            .collect(),
    }
}

pub fn catalogue() -> Vec<Product> {
    vec![
        product("tote", "Woven Pandan Tote", 12_900_000, &[("default", 25)]),
        product(
            "shirt",
            "Batik Parang Shirt",
            18_900_000,
            &[("s", 8), ("m", 0)],
        ),
    ]
}

/// A mounted widget, what it asked to send, and whether it asked to reconnect.
pub struct Mounted {
    pub actions: Actions,
    pub sent: Rc<RefCell<Vec<ClientMsg>>>,
    pub reconnects: Rc<RefCell<u32>>,
    pub root: web_sys::HtmlElement,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// The show's gifts: a cheap one and a large one the starting wallet cannot pay.
pub fn gifts() -> Vec<Gift> {
    [
        ("rose", "Rose", 1, GiftTier::Small),
        ("crown", "Gold Crown", 299, GiftTier::Large),
    ]
    .into_iter()
    .map(|(id, name, coins, tier)| Gift {
        id: id.into(),
        name: name.into(),
        names: Default::default(),
        image_url: format!("/media/gifts/{id}.svg"),
        coins,
        tier,
    })
    .collect()
}

/// The widget over a store set up by `setup`, in locale `tag`.
pub fn mount(tag: &str, setup: Vec<Msg>) -> Mounted {
    mount_with(tag, setup, ReducedMotion(false))
}

/// [`mount`] for a shopper whose motion preference is `motion`.
pub fn mount_with(tag: &str, setup: Vec<Msg>, motion: ReducedMotion) -> Mounted {
    let state = Store::new(State {
        locale: Locale {
            lang: Lang::for_tag(tag),
            tag: tag.into(),
        },
        ..State::default()
    });
    let sent = Rc::new(RefCell::new(Vec::new()));
    let reconnects = Rc::new(RefCell::new(0));
    let (recorder, reconnect_counter) = (sent.clone(), reconnects.clone());
    let actions = Actions::new(state, move |effect| match effect {
        Effect::Send(msg) => recorder.borrow_mut().push(msg),
        Effect::Reconnect => *reconnect_counter.borrow_mut() += 1,
        Effect::SaveToken(_)
        | Effect::Host(_)
        | Effect::CopyLink
        | Effect::CopyLinkAt { .. }
        | Effect::LoadReplay { .. } => {}
    });
    actions.dispatch(Msg::Opened);
    for msg in setup {
        actions.dispatch(msg);
    }
    sent.borrow_mut().clear();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(actions);
        provide_context(motion);
        view! { <Widget state/> }
    });
    handle.forget();
    Mounted {
        actions,
        sent,
        reconnects,
        root,
    }
}

impl Mounted {
    pub fn find(&self, testid: &str) -> Option<web_sys::HtmlElement> {
        self.root
            .query_selector(&format!("[data-testid=\"{testid}\"]"))
            .unwrap()
            .map(|e| e.unchecked_into())
    }

    pub fn get(&self, testid: &str) -> web_sys::HtmlElement {
        self.find(testid)
            .unwrap_or_else(|| panic!("no element with data-testid={testid}"))
    }

    pub fn text(&self, testid: &str) -> String {
        // Intl separates currency and amount with a no-break space.
        self.get(testid)
            .text_content()
            .unwrap_or_default()
            .replace('\u{a0}', " ")
    }
}

/// Types `value` into the input `testid` as a shopper would (an input event).
pub fn type_into(widget: &Mounted, testid: &str, value: &str) {
    let input: web_sys::HtmlInputElement = widget.get(testid).unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    input
        .dispatch_event(&web_sys::Event::new("blur").unwrap())
        .unwrap();
}
