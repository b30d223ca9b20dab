//! Reducer tests: plain `cargo test`, no browser.
use super::*;
use lapak_protocol::{
    CartLine, CoinPack, Gift, GiftTier, Host, Money, Progress, Quote, Resume, Session, Show,
    Variant, Viewer, Wallet, MAX_LINE_QUANTITY,
};

mod checkout;
mod community;
mod coupons;
mod ended;
mod gifting;
mod outbox;
mod payments;
mod picture;
mod replay;

fn idr(minor: i64) -> Money {
    Money {
        minor,
        currency: "IDR".into(),
    }
}

fn product(id: &str, variants: &[&str]) -> Product {
    Product {
        id: id.into(),
        name: format!("{id} name"),
        names: Default::default(),
        image_url: format!("/media/products/{id}.svg"),
        price: idr(4_500_000),
        max_per_order: 5,
        variants: variants
            .iter()
            .map(|v| Variant {
                id: (*v).into(),
                label: v.to_uppercase(),
                labels: Default::default(),
                stock: 10,
            })
            .collect(),
    }
}

fn pin(product_id: &str) -> Pin {
    Pin {
        product_id: product_id.into(),
        x: 0.5,
        y: 0.5,
        at: 1_000,
    }
}

fn welcome(seq: u64, cart: Cart) -> ServerMsg {
    ServerMsg::Welcome(Box::new(Welcome {
        protocol: PROTOCOL_VERSION,
        epoch: 1,
        seq,
        server_time_ms: 0,
        session: Session {
            token: "t0ken".into(),
        },
        show: Show {
            id: "demo".into(),
            title: "Friday".into(),
            stream_url: "/media/stream.mp4".into(),
            poster_url: "/media/poster.jpg".into(),
            captions: Vec::new(),
            currency: "IDR".into(),
            host: Host {
                name: "Ayu".into(),
                avatar_url: "/media/host.svg".into(),
            },
            products: vec![product("tote", &["default"]), product("shirt", &["s", "m"])],
            featured: vec!["tote".into()],
            pins: vec![pin("tote")],
            tag_log: Vec::new(),
            on_air: lapak_protocol::OnAir::Live,
            starts_at_ms: None,
            replay: None,
            after: lapak_protocol::AfterShow::Replay,
            deals: Vec::new(),
            viewers: 4,
            gifts: vec![
                gift("rose", 1, GiftTier::Small),
                gift("crown", 299, GiftTier::Large),
            ],
            coin_packs: vec![CoinPack {
                id: "coins-100".into(),
                coins: 100,
                price: idr(1_600_000),
            }],
            leaderboard: Vec::new(),
            community: community::show_side(),
            payments: lapak_protocol::Payments::test_cards(),
        },
        you: you(),
        progress: Progress {
            you: you(),
            missions: community::progress_of(&[("like-30", 0), ("comment-3", 0)]),
            ..Progress::default()
        },
        wallet: Wallet {
            coins: 5,
            ..Wallet::default()
        },
        cart,
        orders: Vec::new(),
    }))
}

fn you() -> Viewer {
    Viewer {
        id: 7,
        name: "user123456".into(),
        ..Viewer::default()
    }
}

fn gift(id: &str, coins: u32, tier: GiftTier) -> Gift {
    Gift {
        id: id.into(),
        name: format!("{id} name"),
        names: Default::default(),
        image_url: format!("/media/gifts/{id}.svg"),
        coins,
        tier,
    }
}

fn line(product_id: &str, variant_id: &str, quantity: u32) -> CartLine {
    CartLine {
        product_id: product_id.into(),
        variant_id: variant_id.into(),
        quantity,
        unit_price: idr(4_500_000),
    }
}

/// A host page's line with the page's own price.
fn priced(line: CartLine) -> HostLine {
    HostLine {
        product_id: line.product_id,
        variant_id: line.variant_id,
        quantity: line.quantity,
        unit_price: Some(line.unit_price),
    }
}

fn live() -> State {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    apply(&mut state, Msg::Server(welcome(10, Cart::default())));
    state
}

fn change(id: &str, product_id: &str, variant_id: &str, change: LineChange) -> Msg {
    Msg::ChangeCart {
        id: id.into(),
        edit: CartEdit {
            product_id: product_id.into(),
            variant_id: variant_id.into(),
            change,
        },
    }
}

fn add(id: &str, product_id: &str, variant_id: &str) -> Msg {
    change(id, product_id, variant_id, LineChange::Add(1))
}

#[test]
fn opening_the_socket_says_hello_with_the_kept_token() {
    let mut state = State {
        token: Some("kept".into()),
        ..State::default()
    };
    let effects = apply(&mut state, Msg::Opened);
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: Some("kept".into()),
            show: None,
            resume: None,
        })]
    );
}

#[test]
fn welcome_snapshot_replaces_state_and_saves_a_new_token() {
    let mut state = State {
        pins: vec![pin("stale")],
        featured: vec!["stale".into()],
        cart: Cart {
            bought: Vec::new(),
            lines: vec![line("stale", "default", 3)],
        },
        seq: 99,
        ..State::default()
    };
    let effects = apply(
        &mut state,
        Msg::Server(welcome(
            10,
            Cart {
                bought: Vec::new(),
                lines: vec![line("tote", "default", 1)],
            },
        )),
    );
    assert_eq!(
        effects,
        vec![
            Effect::SaveToken("t0ken".into()),
            Effect::Host(HostEvent::Ready {
                show: "demo".into()
            })
        ]
    );
    assert_eq!(state.link, Link::Live);
    assert_eq!(state.pins, vec![pin("tote")]);
    assert_eq!(state.featured, vec!["tote".to_string()]);
    assert_eq!(state.cart.lines, vec![line("tote", "default", 1)]);
    assert_eq!((state.seq, state.epoch, state.viewers), (10, 1, 4));
    assert_eq!(
        state.show.as_ref().map(|s| s.currency.as_str()),
        Some("IDR")
    );
}

#[test]
fn pin_adds_a_tag_and_features_the_product_once() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::Pinned {
            seq: 11,
            pin: pin("shirt"),
        }),
    );
    assert_eq!(state.pins.len(), 2);
    assert_eq!(
        state.featured,
        vec!["tote".to_string(), "shirt".to_string()]
    );

    let moved = Pin {
        x: 0.2,
        ..pin("shirt")
    };
    apply(
        &mut state,
        Msg::Server(ServerMsg::Pinned {
            seq: 12,
            pin: moved.clone(),
        }),
    );
    assert_eq!(
        state.pins,
        vec![pin("tote"), moved],
        "a re-pin moves the tag"
    );
    assert_eq!(state.featured.len(), 2);
}

#[test]
fn unpin_removes_the_tag_but_keeps_the_product_on_the_shelf() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::Unpinned {
            seq: 11,
            product_id: "tote".into(),
            at: 2_000,
        }),
    );
    assert!(state.pins.is_empty());
    assert_eq!(state.featured, vec!["tote".to_string()]);
}

#[test]
fn events_already_applied_are_dropped() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::Unpinned {
            seq: 10,
            product_id: "tote".into(),
            at: 2_000,
        }),
    );
    assert_eq!(state.pins.len(), 1, "seq 10 is already in the snapshot");
    apply(
        &mut state,
        Msg::Server(ServerMsg::ViewerCount { seq: 11, count: 9 }),
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::ViewerCount { seq: 11, count: 1 }),
    );
    assert_eq!(state.viewers, 9, "a duplicate seq is applied once");
}

#[test]
fn optimistic_add_counts_at_once_and_ack_confirms() {
    let mut state = live();
    let effects = apply(&mut state, add("c1", "tote", "default"));
    assert_eq!(state.cart_view().count(), 1);
    assert!(state.cart_view().lines[0].pending);
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::AddToCart {
            id: "c1".into(),
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1
        })]
    );

    let cart = Cart {
        bought: Vec::new(),
        lines: vec![line("tote", "default", 1)],
    };
    apply(
        &mut state,
        Msg::Server(ServerMsg::Ack {
            id: "c1".into(),
            cart: Some(cart.clone()),
            order: None,
            wallet: None,
            chat: None,
        }),
    );
    assert!(state.outbox.is_empty());
    assert_eq!(state.cart, cart);
    let view = state.cart_view();
    assert_eq!((view.count(), view.lines[0].pending), (1, false));
}

#[test]
fn reject_rolls_back_and_tells_why() {
    let mut state = live();
    apply(&mut state, add("c1", "tote", "default"));
    apply(
        &mut state,
        Msg::Server(ServerMsg::Reject {
            id: "c1".into(),
            code: RejectCode::OutOfStock,
            message: "none left".into(),
        }),
    );
    assert_eq!(state.cart_view().count(), 0);
    assert_eq!(
        state.notice,
        Some(Notice {
            id: "c1".into(),
            kind: NoticeKind::Refused(RejectCode::OutOfStock),
            product_id: Some("tote".into())
        })
    );
    apply(&mut state, Msg::DismissNotice);
    assert_eq!(state.notice, None);
}

#[test]
fn reject_of_one_command_keeps_the_others() {
    let mut state = live();
    apply(&mut state, add("c1", "tote", "default"));
    apply(&mut state, add("c2", "shirt", "m"));
    apply(&mut state, reject("c1", RejectCode::OutOfStock));
    let view = state.cart_view();
    assert_eq!(view.lines.len(), 1);
    assert_eq!(view.lines[0].variant_id, "m");
}

#[test]
fn set_quantity_changes_and_zero_removes_the_line() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged {
            cart: Cart {
                bought: Vec::new(),
                lines: vec![line("shirt", "s", 2)],
            },
        }),
    );
    apply(&mut state, change("q", "shirt", "s", LineChange::Set(3)));
    assert_eq!(state.cart_view().count(), 3);
    apply(&mut state, change("r", "shirt", "s", LineChange::Set(0)));
    assert!(state.cart_view().lines.is_empty());
}

#[test]
fn subtotal_sums_line_totals_in_minor_units() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged {
            cart: Cart {
                bought: Vec::new(),
                lines: vec![line("shirt", "s", 2), line("tote", "default", 1)],
            },
        }),
    );
    assert_eq!(state.cart_view().subtotal(), Some(idr(13_500_000)));
    assert_eq!(CartView::default().subtotal(), None);
}

#[test]
fn adds_while_offline_wait_and_are_resent_with_their_ids_on_welcome() {
    let mut state = live();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    let effects = apply(&mut state, add("c9", "tote", "default"));
    assert!(effects.is_empty(), "nothing is sent on a closed socket");
    assert_eq!(state.cart_view().count(), 1, "but the shopper sees it");

    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(12, Cart::default())));
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::AddToCart {
            id: "c9".into(),
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1
        })],
        "same id, so the server applies it once; token unchanged so not saved again"
    );
}

#[test]
fn out_of_bounds_quantities_are_refused_locally() {
    let mut state = live();
    let effects = apply(
        &mut state,
        change(
            "x",
            "tote",
            "default",
            LineChange::Set(MAX_LINE_QUANTITY + 1),
        ),
    );
    assert!(effects.is_empty());
    assert!(state.outbox.is_empty());
    assert_eq!(
        state.notice.map(|n| n.kind),
        Some(NoticeKind::Refused(RejectCode::QuantityLimit))
    );
}

#[test]
fn unknown_events_change_nothing() {
    let mut state = live();
    let before = state.clone();
    assert!(apply(&mut state, Msg::Server(ServerMsg::Unknown)).is_empty());
    assert_eq!(state, before);
}

#[test]
fn stock_changes_reach_the_variant() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::StockChanged {
            seq: 11,
            product_id: "shirt".into(),
            variant_id: "m".into(),
            stock: 0,
        }),
    );
    assert_eq!(state.product("shirt").unwrap().variants[1].stock, 0);
    assert_eq!(state.product("shirt").unwrap().variants[0].stock, 10);
}

#[test]
fn language_follows_the_locale_tag() {
    assert_eq!(Lang::for_tag("id-ID"), Lang::Id);
    assert_eq!(Lang::for_tag("in"), Lang::Id);
    assert_eq!(Lang::for_tag("en-GB"), Lang::En);
    assert_eq!(Lang::for_tag("idk"), Lang::En);
    assert_eq!(Lang::for_tag(""), Lang::En);
}

#[test]
fn names_are_read_in_the_shoppers_language_and_the_brands_wording_elsewhere() {
    let translated = |lang: Lang| {
        let mut state = State {
            locale: Locale {
                lang,
                tag: String::new(),
            },
            ..State::default()
        };
        let ServerMsg::Welcome(mut welcome) = welcome(1, Cart::default()) else {
            unreachable!()
        };
        let shirt = &mut welcome.show.products[1];
        shirt.names.insert("id".into(), "Kemeja".into());
        shirt.variants[0].labels.insert("id".into(), "Kecil".into());
        welcome.show.gifts[0]
            .names
            .insert("id".into(), "Mawar".into());
        apply(&mut state, Msg::Server(ServerMsg::Welcome(welcome)));
        let shirt = state.product("shirt").unwrap();
        let names = (
            shirt.name.clone(),
            shirt.variants[0].label.clone(),
            state.gifting.catalogue[0].name.clone(),
        );
        assert!(shirt.names.is_empty() && shirt.variants[0].labels.is_empty());
        names
    };
    assert_eq!(
        translated(Lang::Id),
        ("Kemeja".into(), "Kecil".into(), "Mawar".into())
    );
    let brands = translated(Lang::En);
    assert_eq!(
        brands.0,
        product("shirt", &["s"]).name,
        "no English translation: the brand's name"
    );
}

#[test]
fn a_viewer_that_applied_events_asks_to_resume_after_the_last() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::ViewerCount { seq: 11, count: 2 }),
    );
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    let effects = apply(&mut state, Msg::Opened);
    assert!(matches!(
        &effects[..],
        [Effect::Send(ClientMsg::Hello { resume: Some(Resume { epoch: 1, seq: 11 }), token: Some(t), .. })] if t == "t0ken"
    ));
}

#[test]
fn resumed_restores_the_cart_resends_pending_and_replayed_events_apply_in_order() {
    let mut state = live();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(&mut state, add("c7", "tote", "default"));
    apply(&mut state, Msg::Opened);
    let cart = Cart {
        bought: Vec::new(),
        lines: vec![line("shirt", "s", 1)],
    };
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Resumed {
            epoch: 1,
            seq: 10,
            session: Session {
                token: "t0ken".into(),
            },
            cart: cart.clone(),
            orders: Vec::new(),
            wallet: Wallet {
                coins: 5,
                ..Wallet::default()
            },
            progress: Box::default(),
        }),
    );
    assert_eq!(state.link, Link::Live);
    assert!(state.reconnected);
    assert_eq!(state.cart, cart, "another tab's change while away is there");
    assert!(matches!(&effects[..], [Effect::Send(ClientMsg::AddToCart { id, .. })] if id == "c7"));
    apply(
        &mut state,
        Msg::Server(ServerMsg::Unpinned {
            seq: 11,
            product_id: "tote".into(),
            at: 2_000,
        }),
    );
    assert!(state.pins.is_empty());
    assert_eq!(state.seq, 11);
}

#[test]
fn a_gap_in_the_sequence_asks_for_a_reconnect_and_applies_nothing() {
    let mut state = live();
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::Unpinned {
            seq: 12,
            product_id: "tote".into(),
            at: 2_000,
        }),
    );
    assert_eq!(effects, vec![Effect::Reconnect]);
    assert_eq!(
        state.pins.len(),
        1,
        "seq 11 is missing, so 12 is not applied"
    );
    assert_eq!(state.seq, 10);
}

#[test]
fn the_outbox_is_bounded_and_says_so() {
    let mut state = live();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    for i in 0..MAX_OUTBOX {
        apply(&mut state, add(&format!("c{i}"), "tote", "default"));
    }
    assert_eq!(state.notice, None);
    apply(&mut state, add("one-too-many", "tote", "default"));
    assert_eq!(state.outbox.len(), MAX_OUTBOX);
    assert_eq!(
        state.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::OutboxFull)
    );
    assert_eq!(
        state.cart_view().count(),
        MAX_OUTBOX as u32,
        "the refused change is not shown"
    );
}

#[test]
fn retry_now_asks_for_a_reconnect() {
    let mut state = live();
    assert_eq!(apply(&mut state, Msg::RetryNow), vec![Effect::Reconnect]);
}

fn deal(remaining: u32) -> Deal {
    Deal {
        id: "tote@14000".into(),
        product_id: "tote".into(),
        price: idr(2_000_000),
        starts_at_ms: 0,
        ends_at_ms: 30_000,
        quantity: 8,
        remaining,
        per_buyer: 2,
    }
}

fn quote_for(state: &State) -> Quote {
    Quote {
        lines: state
            .cart
            .lines
            .iter()
            .map(|l| lapak_protocol::QuoteLine {
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price.clone(),
                deal_units: 0,
                regular_price: l.unit_price.clone(),
                added_price: l.unit_price.clone(),
                deal_id: None,
                available: 10,
                note: None,
            })
            .collect(),
        shipping: Vec::new(),
        currency: "IDR".into(),
        coupon: None,
        coupon_problem: None,
    }
}

fn order(number: &str, status: lapak_protocol::OrderStatus) -> Order {
    Order {
        number: number.into(),
        command_id: "k1".into(),
        status,
        placed_at_ms: 0,
        lines: Vec::new(),
        totals: lapak_protocol::Totals {
            subtotal: idr(0),
            discount: idr(0),
            coupon: None,
            shipping: idr(0),
            total: idr(0),
        },
        shipping: "JNE".into(),
        card_last4: "4242".into(),
        payment: None,
        refunded: None,
    }
}

fn place(id: &str) -> Msg {
    Msg::PlaceOrder {
        id: id.into(),
        request: request(),
    }
}

fn reject(id: &str, code: RejectCode) -> Msg {
    Msg::Server(ServerMsg::Reject {
        id: id.into(),
        code,
        message: String::new(),
    })
}

fn request() -> Box<lapak_protocol::CheckoutRequest> {
    Box::new(lapak_protocol::CheckoutRequest {
        lines: Vec::new(),
        shipping: "jne-reg".into(),
        total: idr(4_500_000),
        coupon: None,
        contact: Default::default(),
        address: Default::default(),
        method: Default::default(),
        card: Default::default(),
    })
}

/// A live viewer with one tote in the cart, in checkout with a quote in hand.
fn in_checkout() -> State {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    apply(
        &mut state,
        Msg::Server(welcome(
            10,
            Cart {
                bought: Vec::new(),
                lines: vec![line("tote", "default", 1)],
            },
        )),
    );
    apply(&mut state, Msg::StartCheckout { id: "q1".into() });
    let quote = quote_for(&state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q1".into(),
            quote,
        }),
    );
    state
}

#[test]
fn deals_start_change_and_end_and_price_new_lines() {
    let mut state = live();
    let event = |seq, msg: fn(u64) -> ServerMsg| Msg::Server(msg(seq));
    apply(
        &mut state,
        event(11, |seq| ServerMsg::DealStarted { seq, deal: deal(8) }),
    );
    assert_eq!(state.deal("tote").map(|d| d.remaining), Some(8));
    apply(&mut state, add("c1", "tote", "default"));
    assert_eq!(
        state.cart_view().subtotal(),
        Some(idr(2_000_000)),
        "an optimistic line shows the deal price"
    );
    apply(
        &mut state,
        event(12, |seq| ServerMsg::DealChanged {
            seq,
            deal_id: "tote@14000".into(),
            remaining: 0,
        }),
    );
    assert!(state.deal("tote").is_none(), "no units left: no deal");
    apply(
        &mut state,
        event(13, |seq| ServerMsg::DealEnded {
            seq,
            deal_id: "tote@14000".into(),
            stopped: false,
        }),
    );
    assert!(state.deals.is_empty());
    assert_eq!(
        state.ending_deals.iter().map(|d| &d.id).collect::<Vec<_>>(),
        ["tote@14000"],
        "its time is up on the server: a picture behind may still show it"
    );
}

#[test]
fn a_stopped_deal_goes_at_once_and_ended_ones_are_kept_within_the_bound() {
    let mut state = live();
    let later = |id: &str, ends_at_ms| Deal {
        id: id.into(),
        ends_at_ms,
        ..deal(8)
    };
    let bound = i64::from(lapak_protocol::MAX_PICTURE_DELAY_MS);
    let mut seq = 10;
    let mut run = |state: &mut State, deal: Deal, stopped| {
        seq += 2;
        let id = deal.id.clone();
        apply(
            state,
            Msg::Server(ServerMsg::DealStarted { seq: seq - 1, deal }),
        );
        apply(
            state,
            Msg::Server(ServerMsg::DealEnded {
                seq,
                deal_id: id,
                stopped,
            }),
        );
    };
    run(&mut state, later("a", 30_000), false);
    run(&mut state, later("b", 30_000 + bound - 1), false);
    let ids = |state: &State| {
        state
            .ending_deals
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&state), ["a", "b"]);
    // Ended more than the bound before the latest: no picture shows it any more.
    run(&mut state, later("c", 30_000 + bound), false);
    assert_eq!(ids(&state), ["b", "c"]);
    // A host stopping a deal takes it off every screen at once.
    run(&mut state, later("d", 90_000), true);
    assert_eq!(ids(&state), ["b", "c"]);
    assert!(state.deals.is_empty());
}

#[test]
fn the_server_hears_how_far_the_picture_runs_behind_and_again_on_a_new_connection() {
    let mut state = live();
    assert!(state.behind_matters(1_200));
    assert_eq!(
        apply(&mut state, Msg::Behind(1_200)),
        vec![Effect::Send(ClientMsg::Behind { ms: 1_200 })]
    );
    // Jitter under a step is not worth a frame; a real move is.
    assert!(!state.behind_matters(1_200 + BEHIND_STEP_MS - 1));
    assert!(!state.behind_matters(1_200 - BEHIND_STEP_MS + 1));
    assert!(state.behind_matters(1_200 + BEHIND_STEP_MS));
    let effects = apply(&mut state, Msg::Server(welcome(11, Cart::default())));
    assert!(
        effects.contains(&Effect::Send(ClientMsg::Behind { ms: 1_200 })),
        "{effects:?}"
    );
}

#[test]
fn checkout_asks_for_a_quote_and_keeps_it() {
    let mut state = live();
    let effects = apply(&mut state, Msg::StartCheckout { id: "q1".into() });
    assert_eq!(
        effects,
        vec![Effect::Send(ClientMsg::Quote {
            id: "q1".into(),
            coupon: None
        })]
    );
    assert!(state.checkout.active);
    let quote = quote_for(&state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "stale".into(),
            quote: quote.clone(),
        }),
    );
    assert_eq!(
        state.checkout.quote, None,
        "an answer to another quote is ignored"
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::Quoted {
            id: "q1".into(),
            quote: quote.clone(),
        }),
    );
    assert_eq!(state.checkout.quote, Some(quote));
}

#[test]
fn an_order_is_sent_once_and_its_ack_confirms_it() {
    let mut state = in_checkout();
    let effects = apply(&mut state, place("k1"));
    assert!(matches!(&effects[..], [Effect::Send(ClientMsg::Checkout { id, .. })] if id == "k1"));
    let again = apply(&mut state, place("k2"));
    assert!(again.is_empty(), "a second tap while paying places nothing");
    apply(
        &mut state,
        Msg::Server(ServerMsg::Ack {
            id: "k1".into(),
            cart: Some(Cart::default()),
            order: Some(Box::new(order(
                "LPK-000001",
                lapak_protocol::OrderStatus::Paid,
            ))),
            wallet: None,
            chat: None,
        }),
    );
    assert_eq!(state.checkout.placed.as_deref(), Some("LPK-000001"));
    assert!(
        state.outbox.is_empty(),
        "the card leaves memory with the answer"
    );
    assert_eq!(state.orders.len(), 1);
    assert_eq!(state.cart_view().count(), 0);
}

#[test]
fn an_order_in_flight_during_an_outage_is_resent_with_its_id() {
    let mut state = in_checkout();
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    let effects = apply(&mut state, place("k1"));
    assert!(effects.is_empty(), "nothing is sent without a session");
    apply(&mut state, Msg::Opened);
    let cart = state.cart.clone();
    let effects = apply(&mut state, Msg::Server(welcome(10, cart)));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::Send(ClientMsg::Checkout { id, .. }) if id == "k1")));
}

#[test]
fn a_price_change_refusal_requotes_and_a_decline_does_not() {
    let mut state = in_checkout();
    apply(&mut state, place("k1"));
    let effects = apply(&mut state, reject("k1", RejectCode::PriceChanged));
    assert_eq!(state.checkout.refused, Some(RejectCode::PriceChanged));
    assert!(matches!(
        &effects[..],
        [Effect::Send(ClientMsg::Quote { .. })]
    ));
    assert_eq!(
        state.notice, None,
        "checkout explains it in place, not in a toast"
    );
    apply(&mut state, place("k2"));
    let effects = apply(&mut state, reject("k2", RejectCode::PaymentDeclined));
    assert!(effects.is_empty());
    assert_eq!(state.checkout.refused, Some(RejectCode::PaymentDeclined));
    assert!(!state.outbox.paying());
}

#[test]
fn a_cart_change_during_checkout_requotes() {
    let mut state = in_checkout();
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged {
            cart: Cart::default(),
        }),
    );
    assert!(matches!(
        &effects[..],
        [Effect::Send(ClientMsg::Quote { .. })]
    ));
    apply(&mut state, Msg::CloseCheckout);
    let effects = apply(
        &mut state,
        Msg::Server(ServerMsg::CartChanged {
            cart: Cart::default(),
        }),
    );
    assert!(effects.is_empty(), "a closed checkout is not re-priced");
}

#[test]
fn a_settled_payment_updates_the_order_in_place() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(order(
                "LPK-000007",
                lapak_protocol::OrderStatus::PaymentPending,
            )),
        }),
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::OrderUpdated {
            order: Box::new(order("LPK-000007", lapak_protocol::OrderStatus::Paid)),
        }),
    );
    assert_eq!(state.orders.len(), 1);
    assert_eq!(state.orders[0].status, lapak_protocol::OrderStatus::Paid);
}

#[test]
fn host_cart_mode_hands_cart_and_checkout_to_the_page() {
    let mut state = live();
    state.cart_mode = CartMode::Host;
    let effects = apply(&mut state, add("c1", "tote", "default"));
    assert_eq!(
        effects,
        vec![Effect::Host(HostEvent::AddToCart {
            product_id: "tote".into(),
            variant_id: "default".into(),
            quantity: 1,
            unit_price: idr(4_500_000),
        })]
    );
    assert!(state.outbox.is_empty(), "nothing goes to Lapak's server");
    let effects = apply(&mut state, Msg::StartCheckout { id: "q1".into() });
    assert_eq!(effects, vec![Effect::Host(HostEvent::Checkout)]);
    assert!(!state.checkout.active);
    apply(
        &mut state,
        Msg::SyncHostCart(vec![priced(line("tote", "default", 3))]),
    );
    assert_eq!(
        state.cart_view().count(),
        3,
        "the page's cart is what the badge shows"
    );
}

#[test]
fn the_clock_offset_is_kept_for_countdowns() {
    let mut state = live();
    apply(&mut state, Msg::Clock { offset_ms: -1_500 });
    assert_eq!(state.clock_offset_ms, -1_500);
}

#[test]
fn the_host_page_hears_ready_once_product_clicks_and_a_lost_connection() {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(10, Cart::default())));
    assert!(effects.contains(&Effect::Host(HostEvent::Ready {
        show: "demo".into()
    })));
    let effects = apply(&mut state, Msg::ProductClicked("tote".into()));
    assert_eq!(
        effects,
        vec![Effect::Host(HostEvent::ProductClick {
            product_id: "tote".into()
        })]
    );
    let effects = apply(&mut state, Msg::Closed { retry_in_ms: 400 });
    assert!(
        matches!(&effects[..], [Effect::Host(HostEvent::Error { message })] if message.contains("400 ms"))
    );
    assert!(
        apply(&mut state, Msg::Closed { retry_in_ms: 800 }).is_empty(),
        "said once per outage"
    );
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, Msg::Server(welcome(10, Cart::default())));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Host(HostEvent::Ready { .. }))),
        "ready only the first time"
    );
}

/// A widget embedded on another origin, opened, and welcomed with the show `change` makes.
fn embedded(change: impl FnOnce(&mut lapak_protocol::Show)) -> State {
    let mut state = State {
        asset_base: "https://live.example.com".into(),
        ..State::default()
    };
    apply(&mut state, Msg::Opened);
    let mut message = welcome(10, Cart::default());
    if let ServerMsg::Welcome(welcome) = &mut message {
        change(&mut welcome.show);
    }
    apply(&mut state, Msg::Server(message));
    state
}

#[test]
fn a_show_with_a_start_ahead_offers_its_calendar_event_from_the_server() {
    let mut state = embedded(|show| {
        show.on_air = lapak_protocol::OnAir::Waiting;
        show.starts_at_ms = Some(1_804_381_200_000);
    });
    let show = state.show.as_ref().unwrap();
    assert_eq!(
        show.calendar_url.as_deref(),
        Some("https://live.example.com/shows/demo/calendar.ics")
    );
    // Once it has begun, the server sends no start: nothing to remind of.
    apply(&mut state, Msg::Server(welcome(11, Cart::default())));
    assert_eq!(state.show.as_ref().unwrap().calendar_url, None);
}

#[test]
fn an_embedded_widget_resolves_media_against_the_server() {
    let state = embedded(|show| {
        show.captions = vec![lapak_protocol::CaptionTrack {
            url: "/media/stream.id.vtt".into(),
            language: "id".into(),
            label: "Bahasa Indonesia".into(),
        }];
    });
    let show = state.show.as_ref().unwrap();
    assert_eq!(show.stream_url, "https://live.example.com/media/stream.mp4");
    assert_eq!(
        show.captions[0].url,
        "https://live.example.com/media/stream.id.vtt"
    );
    assert_eq!(show.host_avatar, "https://live.example.com/media/host.svg");
    assert_eq!(
        state.products[0].image_url,
        "https://live.example.com/media/products/tote.svg"
    );
}

#[test]
fn the_host_pages_cart_survives_the_welcome_in_host_cart_mode() {
    let mut state = State {
        cart_mode: CartMode::Host,
        ..State::default()
    };
    let synced = Cart {
        bought: Vec::new(),
        lines: vec![line("tote", "default", 2)],
    };
    // The page may sync its cart before the widget has joined the show.
    apply(
        &mut state,
        Msg::SyncHostCart(synced.lines.iter().cloned().map(priced).collect()),
    );
    apply(&mut state, Msg::Opened);
    apply(&mut state, Msg::Server(welcome(10, Cart::default())));
    assert_eq!(state.cart, synced);
    assert_eq!(state.cart_view().count(), 2);
}

#[test]
fn a_host_line_without_a_price_gets_the_shows_price_and_lines_it_cannot_sell_are_dropped() {
    let mut state = live();
    state.cart_mode = CartMode::Host;
    let tote = state
        .product("tote")
        .cloned()
        .expect("the show sells the tote");
    let unpriced = |product_id: &str, quantity| HostLine {
        product_id: product_id.into(),
        variant_id: "default".into(),
        quantity,
        unit_price: None,
    };
    apply(
        &mut state,
        Msg::SyncHostCart(vec![
            unpriced("tote", 2),
            unpriced("not-in-the-show", 1),
            unpriced("tote", 0),
        ]),
    );
    assert_eq!(state.cart.lines.len(), 1, "{:?}", state.cart.lines);
    assert_eq!(state.cart.lines[0].quantity, 2);
    assert_eq!(state.cart.lines[0].unit_price, state.unit_price(&tote));
}
