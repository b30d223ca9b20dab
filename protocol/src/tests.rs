//! Round-trips of every message and the exact wire form of a few, so a change
//! to the JSON shape is a visible test failure rather than a silent break.
use super::*;
use serde_json::json;

fn idr(minor: i64) -> Money {
    Money {
        minor,
        currency: "IDR".into(),
    }
}

fn sample_cart() -> Cart {
    Cart {
        lines: vec![CartLine {
            product_id: "batik-shirt".into(),
            variant_id: "m-indigo".into(),
            quantity: 2,
            unit_price: idr(189_000),
        }],
        bought: vec![crate::pricing::DealBought {
            deal_id: "tote@14000".into(),
            units: 1,
        }],
    }
}

fn sample_welcome() -> Welcome {
    Welcome {
        protocol: PROTOCOL_VERSION,
        epoch: 7,
        seq: 42,
        server_time_ms: 1_790_000_000_000,
        session: Session {
            token: "0123456789abcdef0123456789abcdef".into(),
        },
        you: sample_viewer(),
        wallet: Wallet {
            coins: 120,
            ..Wallet::default()
        },
        progress: sample_progress(),
        show: Show {
            id: "demo".into(),
            title: "Batik Friday".into(),
            stream_url: "/media/stream.mp4".into(),
            poster_url: "/media/poster.jpg".into(),
            captions: Vec::new(),
            currency: "IDR".into(),
            host: Host {
                name: "Ayu".into(),
                avatar_url: "/media/host.svg".into(),
            },
            products: vec![Product {
                id: "batik-shirt".into(),
                name: "Batik shirt".into(),
                names: Default::default(),
                image_url: "/media/products/batik-shirt.svg".into(),
                price: idr(189_000),
                max_per_order: 5,
                variants: vec![Variant {
                    id: "m-indigo".into(),
                    label: "M · Indigo".into(),
                    labels: Default::default(),
                    stock: 12,
                }],
            }],
            featured: vec!["batik-shirt".into()],
            pins: vec![Pin {
                product_id: "batik-shirt".into(),
                x: 0.7,
                y: 0.55,
                at: 1_764_748_804_000,
            }],
            tag_log: vec![TagChange {
                at: 1_764_748_805_000,
                product_id: "batik-shirt".into(),
                pin: None,
            }],
            on_air: OnAir::Paused,
            starts_at_ms: None,
            replay: Some(crate::replay::ReplayInfo {
                video_url: "/hls/demo/replay.m3u8".into(),
                log_url: "/api/v1/shows/demo/replay/log".into(),
                starts_ms: 1_764_748_800_000,
                ends_ms: 1_764_752_400_000,
                chat: false,
            }),
            after: crate::AfterShow::Shop {
                url: "https://batik.example/shop".into(),
            },
            deals: vec![sample_deal()],
            viewers: 3,
            gifts: vec![sample_gift()],
            coin_packs: vec![sample_pack()],
            leaderboard: vec![Gifter {
                viewer: sample_viewer(),
                coins: 500,
            }],
            community: sample_community(),
            payments: Payments::test_cards(),
        },
        cart: sample_cart(),
        orders: vec![sample_order()],
    }
}

fn sample_viewer() -> Viewer {
    Viewer {
        id: 17,
        name: "user042917".into(),
        club: Some(2),
        badge: Some("first-like".into()),
    }
}

fn sample_chat() -> ChatMessage {
    ChatMessage {
        id: 3,
        from: sample_viewer(),
        text: "Is the M size true to fit?".into(),
        event: None,
    }
}

fn sample_community() -> Community {
    Community {
        pinned: Some("Free shipping over Rp300.000 today".into()),
        pinned_translations: [(
            "id".to_owned(),
            "Gratis ongkir di atas Rp300.000 hari ini".to_owned(),
        )]
        .into(),
        slow_mode_s: 30,
        chat: vec![
            sample_chat(),
            ChatMessage {
                id: 4,
                from: sample_viewer(),
                text: String::new(),
                event: Some(ChatEvent::LevelUp { level: 2 }),
            },
        ],
        likes: 1_204,
        club: Some(FanClub {
            name: "Ayu's Circle".into(),
            join_gift: Some("rose".into()),
            levels: vec![0, 50, 200],
        }),
        missions: vec![Mission {
            id: "like-30".into(),
            counts: Activity::Like,
            target: 30,
            period: Period::Daily,
            reward: Reward {
                badge: Some("first-like".into()),
                points: 10,
                coins: 5,
                coupon: Some(CouponReward {
                    terms: CouponTerms {
                        off: Off::Percent { percent: 10 },
                        min_spend: 10_000_000,
                    },
                    valid_hours: 48,
                }),
            },
        }],
        badges: vec![Badge {
            id: "first-like".into(),
            name: "Heart Giver".into(),
            image_url: "/media/badges/heart.svg".into(),
        }],
    }
}

fn sample_progress() -> Progress {
    Progress {
        you: sample_viewer(),
        member: Some(Membership {
            level: 2,
            points: 60,
        }),
        missions: vec![MissionProgress {
            id: "like-30".into(),
            count: 30,
            done: true,
        }],
        badges: vec!["first-like".into()],
        journey: vec![Activity::Like, Activity::JoinClub],
    }
}

fn sample_gift() -> Gift {
    Gift {
        id: "rose".into(),
        name: "Rose".into(),
        names: Default::default(),
        image_url: "/media/gifts/rose.svg".into(),
        coins: 1,
        tier: GiftTier::Small,
    }
}

fn sample_pack() -> CoinPack {
    CoinPack {
        id: "coins-100".into(),
        coins: 100,
        price: idr(1_600_000),
    }
}

fn sample_streak() -> GiftStreak {
    GiftStreak {
        id: 31,
        from: sample_viewer(),
        gift_id: "rose".into(),
        count: 12,
    }
}

fn sample_deal() -> Deal {
    Deal {
        id: "batik-shirt@14000".into(),
        product_id: "batik-shirt".into(),
        price: idr(99_000),
        starts_at_ms: 1_000,
        ends_at_ms: 31_000,
        quantity: 8,
        remaining: 5,
        per_buyer: 2,
    }
}

fn sample_order() -> Order {
    Order {
        number: "LPK-000042".into(),
        command_id: "c".into(),
        status: OrderStatus::Paid,
        placed_at_ms: 1_790_000_000_000,
        lines: vec![OrderLine {
            product_id: "batik-shirt".into(),
            variant_id: "m-indigo".into(),
            name: "Batik shirt".into(),
            names: [("id".to_owned(), "Kemeja batik".to_owned())].into(),
            variant_label: "M · Indigo".into(),
            labels: Default::default(),
            quantity: 2,
            unit_price: idr(99_000),
        }],
        totals: Totals {
            subtotal: idr(378_000),
            discount: idr(180_000),
            coupon: None,
            shipping: idr(18_000),
            total: idr(216_000),
        },
        shipping: "JNE Regular".into(),
        card_last4: "4242".into(),
        payment: None,
        refunded: None,
    }
}

fn sample_quote() -> Quote {
    Quote {
        lines: vec![QuoteLine {
            product_id: "batik-shirt".into(),
            variant_id: "m-indigo".into(),
            quantity: 2,
            unit_price: idr(189_000),
            deal_units: 0,
            regular_price: idr(189_000),
            added_price: idr(99_000),
            deal_id: None,
            available: 12,
            note: Some(LineNote::DealEnded),
        }],
        shipping: vec![ShippingOption {
            id: "jne-reg".into(),
            name: "JNE Regular".into(),
            days_min: 2,
            days_max: 4,
            price: idr(18_000),
        }],
        currency: "IDR".into(),
        coupon: None,
        coupon_problem: None,
    }
}

fn sample_request() -> CheckoutRequest {
    CheckoutRequest {
        lines: sample_quote().order_lines(),
        shipping: "jne-reg".into(),
        total: idr(396_000),
        coupon: None,
        contact: Contact {
            name: "Dewi Sartika".into(),
            email: "dewi@example.id".into(),
            phone: "+62 812-3456-7890".into(),
        },
        address: Address {
            street: "Jl. Braga No. 12".into(),
            city: "Bandung".into(),
            postal_code: "40111".into(),
        },
        method: PayMethod::Card,
        card: Card {
            number: "4242 4242 4242 4242".into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        },
    }
}

fn every_server_msg() -> Vec<ServerMsg> {
    vec![
        ServerMsg::Welcome(Box::new(sample_welcome())),
        ServerMsg::Ack {
            id: "a".into(),
            cart: Some(sample_cart()),
            order: None,
            wallet: None,
            chat: None,
        },
        ServerMsg::Ack {
            id: "b".into(),
            cart: None,
            order: Some(Box::new(sample_order())),
            wallet: None,
            chat: None,
        },
        ServerMsg::Ack {
            id: "g".into(),
            cart: None,
            order: None,
            wallet: Some(Wallet {
                coins: 99,
                ..Wallet::default()
            }),
            chat: None,
        },
        ServerMsg::Ack {
            id: "c".into(),
            cart: None,
            order: None,
            wallet: None,
            chat: Some(sample_chat()),
        },
        ServerMsg::WalletChanged {
            wallet: Wallet {
                coins: 0,
                ..Wallet::default()
            },
        },
        ServerMsg::Gifted {
            seq: 8,
            streak: sample_streak(),
        },
        ServerMsg::Leaderboard {
            seq: 9,
            top: vec![Gifter {
                viewer: sample_viewer(),
                coins: 1_298,
            }],
        },
        ServerMsg::Quoted {
            id: "q".into(),
            quote: sample_quote(),
        },
        ServerMsg::OrderUpdated {
            order: Box::new(sample_order()),
        },
        ServerMsg::DealStarted {
            seq: 5,
            deal: sample_deal(),
        },
        ServerMsg::DealChanged {
            seq: 6,
            deal_id: "d".into(),
            remaining: 3,
        },
        ServerMsg::DealEnded {
            seq: 7,
            deal_id: "d".into(),
            stopped: false,
        },
        ServerMsg::DealEnded {
            seq: 8,
            deal_id: "d".into(),
            stopped: true,
        },
        ServerMsg::Reject {
            id: "c".into(),
            code: RejectCode::OutOfStock,
            message: "only 2 left".into(),
        },
        ServerMsg::CartChanged {
            cart: sample_cart(),
        },
        ServerMsg::Pinned {
            seq: 1,
            pin: Pin {
                product_id: "p".into(),
                x: 0.25,
                y: 0.5,
                at: 1_000,
            },
        },
        ServerMsg::Unpinned {
            seq: 2,
            product_id: "p".into(),
            at: 2_000,
        },
        ServerMsg::OnAir {
            seq: 2,
            state: OnAir::Live,
        },
        ServerMsg::ReplayReady {
            seq: 3,
            replay: crate::replay::ReplayInfo {
                video_url: "/hls/demo/replay.m3u8".into(),
                log_url: "/api/v1/shows/demo/replay/log".into(),
                starts_ms: 1_000,
                ends_ms: 9_000,
                chat: true,
            },
        },
        ServerMsg::StockChanged {
            seq: 3,
            product_id: "p".into(),
            variant_id: "v".into(),
            stock: 0,
        },
        ServerMsg::ViewerCount { seq: 4, count: 12 },
        ServerMsg::Resumed {
            epoch: 7,
            seq: 40,
            session: Session { token: "t".into() },
            cart: sample_cart(),
            orders: Vec::new(),
            wallet: Wallet {
                coins: 7,
                ..Wallet::default()
            },
            progress: Box::new(sample_progress()),
        },
        ServerMsg::Pong { server_time_ms: 5 },
        ServerMsg::Chat {
            seq: 5,
            messages: vec![sample_chat()],
        },
        ServerMsg::ChatRemoved {
            seq: 6,
            ids: vec![3, 9],
        },
        ServerMsg::PinnedMessage {
            seq: 13,
            text: Some("Flash sale at 8".into()),
            translations: [("id".to_owned(), "Flash sale jam 8".to_owned())].into(),
        },
        ServerMsg::PinnedMessage {
            seq: 14,
            text: None,
            translations: Default::default(),
        },
        ServerMsg::Likes { seq: 6, total: 31 },
        ServerMsg::SlowMode {
            seq: 15,
            every_s: 30,
        },
        ServerMsg::Progress {
            progress: Box::new(sample_progress()),
            completed: vec!["like-30".into()],
        },
    ]
}

fn every_client_msg() -> Vec<ClientMsg> {
    vec![
        ClientMsg::Quote {
            id: "q".into(),
            coupon: Some("KOPI-10".into()),
        },
        ClientMsg::ClaimCoupon {
            id: "c".into(),
            code: "KOPI-10".into(),
        },
        ClientMsg::Checkout {
            id: "k".into(),
            order: Box::new(sample_request()),
        },
        ClientMsg::Hello {
            protocol: 1,
            token: None,
            show: None,
            resume: None,
        },
        ClientMsg::Hello {
            protocol: 1,
            token: Some("t".into()),
            show: Some("demo".into()),
            resume: Some(Resume { epoch: 7, seq: 40 }),
        },
        ClientMsg::Ping,
        ClientMsg::Behind { ms: 1_250 },
        ClientMsg::AddToCart {
            id: "i".into(),
            product_id: "p".into(),
            variant_id: "v".into(),
            quantity: 1,
        },
        ClientMsg::SetQuantity {
            id: "j".into(),
            product_id: "p".into(),
            variant_id: "v".into(),
            quantity: 0,
        },
        ClientMsg::TopUp {
            id: "t".into(),
            pack_id: "coins-100".into(),
            price: idr(1_600_000),
            card: sample_request().card,
        },
        ClientMsg::SendGift {
            id: "s".into(),
            gift_id: "rose".into(),
            count: 3,
            coins: 1,
        },
        ClientMsg::Chat {
            id: "c".into(),
            text: "<b>hi</b>".into(),
        },
        ClientMsg::Like {
            id: "l".into(),
            count: 12,
        },
        ClientMsg::Heartbeat { id: "h".into() },
        ClientMsg::Share { id: "sh".into() },
        ClientMsg::TagTap {
            id: "tt".into(),
            product_id: "tote".into(),
        },
        ClientMsg::JoinClub { id: "jc".into() },
        ClientMsg::SetName {
            id: "n".into(),
            name: "Rina".into(),
        },
    ]
}

#[test]
fn community_messages_wire_form_is_stable() {
    let like = ClientMsg::Like {
        id: "l".into(),
        count: 12,
    };
    assert_eq!(
        serde_json::to_value(&like).unwrap(),
        json!({"type": "Like", "id": "l", "count": 12})
    );
    let chat = ServerMsg::Chat {
        seq: 5,
        messages: vec![ChatMessage {
            id: 9,
            from: Viewer {
                id: 1,
                name: "Rina".into(),
                club: Some(3),
                badge: None,
            },
            text: String::new(),
            event: Some(ChatEvent::LevelUp { level: 3 }),
        }],
    };
    assert_eq!(
        serde_json::to_value(&chat).unwrap(),
        json!({"type": "Chat", "seq": 5, "messages": [{
            "id": 9,
            "from": {"id": 1, "name": "Rina", "club": 3},
            "event": {"kind": "level_up", "level": 3}
        }]})
    );
    let mission: Mission = serde_json::from_value(json!({
        "id": "watch-5", "counts": "watch_seconds", "target": 300,
        "period": "daily", "reward": {"coins": 5}
    }))
    .unwrap();
    assert_eq!(mission.reward.coins, 5);
    assert_eq!(mission.reward.badge, None);
}

#[test]
fn community_values_a_viewer_does_not_know_decode_as_unknown() {
    let mission: Mission = serde_json::from_value(json!({
        "id": "m", "counts": "dance", "target": 1, "period": "weekly", "reward": {}
    }))
    .unwrap();
    assert_eq!(mission.counts, Activity::Unknown);
    assert_eq!(mission.period, Period::Unknown);
    let line: ChatMessage = serde_json::from_value(json!({
        "id": 1, "from": {"id": 2, "name": "x"}, "event": {"kind": "confetti"}
    }))
    .unwrap();
    assert_eq!(line.event, Some(ChatEvent::Unknown));
}

#[test]
fn a_club_level_is_the_number_of_thresholds_reached() {
    let club = FanClub {
        name: "c".into(),
        join_gift: None,
        levels: vec![0, 50, 200],
    };
    assert_eq!(club.level(0), 1);
    assert_eq!(club.level(49), 1);
    assert_eq!(club.level(50), 2);
    assert_eq!(club.level(10_000), 3);
    let odd = FanClub {
        levels: Vec::new(),
        ..club
    };
    assert_eq!(
        odd.level(5),
        1,
        "a club without thresholds still has level 1"
    );
}

#[test]
fn every_server_message_round_trips() {
    for msg in every_server_msg() {
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            serde_json::from_str::<ServerMsg>(&text).unwrap(),
            msg,
            "{text}"
        );
    }
}

#[test]
fn every_client_message_round_trips() {
    for msg in every_client_msg() {
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            serde_json::from_str::<ClientMsg>(&text).unwrap(),
            msg,
            "{text}"
        );
    }
}

#[test]
fn add_to_cart_wire_form_is_stable() {
    let msg = ClientMsg::AddToCart {
        id: "9b2c".into(),
        product_id: "tote".into(),
        variant_id: "default".into(),
        quantity: 1,
    };
    assert_eq!(
        serde_json::to_value(&msg).unwrap(),
        json!({"type": "AddToCart", "id": "9b2c", "product_id": "tote", "variant_id": "default", "quantity": 1})
    );
}

#[test]
fn reject_code_is_snake_case_on_the_wire() {
    let msg = ServerMsg::Reject {
        id: "x".into(),
        code: RejectCode::QuantityLimit,
        message: String::new(),
    };
    assert_eq!(
        serde_json::to_value(&msg).unwrap()["code"],
        "quantity_limit"
    );
    for code in [
        RejectCode::BadRequest,
        RejectCode::OutOfStock,
        RejectCode::UnknownVariant,
        RejectCode::RateLimited,
        RejectCode::Internal,
    ] {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
    }
}

#[test]
fn gift_messages_wire_form_is_stable() {
    let send = ClientMsg::SendGift {
        id: "9b2c".into(),
        gift_id: "rose".into(),
        count: 1,
        coins: 1,
    };
    assert_eq!(
        serde_json::to_value(&send).unwrap(),
        json!({"type": "SendGift", "id": "9b2c", "gift_id": "rose", "count": 1, "coins": 1})
    );
    let gifted = ServerMsg::Gifted {
        seq: 3,
        streak: sample_streak(),
    };
    assert_eq!(
        serde_json::to_value(&gifted).unwrap(),
        json!({"type": "Gifted", "seq": 3, "streak": {"id": 31,
               "from": {"id": 17, "name": "user042917", "club": 2, "badge": "first-like"},
               "gift_id": "rose", "count": 12}})
    );
    assert_eq!(
        serde_json::to_value(sample_gift()).unwrap()["tier"],
        "small"
    );
    let ack = ServerMsg::Ack {
        id: "9b2c".into(),
        cart: None,
        order: None,
        wallet: Some(Wallet {
            coins: 41,
            ..Wallet::default()
        }),
        chat: None,
    };
    assert_eq!(
        serde_json::to_value(&ack).unwrap(),
        json!({"type": "Ack", "id": "9b2c", "wallet": {"coins": 41}}),
        "absent parts are left out"
    );
}

#[test]
fn gifting_reject_codes_are_snake_case_on_the_wire() {
    for (code, wire) in [
        (RejectCode::PaymentPending, "payment_pending"),
        (RejectCode::PaymentUnavailable, "payment_unavailable"),
        (RejectCode::UnknownGift, "unknown_gift"),
        (RejectCode::UnknownPack, "unknown_pack"),
        (RejectCode::InsufficientCoins, "insufficient_coins"),
        (RejectCode::Muted, "muted"),
        (RejectCode::Banned, "banned"),
    ] {
        assert_eq!(serde_json::to_value(code).unwrap(), wire);
        assert_eq!(code.as_str(), wire);
        assert_eq!(
            serde_json::from_value::<RejectCode>(json!(wire)).unwrap(),
            code
        );
    }
}

#[test]
fn a_gift_event_with_fields_from_a_newer_server_still_decodes() {
    let text = r#"{"type":"Gifted","seq":4,"combo_level":3,
        "streak":{"id":1,"from":{"id":2,"name":"user000002","badge":"vip"},"gift_id":"rose","count":5}}"#;
    match serde_json::from_str::<ServerMsg>(text).unwrap() {
        ServerMsg::Gifted { seq: 4, streak } => assert_eq!(streak.count, 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn gifting_events_and_codes_a_viewer_does_not_know_decode_as_unknown() {
    // What a viewer from before gifting makes of it, and this viewer of whatever comes next.
    let event: ServerMsg =
        serde_json::from_str(r#"{"type":"GiftRain","seq":10,"gift_id":"rose","count":500}"#)
            .unwrap();
    assert_eq!(event, ServerMsg::Unknown);
    let refusal: ServerMsg = serde_json::from_str(
        r#"{"type":"Reject","id":"s","code":"gift_cooldown","message":"wait 2 s"}"#,
    )
    .unwrap();
    assert!(matches!(
        refusal,
        ServerMsg::Reject {
            code: RejectCode::Unknown,
            ..
        }
    ));
}

#[test]
fn unknown_event_type_decodes_as_unknown() {
    let msg: ServerMsg =
        serde_json::from_str(r#"{"type":"GiftSent","seq":9,"gift":"rose"}"#).unwrap();
    assert_eq!(msg, ServerMsg::Unknown);
    assert_eq!(msg.seq(), None);
}

#[test]
fn unknown_reject_code_decodes_as_unknown() {
    let msg: ServerMsg =
        serde_json::from_str(r#"{"type":"Reject","id":"x","code":"wallet_frozen","message":""}"#)
            .unwrap();
    assert!(matches!(
        msg,
        ServerMsg::Reject {
            code: RejectCode::Unknown,
            ..
        }
    ));
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    for text in [
        "",
        "{",
        "[]",
        r#"{"type":"AddToCart"}"#,
        r#"{"type":"AddToCart","id":"i","product_id":"p","variant_id":"v","quantity":-1}"#,
    ] {
        assert!(serde_json::from_str::<ClientMsg>(text).is_err(), "{text}");
    }
}

#[test]
fn show_events_expose_their_seq_and_commands_their_id() {
    assert_eq!(ServerMsg::ViewerCount { seq: 5, count: 1 }.seq(), Some(5));
    assert_eq!(
        ServerMsg::CartChanged {
            cart: Cart::default()
        }
        .seq(),
        None
    );
    let msgs = every_client_msg();
    let ids: Vec<Option<&str>> = msgs.iter().map(ClientMsg::id).collect();
    assert_eq!(
        ids,
        [
            Some("q"),
            Some("c"),
            Some("k"),
            None,
            None,
            None,
            None,
            Some("i"),
            Some("j"),
            Some("t"),
            Some("s"),
            Some("c"),
            Some("l"),
            Some("h"),
            Some("sh"),
            Some("tt"),
            Some("jc"),
            Some("n")
        ]
    );
    let gifted = ServerMsg::Gifted {
        seq: 6,
        streak: sample_streak(),
    };
    let board = ServerMsg::Leaderboard {
        seq: 7,
        top: Vec::new(),
    };
    assert_eq!((gifted.seq(), board.seq()), (Some(6), Some(7)));
    let wallet = ServerMsg::WalletChanged {
        wallet: Wallet::default(),
    };
    assert_eq!(
        wallet.seq(),
        None,
        "a session's own update, not a show event"
    );
}

#[test]
fn quote_totals_are_regular_prices_minus_deals_plus_shipping() {
    let mut quote = sample_quote();
    quote.lines[0].unit_price = idr(99_000);
    quote.lines[0].deal_units = 2;
    quote.lines[0].deal_id = Some("shirt@0".into());
    let totals = quote.totals("jne-reg").unwrap();
    assert_eq!(totals.subtotal, idr(378_000));
    assert_eq!(totals.discount, idr(180_000));
    assert_eq!(totals.total, idr(216_000));
    // One unit within a deal's limit, one beyond it at the regular price.
    quote.lines[0].deal_units = 1;
    let totals = quote.totals("jne-reg").unwrap();
    assert_eq!(totals.discount, idr(90_000));
    assert_eq!(totals.total, idr(306_000));
    assert!(quote.totals("pigeon").is_none());
    quote.lines[0].quantity = 13;
    assert!(!quote.buyable(), "12 in stock");
}

#[test]
fn a_complete_request_has_no_problems() {
    assert_eq!(sample_request().problems(2026, 11), []);
}

#[test]
fn each_bad_field_is_named_with_its_problem() {
    let mut r = sample_request();
    r.contact.name = "  ".into();
    r.contact.email = "dewi@example".into();
    r.contact.phone = "12ab".into();
    r.address.street = "x".repeat(MAX_FIELD_CHARS + 1);
    r.address.postal_code = "4".into();
    r.card.number = "4242 4242 4242 4241".into();
    r.card.expiry = "10/26".into();
    r.card.cvc = "12".into();
    assert_eq!(
        r.problems(2026, 11),
        [
            (Field::Name, Problem::Required),
            (Field::Email, Problem::Invalid),
            (Field::Phone, Problem::Invalid),
            (Field::Street, Problem::TooLong),
            (Field::PostalCode, Problem::Invalid),
            (Field::CardNumber, Problem::Invalid),
            (Field::Expiry, Problem::Expired),
            (Field::Cvc, Problem::Invalid),
        ]
    );
    r.card.expiry = "13/30".into();
    assert!(r
        .problems(2026, 11)
        .contains(&(Field::Expiry, Problem::Invalid)));
    r.card.expiry = "11/26".into();
    assert!(
        !r.problems(2026, 11)
            .iter()
            .any(|(f, _)| *f == Field::Expiry),
        "valid through its month"
    );
}

#[test]
fn a_card_never_shows_more_than_its_last_four_digits() {
    let card = sample_request().card;
    assert_eq!(card.last4(), "4242");
    assert_eq!(format!("{card:?}"), "Card(…4242)");
    assert!(!format!("{:?}", sample_request()).contains("4242 4242"));
}

#[test]
fn a_deal_is_live_inside_its_window_while_units_remain() {
    let mut deal = sample_deal();
    assert!(!deal.live_at(999));
    assert!(deal.live_at(1_000));
    assert!(!deal.live_at(31_000), "the end is exclusive");
    deal.remaining = 0;
    assert!(!deal.live_at(2_000));
}

#[test]
fn a_viewer_behind_gets_the_whole_window_on_its_clock_up_to_the_bound() {
    let deal = sample_deal();
    // 1.5 s behind: the deal runs 1.5 s later for this viewer, start and end.
    assert!(!deal.live_at(deal_clock_ms(2_499, 1_500)));
    assert!(deal.live_at(deal_clock_ms(2_500, 1_500)));
    assert!(deal.live_at(deal_clock_ms(32_499, 1_500)));
    assert!(!deal.live_at(deal_clock_ms(32_500, 1_500)));
    // A claimed minute behind keeps the deal open no longer than the bound.
    let bound = i64::from(MAX_PICTURE_DELAY_MS);
    assert!(deal.live_at(deal_clock_ms(31_000 + bound - 1, 60_000)));
    assert!(!deal.live_at(deal_clock_ms(31_000 + bound, 60_000)));
}

#[test]
fn money_multiplies_without_overflow() {
    assert_eq!(idr(189_000).times(3), Some(idr(567_000)));
    assert_eq!(idr(i64::MAX).times(2), None);
}

#[test]
fn typed_decimals_become_minor_units_of_their_currency() {
    let minor = |text: &str, currency: &str| Money::from_decimal(text, currency).map(|m| m.minor);
    assert_eq!(minor("45000", "IDR"), Some(4_500_000));
    assert_eq!(minor("12.5", "USD"), Some(1_250));
    assert_eq!(minor(" 0.05 ", "USD"), Some(5));
    assert_eq!(minor("1500", "JPY"), Some(1_500));
    assert_eq!(minor("1.234", "KWD"), Some(1_234));
    for bad in [
        "",
        ".5",
        "1.234",
        "-3",
        "1e3",
        "45.000,00",
        "1 000",
        "99999999999999999999",
    ] {
        assert_eq!(minor(bad, "USD"), None, "{bad:?}");
    }
    assert_eq!(minor("1.5", "JPY"), None, "JPY has no minor unit");
}

#[test]
fn minor_digits_follow_iso_4217() {
    let digits = |c: &str| {
        Money {
            minor: 0,
            currency: c.into(),
        }
        .minor_digits()
    };
    assert_eq!(
        (digits("IDR"), digits("USD"), digits("JPY"), digits("KWD")),
        (2, 2, 0, 3)
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn decoding_arbitrary_text_never_panics(text in any::<String>()) {
            let _ = serde_json::from_str::<ClientMsg>(&text);
            let _ = serde_json::from_str::<ServerMsg>(&text);
        }

        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in any::<Vec<u8>>()) {
            let _ = ServerMsg::from_msgpack(&bytes);
            let _ = encoding::from_msgpack::<ClientMsg>(&bytes);
        }

        #[test]
        fn decoding_mangled_events_never_panics(kind in "[A-Za-z]{0,12}", seq in any::<i64>(), x in any::<f64>()) {
            let text = format!(r#"{{"type":"{kind}","seq":{seq},"pin":{{"product_id":"p","x":{x},"y":0,"stream_ms":{seq}}}}}"#);
            let _ = serde_json::from_str::<ServerMsg>(&text);
        }
    }
}

/// The `"type"` each sample carries, so a variant without a sample is named.
#[test]
fn every_server_message_variant_has_a_sample() {
    let sampled: std::collections::BTreeSet<String> = every_server_msg()
        .iter()
        .map(|msg| {
            serde_json::to_value(msg).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let missing: Vec<&str> = crate::decode::variant_names()
        .iter()
        .copied()
        .filter(|name| *name != "Unknown" && !sampled.contains(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "add a sample to every_server_msg for {missing:?}"
    );
}

/// Both hand decoders against serde's encodings, both ways: what serde wrote,
/// the hand decoder reads back as the original, and serde writes what it read
/// as the same frame again.
#[test]
fn the_hand_decoders_read_every_variant_as_serde_writes_it() {
    for msg in every_server_msg().into_iter().chain([ServerMsg::Unknown]) {
        let text = serde_json::to_string(&msg).unwrap();
        let read = ServerMsg::from_json(&text).unwrap();
        assert_eq!(read, msg, "{text}");
        assert_eq!(serde_json::to_string(&read).unwrap(), text);

        let bytes = encoding::to_msgpack(&msg);
        let read = ServerMsg::from_msgpack(&bytes).unwrap();
        assert_eq!(read, msg, "{text}");
        assert_eq!(encoding::to_msgpack(&read), bytes, "{text}");
        let derived: ServerMsg = encoding::from_msgpack(&bytes).unwrap();
        assert_eq!(derived, msg, "{text}");
    }
}

#[test]
fn every_client_message_round_trips_in_msgpack() {
    for msg in every_client_msg() {
        let bytes = encoding::to_msgpack(&msg);
        assert_eq!(encoding::from_msgpack::<ClientMsg>(&bytes).unwrap(), msg);
    }
}

#[test]
fn msgpack_frames_are_smaller_than_json_and_keep_unknown_types_and_fields() {
    let likes = ServerMsg::Likes { seq: 6, total: 31 };
    assert!(encoding::to_msgpack(&likes).len() < serde_json::to_vec(&likes).unwrap().len());
    let newer = |value: serde_json::Value| encoding::to_msgpack(&value);
    let extra = newer(json!({"total": 31, "new": {"a": [1]}, "type": "Likes", "seq": 6}));
    assert_eq!(ServerMsg::from_msgpack(&extra).unwrap(), likes);
    let unknown = newer(json!({"type": "GiftSent", "seq": 9, "gift": "rose"}));
    assert_eq!(
        ServerMsg::from_msgpack(&unknown).unwrap(),
        ServerMsg::Unknown
    );
    let code = newer(json!({"type": "Reject", "id": "x", "code": "wallet_frozen", "message": ""}));
    assert!(matches!(
        ServerMsg::from_msgpack(&code).unwrap(),
        ServerMsg::Reject {
            code: RejectCode::Unknown,
            ..
        }
    ));
}

#[test]
fn msgpack_becomes_the_same_json_value() {
    let value = json!({
        "ints": [0, 1, -1, -200, 70_000, -5_000_000_000_i64, u64::MAX],
        "floats": [1.5, 0.25_f32, -2.0e-9],
        "rest": [null, true, false, "é \"q\" \n\u{7}", {}, []],
    });
    let text = encoding::msgpack_to_json(&encoding::to_msgpack(&value)).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        value
    );
    let mut deep = vec![0x91; 200];
    deep.push(0xc0);
    for (bytes, why) in [
        (vec![0xc4, 1, 0], "binary string"),
        (vec![0xd4, 1, 0], "extension"),
        (vec![0x81, 0x01, 0x01], "a key that is not a string"),
        (vec![0xc0, 0xc0], "bytes after the value"),
        (vec![0xa2, 0xff, 0xfe], "invalid UTF-8"),
        (
            vec![0xdd, 0xff, 0xff, 0xff, 0xff],
            "an array longer than the frame",
        ),
        (deep, "nesting deeper than serde_json's"),
    ] {
        assert!(encoding::msgpack_to_json(&bytes).is_err(), "{why}");
    }
}

#[test]
fn from_msgpack_rejects_malformed_frames() {
    let likes = encoding::to_msgpack(&ServerMsg::Likes { seq: 6, total: 31 });
    for bytes in [
        Vec::new(),
        vec![0x80 | 3],
        likes[..likes.len() - 1].to_vec(),
        encoding::to_msgpack(&json!(["Likes", 6, 31])),
        encoding::to_msgpack(&json!({"seq": 6, "total": 31})),
        encoding::to_msgpack(&json!({"type": 7, "seq": 6, "total": 31})),
        encoding::to_msgpack(&json!({"type": "Likes", "seq": 6})),
        encoding::to_msgpack(&json!({"type": "Likes", "seq": -6, "total": 31})),
        encoding::to_msgpack(&json!({"type": "Welcome"})),
        b"{\"type\":\"Likes\",\"seq\":6,\"total\":31}".to_vec(),
    ] {
        assert!(ServerMsg::from_msgpack(&bytes).is_err(), "{bytes:?}");
    }
}

#[test]
fn from_json_reads_type_anywhere_ignores_unknown_fields_and_keeps_unknown_types() {
    for text in [
        r#"{"type":"Likes","seq":6,"total":31}"#,
        r#"{"seq":6,"total":31,"type":"Likes"}"#,
        r#" {"total":31,"new":{"a":[1]},"type":"Likes","seq":6} "#,
        r#"{"type":"GiftRain","seq":10,"gift_id":"rose","count":500}"#,
        r#"{"type":"Reject","id":"x","code":"wallet_frozen","message":""}"#,
        r#"{"type":"Ack","id":"c1"}"#,
    ] {
        let derived = serde_json::from_str::<ServerMsg>(text).unwrap();
        assert_eq!(ServerMsg::from_json(text).unwrap(), derived, "{text}");
    }
    assert_eq!(
        ServerMsg::from_json(r#"{"type":"GiftSent","seq":9,"gift":"rose"}"#).unwrap(),
        ServerMsg::Unknown
    );
}

#[test]
fn from_json_rejects_malformed_frames() {
    for text in [
        "",
        "{",
        "[]",
        r#"["Likes",6,31]"#,
        "null",
        r#"{"seq":6,"total":31}"#,
        r#"{"type":7,"seq":6,"total":31}"#,
        r#"{"type":"Likes","seq":6}"#,
        r#"{"type":"Likes","seq":-6,"total":31}"#,
        r#"{"type":"Likes","type":"Likes","seq":6,"total":31}"#,
        r#"{"type":"Likes","seq":6,"total":31} x"#,
        r#"{"type":"Welcome"}"#,
    ] {
        assert!(ServerMsg::from_json(text).is_err(), "{text}");
    }
}

#[test]
fn a_quotes_coupon_comes_off_the_merchandise_after_deals_never_shipping() {
    let mut quote = sample_quote();
    quote.lines[0].deal_units = 1;
    quote.lines[0].unit_price = idr(150_000);
    quote.coupon = Some(AppliedCoupon {
        code: "KOPI-10".into(),
        terms: CouponTerms {
            off: Off::Percent { percent: 10 },
            min_spend: 0,
        },
    });
    let totals = quote.totals("jne-reg").unwrap();
    // 150,000 + 189,000 after the deal; 10 % of that, rounded down.
    assert_eq!(totals.coupon, Some(idr(33_900)));
    assert_eq!(totals.discount, idr(39_000));
    assert_eq!(totals.total, idr(339_000 - 33_900 + 18_000));
    let back: Quote = serde_json::from_str(&serde_json::to_string(&quote).unwrap()).unwrap();
    assert_eq!(back, quote);
    // An older quote without coupon fields still reads.
    let mut bare = serde_json::to_value(sample_quote()).unwrap();
    bare.as_object_mut().unwrap().remove("coupon");
    assert_eq!(serde_json::from_value::<Quote>(bare).unwrap().coupon, None);
}

#[test]
fn a_receipt_reads_in_the_shoppers_language_and_falls_back_to_the_brands() {
    let indonesian = sample_order().in_language("id");
    assert_eq!(indonesian.lines[0].name, "Kemeja batik");
    assert_eq!(
        indonesian.lines[0].variant_label, "M · Indigo",
        "no label translation"
    );
    assert!(indonesian.lines[0].names.is_empty());
    assert_eq!(
        sample_order().in_language("en").lines[0].name,
        "Batik shirt"
    );
}

#[test]
fn after_the_show_is_the_replay_unless_the_brand_chose_a_shop_or_nothing() {
    use crate::AfterShow;
    let read = |json: &str| serde_json::from_str::<AfterShow>(json);
    assert_eq!(AfterShow::default(), AfterShow::Replay);
    assert_eq!(
        read(r#"{"offer":"shop","url":"https://batik.example/shop"}"#).unwrap(),
        AfterShow::Shop {
            url: "https://batik.example/shop".into()
        }
    );
    assert_eq!(read(r#"{"offer":"nothing"}"#).unwrap(), AfterShow::Nothing);
    assert!(read(r#"{"offer":"fireworks"}"#).is_err());
    for url in ["javascript:alert(1)", "/shop", "ftp://batik.example"] {
        let shop = AfterShow::Shop { url: url.into() };
        assert!(shop.check().is_err(), "{url}");
    }
    // Absent from a show's frame, it is the replay.
    let mut show = serde_json::to_value(sample_welcome().show).unwrap();
    show.as_object_mut().unwrap().remove("after");
    let show: crate::Show = serde_json::from_value(show).unwrap();
    assert_eq!(show.after, AfterShow::Replay);
}
