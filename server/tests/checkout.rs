//! Quotes, checkout and flash deals against the real server over real
//! WebSockets: no oversell under a crowd, one order per checkout id, nothing
//! kept from a refusal, deal prices only within their window and limits, lost
//! payment answers resolved once, and acknowledged orders surviving `kill -9`.
mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use lapak_protocol::{
    Cart, ClientMsg, LineNote, Money, OrderStatus, PricedLine, RejectCode, ServerMsg,
};
use lapak_server::payment::{APPROVE, DECLINE, INSUFFICIENT_FUNDS, TIMEOUT};
use sqlx::AnyConnection;

fn cart_of(reply: &ServerMsg) -> &Cart {
    match reply {
        ServerMsg::Ack {
            cart: Some(cart), ..
        } => cart,
        other => panic!("expected an Ack with a cart, got {other:?}"),
    }
}

/// Orders of the session with `token`, as `(number, command id, status)`, oldest first.
async fn db_orders(db: &mut AnyConnection, token: &str) -> Vec<(i64, String, String)> {
    sqlx::query_as(
        "SELECT o.id, o.command_id, o.status FROM orders o JOIN sessions s ON s.id = o.session_id
         WHERE s.token = $1 ORDER BY o.id",
    )
    .bind(token)
    .fetch_all(db)
    .await
    .unwrap()
}

/// Units of a variant held by orders that did not fail.
async fn db_ordered(db: &mut AnyConnection, product: &str, variant: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.status != 'failed' AND l.product_id = $1 AND l.variant_id = $2",
    )
    .bind(product)
    .bind(variant)
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_shoppers_race_for_ten_drops_and_exactly_ten_win() {
    const SHOPPERS: usize = 50;
    let server = server().await;
    let (mut watcher, _) = viewer(&server, None).await;
    let ready = Arc::new(tokio::sync::Barrier::new(SHOPPERS));
    let mut tasks = Vec::new();
    for i in 0..SHOPPERS {
        let (url, ready) = (server.url(), ready.clone());
        tasks.push(tokio::spawn(async move {
            let mut socket = connect(&url).await;
            let welcome = hello(&mut socket, None).await;
            let added = command(&mut socket, &add(&format!("add-{i}"), "drop", "default", 1)).await;
            assert_eq!(cart_of(&added).lines.len(), 1, "shopper {i}: {added:?}");
            let quote = quote(&mut socket, "q").await;
            let request = request_from(&quote, "std", APPROVE);
            // Everyone has a valid quote for one of ten units; now all check out at once.
            ready.wait().await;
            let reply = checkout(&mut socket, "buy", &request).await;
            (welcome.session.token, reply, socket)
        }));
    }
    let mut winners = HashSet::new();
    let mut losers = HashSet::new();
    let mut numbers = HashSet::new();
    // A shopper failing before the barrier would leave the others waiting: bound the wait.
    let answers = tokio::time::timeout(Duration::from_secs(60), futures::future::join_all(tasks))
        .await
        .expect("every shopper is answered");
    for answer in answers {
        let (token, reply, _socket) = answer.unwrap();
        match &reply {
            ServerMsg::Ack {
                order: Some(order),
                cart: Some(cart),
                ..
            } => {
                assert_eq!(order.status, OrderStatus::Paid);
                assert_eq!(order.lines.len(), 1);
                assert_eq!(
                    (order.lines[0].product_id.as_str(), order.lines[0].quantity),
                    ("drop", 1)
                );
                assert!(cart.lines.is_empty(), "a paid cart is emptied");
                assert!(
                    numbers.insert(order.number.clone()),
                    "order numbers are unique"
                );
                winners.insert(token);
            }
            ServerMsg::Reject {
                code: RejectCode::OutOfStock,
                ..
            } => {
                losers.insert(token);
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((winners.len(), losers.len()), (10, 40));

    let (_fresh, welcome) = viewer(&server, None).await;
    assert_eq!(welcome_stock(&welcome, "drop", "default"), 0);

    let mut db = open_db(&server.db()).await;
    assert_eq!(db_stock(&mut db, "drop", "default").await, 0);
    assert_eq!(db_count(&mut db, "orders").await, 10);
    assert_eq!(db_ordered(&mut db, "drop", "default").await, 10);
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 10);
    for token in &winners {
        let orders = db_orders(&mut db, token).await;
        assert_eq!(orders.len(), 1, "{orders:?}");
        assert_eq!(orders[0].2, "paid");
    }
    for token in &losers {
        assert!(db_orders(&mut db, token).await.is_empty());
        // A loser's cart is as it was: they may still buy elsewhere or wait for a restock.
        let (_s, again) = viewer(&server, Some(token)).await;
        assert_eq!(
            quantities(&again.cart),
            [("drop".into(), "default".into(), 1)]
        );
        assert!(again.orders.is_empty());
    }

    // Everyone watching saw the stock go down to zero, the last figure being the true one.
    let seen: Vec<u32> = drain(&mut watcher, Duration::from_millis(300))
        .await
        .into_iter()
        .filter_map(|msg| match msg {
            ServerMsg::StockChanged {
                product_id, stock, ..
            } if product_id == "drop" => Some(stock),
            _ => None,
        })
        .collect();
    assert_eq!(seen.len(), 10, "one StockChanged per order: {seen:?}");
    assert_eq!(
        seen.last(),
        Some(&0),
        "the last stock shown is the real one: {seen:?}"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn a_retried_checkout_places_one_order() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let token = welcome.session.token.clone();
    command(&mut tab, &add("a", "shirt", "m", 2)).await;
    let quote = quote(&mut tab, "q").await;
    let request = request_from(&quote, "std", APPROVE);

    let first = checkout(&mut tab, "co-1", &request).await;
    let order = placed(&first).clone();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.command_id, "co-1");
    assert_eq!(order.card_last4, "4242");
    assert_eq!(order.totals.total, request.total);
    assert!(cart_of(&first).lines.is_empty());

    // The same id again on the same connection…
    let second = checkout(&mut tab, "co-1", &request).await;
    assert_eq!(placed(&second), &order, "the same order, unchanged");
    // …and after reconnecting, as a viewer whose Ack got lost would.
    drop(tab);
    let (mut tab, again) = viewer(&server, Some(&token)).await;
    assert_eq!(again.orders, std::slice::from_ref(&order));
    assert!(again.cart.lines.is_empty());
    let third = checkout(&mut tab, "co-1", &request).await;
    assert_eq!(placed(&third).number, order.number);

    // Two tabs sending a new checkout with one id at the same moment place one order.
    let (mut tab2, _) = viewer(&server, Some(&token)).await;
    command(&mut tab, &add("b", "jar", "default", 1)).await;
    let quote = self::quote(&mut tab, "q2").await;
    let request = request_from(&quote, "express", APPROVE);
    send(&mut tab, &checkout_msg("co-2", &request)).await;
    send(&mut tab2, &checkout_msg("co-2", &request)).await;
    let (a, b) = tokio::join!(answer(&mut tab, "co-2"), answer(&mut tab2, "co-2"));
    assert_eq!(placed(&a).number, placed(&b).number);

    let mut db = open_db(&server.db()).await;
    let orders = db_orders(&mut db, &token).await;
    assert_eq!(orders.len(), 2, "{orders:?}");
    assert_eq!(db_stock(&mut db, "shirt", "m").await, 8, "taken once");
    assert_eq!(db_stock(&mut db, "jar", "default").await, 1, "taken once");
    assert_eq!(
        db_count(&mut db, "test_provider_charges").await,
        2,
        "charged once each"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn a_declined_card_places_nothing_and_a_retry_is_not_charged_again() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let token = welcome.session.token.clone();
    command(&mut tab, &add("a", "jar", "default", 1)).await;
    let quote = quote(&mut tab, "q").await;

    let declined = request_from(&quote, "std", DECLINE);
    let first = checkout(&mut tab, "d-1", &declined).await;
    assert_eq!(refused(&first), RejectCode::PaymentDeclined);
    let poor = request_from(&quote, "std", INSUFFICIENT_FUNDS);
    assert_eq!(
        refused(&checkout(&mut tab, "d-2", &poor).await),
        RejectCode::PaymentDeclined
    );

    let mut db = open_db(&server.db()).await;
    assert_eq!(db_count(&mut db, "orders").await, 0);
    assert_eq!(db_count(&mut db, "order_lines").await, 0);
    assert_eq!(
        db_stock(&mut db, "jar", "default").await,
        2,
        "the hold was given back"
    );
    let (_other, again) = viewer(&server, Some(&token)).await;
    assert!(again.orders.is_empty());
    assert_eq!(
        quantities(&again.cart),
        [("jar".into(), "default".into(), 1)]
    );
    assert_eq!(welcome_stock(&again, "jar", "default"), 2);

    // The same id gets the same answer, whatever card it now carries: nothing is charged.
    assert_eq!(checkout(&mut tab, "d-1", &declined).await, first);
    let good = request_from(&quote, "std", APPROVE);
    assert_eq!(checkout(&mut tab, "d-1", &good).await, first);
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 0);
    assert_eq!(db_count(&mut db, "orders").await, 0);

    // A new attempt with a good card goes through.
    let paid = checkout(&mut tab, "d-3", &good).await;
    assert_eq!(placed(&paid).status, OrderStatus::Paid);
    assert_eq!(db_stock(&mut db, "jar", "default").await, 1);
    assert_eq!(db_orders(&mut db, &token).await.len(), 1);
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 1);
    server.running.stop().await;
}

#[tokio::test]
async fn tampered_or_invalid_checkouts_are_refused_and_write_nothing() {
    let server = server().await;
    let (mut alice, welcome) = viewer(&server, None).await;
    command(&mut alice, &add("a1", "shirt", "m", 1)).await;
    command(&mut alice, &add("a2", "jar", "default", 1)).await;
    let quote = quote(&mut alice, "q").await;
    let valid = request_from(&quote, "std", APPROVE);
    let drop_line = PricedLine {
        product_id: "drop".into(),
        variant_id: "default".into(),
        quantity: 1,
        unit_price: Money {
            minor: 10_000_000,
            currency: "IDR".into(),
        },
        deal_units: 0,
    };

    type Tamper = Box<dyn Fn(&mut lapak_protocol::CheckoutRequest)>;
    let cases: Vec<(&str, Tamper, RejectCode)> = vec![
        (
            "cheaper-unit",
            Box::new(|r| r.lines[0].unit_price.minor -= 1_000_000),
            RejectCode::PriceChanged,
        ),
        (
            "cheaper-total",
            Box::new(|r| r.total.minor -= 1),
            RejectCode::PriceChanged,
        ),
        (
            "other-currency",
            Box::new(|r| r.total.currency = "USD".into()),
            RejectCode::PriceChanged,
        ),
        (
            "more-than-cart",
            Box::new(|r| r.lines[1].quantity = 2),
            RejectCode::CartChanged,
        ),
        (
            "fewer-lines",
            Box::new(|r| {
                r.lines.pop();
            }),
            RejectCode::CartChanged,
        ),
        (
            "extra-line",
            Box::new(move |r| r.lines.push(drop_line.clone())),
            RejectCode::CartChanged,
        ),
        (
            "reordered",
            Box::new(|r| r.lines.reverse()),
            RejectCode::CartChanged,
        ),
        (
            "no-such-shipping",
            Box::new(|r| r.shipping = "drone".into()),
            RejectCode::UnknownShipping,
        ),
        (
            "bad-email",
            Box::new(|r| r.contact.email = "dewi@example".into()),
            RejectCode::InvalidDetails,
        ),
        (
            "empty-name",
            Box::new(|r| r.contact.name = "  ".into()),
            RejectCode::InvalidDetails,
        ),
        (
            "bad-postal",
            Box::new(|r| r.address.postal_code = "40111!".into()),
            RejectCode::InvalidDetails,
        ),
        (
            "bad-luhn",
            Box::new(|r| r.card.number = "4242424242424241".into()),
            RejectCode::InvalidDetails,
        ),
        (
            "expired",
            Box::new(|r| r.card.expiry = "01/20".into()),
            RejectCode::InvalidDetails,
        ),
    ];
    for (id, tamper, code) in &cases {
        let mut request = valid.clone();
        tamper(&mut request);
        let reply = checkout(&mut alice, id, &request).await;
        assert_eq!(refused(&reply), *code, "{id}: {reply:?}");
        if *code == RejectCode::InvalidDetails {
            let ServerMsg::Reject { message, .. } = &reply else {
                unreachable!()
            };
            assert!(!message.is_empty(), "the message names the fields");
        }
    }

    // Bob, with an empty cart, sends Alice's lines: his cart is empty, so there is nothing to buy.
    let (mut bob, _) = viewer(&server, None).await;
    assert_eq!(
        refused(&checkout(&mut bob, "b1", &valid).await),
        RejectCode::EmptyCart
    );
    let mut nothing = valid.clone();
    nothing.lines.clear();
    assert_eq!(
        refused(&checkout(&mut bob, "b2", &nothing).await),
        RejectCode::EmptyCart
    );
    // With something in his cart, Alice's lines are not his cart.
    command(&mut bob, &add("b3", "jar", "default", 1)).await;
    assert_eq!(
        refused(&checkout(&mut bob, "b4", &valid).await),
        RejectCode::CartChanged
    );

    let mut db = open_db(&server.db()).await;
    assert_eq!(db_count(&mut db, "orders").await, 0);
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 0);
    assert_eq!(db_stock(&mut db, "shirt", "m").await, 10);
    assert_eq!(db_stock(&mut db, "jar", "default").await, 2);
    assert_eq!(db_stock(&mut db, "drop", "default").await, 10);
    let (_again, again) = viewer(&server, Some(&welcome.session.token)).await;
    assert_eq!(
        quantities(&again.cart),
        [
            ("shirt".into(), "m".into(), 1),
            ("jar".into(), "default".into(), 1)
        ]
    );
    assert!(again.orders.is_empty());

    // The untouched request still goes through.
    let paid = checkout(&mut alice, "ok", &valid).await;
    assert_eq!(placed(&paid).status, OrderStatus::Paid);
    assert_eq!(db_stock(&mut db, "jar", "default").await, 1);
    server.running.stop().await;
}

#[tokio::test]
async fn a_flash_deal_prices_within_its_window_and_limits_then_ends() {
    let server = server().await;
    let (mut watcher, welcome) = viewer(&server, None).await;
    let deal = welcome
        .show
        .deals
        .iter()
        .find(|d| d.product_id == "lamp")
        .expect("the lamp deal runs from the start")
        .clone();
    assert_eq!(
        (
            deal.price.minor,
            deal.quantity,
            deal.remaining,
            deal.per_buyer
        ),
        (20_000_000, 4, 4, 2)
    );
    assert!(
        welcome.server_time_ms + 2_000 < deal.ends_at_ms,
        "the test starts well within the 3 s window"
    );

    // Alice adds two lamps at the deal price; a third would be over the per-buyer limit.
    let (mut alice, _) = viewer(&server, None).await;
    let added = command(&mut alice, &add("a1", "lamp", "default", 2)).await;
    assert_eq!(cart_of(&added).lines[0].unit_price.minor, 20_000_000);
    let at_deal = quote(&mut alice, "q1").await;
    let line = &at_deal.lines[0];
    assert_eq!(line.deal_id.as_deref(), Some(deal.id.as_str()));
    assert_eq!(
        (line.unit_price.minor, line.regular_price.minor, line.note),
        (20_000_000, 30_000_000, None)
    );
    let deal_request = request_from(&at_deal, "std", APPROVE);
    command(&mut alice, &set_quantity("a2", "lamp", "default", 3)).await;
    // Over the limit: two keep the deal price, the third is at the regular price.
    let over = quote(&mut alice, "q2").await;
    let line = &over.lines[0];
    assert_eq!(
        (
            line.deal_units,
            line.unit_price.minor,
            line.deal_id.as_deref(),
            line.note,
            line.amount().unwrap().minor
        ),
        (
            2,
            20_000_000,
            Some(deal.id.as_str()),
            Some(LineNote::DealLimit { per_buyer: 2 }),
            70_000_000
        )
    );
    command(&mut alice, &set_quantity("a3", "lamp", "default", 2)).await;

    // Carol buys two at the deal price; everyone hears what is left.
    let (mut carol, _) = viewer(&server, None).await;
    command(&mut carol, &add("c1", "lamp", "default", 2)).await;
    let quote_c = quote(&mut carol, "q").await;
    let bought = checkout(&mut carol, "c2", &request_from(&quote_c, "std", APPROVE)).await;
    let order = placed(&bought);
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.lines[0].unit_price.minor, 20_000_000);
    let t = &order.totals;
    assert_eq!(
        (
            t.subtotal.minor,
            t.discount.minor,
            t.shipping.minor,
            t.total.minor
        ),
        (60_000_000, 20_000_000, 1_000_000, 41_000_000)
    );
    let (mut stock, mut remaining) = (None, None);
    while stock.is_none() || remaining.is_none() {
        let (s, r) = wait_for(&mut watcher, |msg| match msg {
            ServerMsg::StockChanged {
                product_id,
                stock: s,
                ..
            } if product_id == "lamp" => Some((Some(*s), None)),
            ServerMsg::DealChanged {
                deal_id,
                remaining: r,
                ..
            } if *deal_id == deal.id => Some((None, Some(*r))),
            _ => None,
        })
        .await;
        stock = s.or(stock);
        remaining = r.or(remaining);
    }
    assert_eq!((stock, remaining), (Some(18), Some(2)));
    // Carol has used her deal allowance: another lamp is at the regular price.
    command(&mut carol, &add("c3", "lamp", "default", 1)).await;
    let capped = quote(&mut carol, "q2").await;
    assert_eq!(
        (capped.lines[0].unit_price.minor, capped.lines[0].note),
        (30_000_000, Some(LineNote::DealLimit { per_buyer: 2 }))
    );

    // The window closes: viewers hear it, and the deal price is gone.
    let ended = |msg: &ServerMsg| match msg {
        ServerMsg::DealEnded { deal_id, .. } if *deal_id == deal.id => Some(()),
        _ => None,
    };
    wait_for(&mut watcher, ended).await;
    wait_for(&mut alice, ended).await;
    assert!(lapak_server::now_ms() >= deal.ends_at_ms);
    assert_eq!(
        refused(&checkout(&mut alice, "a4", &deal_request).await),
        RejectCode::PriceChanged
    );
    let after = quote(&mut alice, "q3").await;
    let line = &after.lines[0];
    assert_eq!(
        (line.unit_price.minor, line.deal_id.as_deref(), line.note),
        (30_000_000, None, Some(LineNote::DealEnded))
    );
    assert_eq!(line.added_price.minor, 20_000_000);
    let (_late, late) = viewer(&server, None).await;
    assert!(late.show.deals.is_empty());

    let paid = checkout(&mut alice, "a5", &request_from(&after, "std", APPROVE)).await;
    assert_eq!(placed(&paid).lines[0].unit_price.minor, 30_000_000);
    let mut db = open_db(&server.db()).await;
    let deal_units: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines WHERE deal_id = $1",
    )
    .bind(&deal.id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(deal_units, 2);
    assert_eq!(db_stock(&mut db, "lamp", "default").await, 16);
    server.running.stop().await;
}

#[tokio::test]
async fn a_viewer_behind_the_live_edge_keeps_the_deal_its_picture_shows() {
    let server = server().await;
    let (mut watcher, welcome) = viewer(&server, None).await;
    let deal = welcome.show.deals[0].clone();
    assert_eq!(deal.product_id, "lamp");
    // Said before joining, a delay is refused like any frame out of turn.
    let mut early = connect(&server.url()).await;
    send(&mut early, &ClientMsg::Behind { ms: 5_000 }).await;
    assert_eq!(refused(&recv(&mut early).await), RejectCode::BadSequence);

    let (mut dave, _) = viewer(&server, None).await;
    let (mut erin, _) = viewer(&server, None).await;
    // Dave's picture runs 5 s behind; Erin's is at the live edge.
    send(&mut dave, &ClientMsg::Behind { ms: 5_000 }).await;
    let ended = |msg: &ServerMsg| match msg {
        ServerMsg::DealEnded { deal_id, .. } if *deal_id == deal.id => Some(()),
        _ => None,
    };
    wait_for(&mut watcher, ended).await;
    let now = lapak_server::now_ms();
    assert!(now >= deal.ends_at_ms);
    assert!(
        lapak_protocol::deal_clock_ms(now, 5_000) + 1_000 < deal.ends_at_ms,
        "the deal is still on Dave's picture with a second to spare"
    );

    // Erin: the deal is over. Dave: it still runs on his picture's clock, so
    // he adds, is quoted and pays the deal price.
    let added = command(&mut erin, &add("e1", "lamp", "default", 1)).await;
    assert_eq!(cart_of(&added).lines[0].unit_price.minor, 30_000_000);
    let added = command(&mut dave, &add("d1", "lamp", "default", 1)).await;
    assert_eq!(cart_of(&added).lines[0].unit_price.minor, 20_000_000);
    let at_deal = quote(&mut dave, "dq").await;
    assert_eq!(at_deal.lines[0].deal_id.as_deref(), Some(deal.id.as_str()));
    let paid = checkout(&mut dave, "d2", &request_from(&at_deal, "std", APPROVE)).await;
    assert_eq!(placed(&paid).lines[0].unit_price.minor, 20_000_000);
    server.running.stop().await;
}

#[tokio::test]
async fn a_declined_card_gives_the_flash_deals_units_back() {
    let server = server().await;
    // The lamp deal: four units, two per buyer, for the show's first 3 s.
    let at_deal = |reply: &ServerMsg| cart_of(reply).lines[0].unit_price.minor == 20_000_000;
    let (mut alice, _) = viewer(&server, None).await;
    assert!(at_deal(
        &command(&mut alice, &add("a1", "lamp", "default", 2)).await
    ));
    let quote_a = quote(&mut alice, "q").await;
    let declined = checkout(&mut alice, "a2", &request_from(&quote_a, "std", DECLINE)).await;
    assert_eq!(refused(&declined), RejectCode::PaymentDeclined);

    // All four are there again for two other buyers.
    for name in ["bob", "carol"] {
        let (mut buyer, welcome) = viewer(&server, None).await;
        let deal = welcome.show.deals.iter().find(|d| d.product_id == "lamp");
        assert!(deal.is_some(), "the deal still runs for {name}");
        assert!(at_deal(
            &command(&mut buyer, &add("b1", "lamp", "default", 2)).await
        ));
        let quote = quote(&mut buyer, "q").await;
        let paid = checkout(&mut buyer, "b2", &request_from(&quote, "std", APPROVE)).await;
        assert_eq!(
            placed(&paid).lines[0].unit_price.minor,
            20_000_000,
            "{name}"
        );
    }
    let mut db = open_db(&server.db()).await;
    let sold = db_number(
        &mut db,
        "SELECT sold FROM deal_units WHERE deal_id LIKE 'lamp@%'",
    )
    .await;
    assert_eq!(sold, 4);
    server.running.stop().await;
}

#[tokio::test]
async fn a_lost_payment_answer_is_resolved_once_by_the_sweeper() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let token = welcome.session.token.clone();
    let (mut tab2, _) = viewer(&server, Some(&token)).await;
    command(&mut tab, &add("a", "shirt", "xl", 1)).await;
    let quote = quote(&mut tab, "q").await;
    let request = request_from(&quote, "std", TIMEOUT);

    let started = std::time::Instant::now();
    let reply = checkout(&mut tab, "p-1", &request).await;
    let pending = placed(&reply).clone();
    assert_eq!(pending.status, OrderStatus::PaymentPending);
    assert!(
        cart_of(&reply).lines.is_empty(),
        "the cart moved into the pending order"
    );
    // So a second checkout meanwhile cannot buy the same cart again.
    let twice = checkout(&mut tab, "p-2", &request).await;
    assert_eq!(refused(&twice), RejectCode::EmptyCart);
    // The other tab heard of the add, then hears the cart move into the order.
    wait_for(&mut tab2, |msg| match msg {
        ServerMsg::CartChanged { cart } if cart.lines.is_empty() => Some(()),
        _ => None,
    })
    .await;

    for socket in [&mut tab, &mut tab2] {
        let paid = wait_for(socket, |msg| match msg {
            ServerMsg::OrderUpdated { order } if order.number == pending.number => {
                Some(order.clone())
            }
            _ => None,
        })
        .await;
        assert_eq!(paid.status, OrderStatus::Paid);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    // A retry finds the settled order.
    let again = checkout(&mut tab, "p-1", &request).await;
    assert_eq!(placed(&again).number, pending.number);
    assert_eq!(placed(&again).status, OrderStatus::Paid);
    // Later sweeps leave it alone.
    let later = drain(&mut tab2, Duration::from_millis(2_500)).await;
    assert!(
        !later
            .iter()
            .any(|m| matches!(m, ServerMsg::OrderUpdated { .. })),
        "{later:?}"
    );

    let mut db = open_db(&server.db()).await;
    let orders = db_orders(&mut db, &token).await;
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].2, "paid");
    assert_eq!(db_stock(&mut db, "shirt", "xl").await, 1, "taken once");
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 1);
    let (_s, after) = viewer(&server, Some(&token)).await;
    assert_eq!(after.orders.len(), 1);
    assert_eq!(after.orders[0].status, OrderStatus::Paid);
    server.running.stop().await;
}

/// Changes whenever another connection commits to the file (SQLite only).
async fn data_version(db: &mut AnyConnection) -> i64 {
    sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_quote_reads_and_writes_nothing() {
    let server = server().await;
    let (mut tab, _) = viewer(&server, None).await;
    command(&mut tab, &add("a", "shirt", "m", 1)).await;
    command(&mut tab, &add("b", "jar", "default", 2)).await;
    let mut db = open_db(&server.db()).await;
    // SQLite counts commits to the file; PostgreSQL has no such counter per
    // database (the counts below still hold there).
    let before = if on_postgres() {
        None
    } else {
        Some(data_version(&mut db).await)
    };
    let counts = (
        db_count(&mut db, "processed_commands").await,
        db_count(&mut db, "orders").await,
    );

    let first = quote(&mut tab, "q").await;
    let second = quote(&mut tab, "q").await;
    let third = quote(&mut tab, "q-other").await;
    assert_eq!(first, second);
    assert_eq!(first, third);
    let totals = first.totals("std").unwrap();
    assert_eq!(
        (
            totals.subtotal.minor,
            totals.discount.minor,
            totals.shipping.minor,
            totals.total.minor
        ),
        (27_900_000, 0, 1_000_000, 28_900_000)
    );
    assert_eq!(first.totals("express").unwrap().total.minor, 30_900_000);
    assert!(first.buyable());

    if let Some(before) = before {
        assert_eq!(data_version(&mut db).await, before, "no commit since");
    }
    assert_eq!(
        (
            db_count(&mut db, "processed_commands").await,
            db_count(&mut db, "orders").await
        ),
        counts
    );
    server.running.stop().await;
}

// ---- kill -9 ----------------------------------------------------------------

/// The server binary on `db`, as the kill -9 tests run it.
fn start_binary(db: &Path) -> Process {
    let binary = Path::new(env!("CARGO_BIN_EXE_lapak-server"));
    Process::start(binary, &config(db.to_owned()), Stdio::null())
}

#[tokio::test]
async fn an_acknowledged_order_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lapak.db");
    let server = start_binary(&db);
    let mut socket = connect(&server.url).await;
    let welcome = hello(&mut socket, None).await;
    command(&mut socket, &add("a", "shirt", "m", 2)).await;
    let quote = quote(&mut socket, "q").await;
    let reply = checkout(&mut socket, "k-1", &request_from(&quote, "std", APPROVE)).await;
    server.kill();
    let order = placed(&reply).clone();
    assert_eq!(order.status, OrderStatus::Paid);

    let server = start_binary(&db);
    let mut socket = connect(&server.url).await;
    let again = hello(&mut socket, Some(&welcome.session.token)).await;
    assert_eq!(again.orders, [order]);
    assert!(again.cart.lines.is_empty(), "{:?}", again.cart);
    assert_eq!(welcome_stock(&again, "shirt", "m"), 8);
    server.kill();
    let mut db = open_db(&db).await;
    assert_eq!(db_stock(&mut db, "shirt", "m").await, 8);
    assert_eq!(db_count(&mut db, "orders").await, 1);
}

#[tokio::test]
async fn a_checkout_cut_off_by_kill_9_is_placed_at_most_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lapak.db");
    let mut server = start_binary(&db);
    let mut socket = connect(&server.url).await;
    let token = hello(&mut socket, None).await.session.token;
    // Kill at different points of the checkout: before it arrives, while it is written, while it is paid.
    let delays_us = [0, 300, 1_000, 3_000, 10_000];
    for (round, delay) in delays_us.into_iter().enumerate() {
        let id = format!("k-{round}");
        command(&mut socket, &add(&format!("a-{round}"), "shirt", "m", 1)).await;
        let quote = quote(&mut socket, &format!("q-{round}")).await;
        let request = request_from(&quote, "std", APPROVE);
        send(&mut socket, &checkout_msg(&id, &request)).await;
        std::thread::sleep(Duration::from_micros(delay));
        server.kill();

        server = start_binary(&db);
        socket = connect(&server.url).await;
        let again = hello(&mut socket, Some(&token)).await;
        assert!(again.orders.len() <= round + 1, "{:?}", again.orders);
        // The viewer resends the command it never heard back about.
        let reply = checkout(&mut socket, &id, &request).await;
        let order = placed(&reply);
        assert_eq!(order.command_id, id);
        let resent = checkout(&mut socket, &id, &request).await;
        assert_eq!(placed(&resent).number, order.number);

        let mut db = open_db(&db).await;
        let orders = db_orders(&mut db, &token).await;
        assert_eq!(
            orders.len(),
            round + 1,
            "one order per checkout id: {orders:?}"
        );
        assert_eq!(orders.iter().filter(|o| o.1 == id).count(), 1);
        let stock = db_stock(&mut db, "shirt", "m").await;
        assert_eq!(
            stock + db_ordered(&mut db, "shirt", "m").await,
            10,
            "stock is taken exactly for the orders that hold it"
        );
        // Whatever was placed gets settled (the sweeper resolves a payment the kill cut off).
        let settled = async {
            loop {
                let pending: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM orders WHERE status = 'payment_pending'",
                )
                .fetch_one(&mut db)
                .await
                .unwrap();
                if pending == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        // On PostgreSQL, a payment the killed process had under way is left to
        // it until its charge's answer was due (11 s), as if it were still alive.
        tokio::time::timeout(PATIENCE * 3, settled)
            .await
            .expect("pending payments are resolved");
        // Leave the cart empty for the next round whatever happened to this one.
        let cart = hello_cart(&server.url, &token).await;
        for line in cart.lines {
            command(
                &mut socket,
                &set_quantity(
                    &format!("clear-{round}-{}", line.product_id),
                    &line.product_id,
                    &line.variant_id,
                    0,
                ),
            )
            .await;
        }
    }
    server.kill();
}

/// The session's cart as a new connection sees it.
async fn hello_cart(url: &str, token: &str) -> Cart {
    let mut socket = connect(url).await;
    hello(&mut socket, Some(token)).await.cart
}

#[tokio::test]
async fn an_answer_is_not_held_back_behind_a_show_event() {
    // After a checkout the server sends two frames back to back (the Ack, then the
    // StockChanged it caused). The next command's answer must go out at once, not
    // wait for the viewer's delayed TCP acknowledgement of those frames (~40 ms).
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    let mut after_checkout = Vec::new();
    for round in 0..5 {
        let started = std::time::Instant::now();
        command(&mut socket, &add(&format!("a-{round}"), "shirt", "m", 1)).await;
        if round > 0 {
            after_checkout.push(started.elapsed());
        }
        let quote = quote(&mut socket, &format!("q-{round}")).await;
        let request = request_from(&quote, "std", APPROVE);
        placed(&checkout(&mut socket, &format!("c-{round}"), &request).await);
    }
    let fastest = after_checkout.iter().min().unwrap();
    assert!(
        *fastest < Duration::from_millis(25),
        "add round trips after a checkout: {after_checkout:?}"
    );
    server.running.stop().await;
}
