//! Payments that wait, under load: the real server in this process on a
//! temporary SQLite file (`tests/fixtures/bench-show.toml`: stock that never
//! runs out), with the built-in test provider.
//!
//! 1. `checkout`: 1, 10 then 50 shoppers on their own WebSockets, each looping
//!    add → quote → checkout for a fixed time, once paying by test card (the
//!    baseline, answered `paid`) and once by QRIS (answered
//!    `awaiting_payment` with the QR to show: the payment screen), every QRIS
//!    order left waiting with its stock held. Round trip: `Checkout` sent →
//!    its `Ack`, i.e. order placed → payment screen's data in the widget.
//! 2. `callback`: one shopper's waiting QRIS orders paid one after another by
//!    the test provider's callback over HTTP; from posting the callback to
//!    the shopper's socket receiving `OrderUpdated` with `paid`.
//!
//! Prints one JSON line per run on stdout, nothing else. With
//! `LAPAK_TEST_POSTGRES`, the server runs on PostgreSQL instead.
//!
//! `cargo run -q --release -p lapak-server --example payments_load`
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Socket;
use lapak_protocol::{Card, ClientMsg, Order, OrderStatus, PayMethod, ServerMsg};
use lapak_server::payment::{APPROVE, TEST_CALLBACK_TOKEN, TEST_TOKEN_HEADER};

/// Concurrent shoppers per run.
const SHOPPERS: [usize; 3] = [1, 10, 50];
/// How long each run keeps checking out.
const RUN: Duration = Duration::from_secs(5);
/// Callbacks timed one after another.
const CALLBACKS: usize = 200;

#[tokio::main]
async fn main() {
    let store = if common::on_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    for shoppers in SHOPPERS {
        for method in [PayMethod::Card, PayMethod::Qris] {
            println!("{}", run(store, shoppers, method).await);
        }
    }
    println!("{}", callbacks(store).await);
}

/// One run of `shoppers` paying by `method` on a fresh server; its JSON line.
async fn run(store: &str, shoppers: usize, method: PayMethod) -> String {
    let server = common::load_server().await;
    let mut sockets = Vec::with_capacity(shoppers);
    for _ in 0..shoppers {
        let mut socket = common::connect(&server.url()).await;
        common::hello(&mut socket, None).await;
        sockets.push(socket);
    }
    let started = Instant::now();
    let kind = if method == PayMethod::Card {
        "card"
    } else {
        "qris"
    };
    let round_trips_us = common::round_trips(sockets, started + RUN, move |n, socket, deadline| {
        shop(n, socket, deadline, method.clone())
    })
    .await;
    let seconds = started.elapsed().as_secs_f64();
    server.running.stop().await;
    let orders = round_trips_us.len();
    let ms = |p: f64| common::percentile(&round_trips_us, p) as f64 / 1000.0;
    format!(
        r#"{{"run":"checkout","store":"{store}","method":"{kind}","shoppers":{shoppers},"orders":{orders},"orders_per_s":{:.1},"p50_ms":{:.3},"p95_ms":{:.3}}}"#,
        orders as f64 / seconds,
        ms(0.50),
        ms(0.95),
    )
}

/// One shopper: add → quote → checkout by `method` until `deadline`; the round trips in µs.
async fn shop(n: usize, mut socket: Socket, deadline: Instant, method: PayMethod) -> Vec<u64> {
    let mut round_trips = Vec::new();
    let mut i = 0usize;
    while Instant::now() < deadline {
        i += 1;
        let (took, _) = place(&mut socket, i, &method).await;
        round_trips.push(took.as_micros() as u64);
        let _ = n;
    }
    round_trips
}

/// Adds a jar, quotes and checks out by `method` as command `i`: the
/// checkout's round trip, and the order.
async fn place(socket: &mut Socket, i: usize, method: &PayMethod) -> (Duration, Order) {
    let add = common::add(&format!("add-{i}"), "jar", "default", 1);
    assert!(matches!(
        common::command(socket, &add).await,
        ServerMsg::Ack { .. }
    ));
    let quote = common::quote(socket, &format!("quote-{i}")).await;
    let mut request = common::request_from(&quote, "std", APPROVE);
    if *method != PayMethod::Card {
        request.method = method.clone();
        request.card = Card::default();
    }
    let checkout = ClientMsg::Checkout {
        id: format!("buy-{i}"),
        order: Box::new(request),
    };
    let sent = Instant::now();
    match common::command(socket, &checkout).await {
        ServerMsg::Ack {
            order: Some(order), ..
        } if matches!(
            order.status,
            OrderStatus::Paid | OrderStatus::AwaitingPayment
        ) =>
        {
            (sent.elapsed(), *order)
        }
        other => panic!("checkout → {other:?}"),
    }
}

/// Callback received → order shown paid, for [`CALLBACKS`] waiting orders; its JSON line.
async fn callbacks(store: &str) -> String {
    let server = common::load_server().await;
    let mut socket = common::connect(&server.url()).await;
    common::hello(&mut socket, None).await;
    let client = reqwest::Client::new();
    let callback = format!(
        "http://{}/api/v1/payments/test/callback",
        server.running.addr
    );
    let mut waits_us = Vec::with_capacity(CALLBACKS);
    for i in 1..=CALLBACKS {
        let (_, placed) = place(&mut socket, i, &PayMethod::Qris).await;
        let order = placed.number.clone();
        let body = serde_json::json!({
            "id": format!("evt-{i}"), "key": order, "status": "paid",
            "amount": placed.totals.total,
        });
        let sent = Instant::now();
        let answer = client
            .post(&callback)
            .header(TEST_TOKEN_HEADER, TEST_CALLBACK_TOKEN)
            .json(&body)
            .send()
            .await
            .expect("the callback is answered");
        assert!(answer.status().is_success(), "{}", answer.status());
        common::wait_for(&mut socket, |m| match m {
            ServerMsg::OrderUpdated { order: o } if o.number == order => {
                (o.status == OrderStatus::Paid).then_some(())
            }
            _ => None,
        })
        .await;
        waits_us.push(sent.elapsed().as_micros() as u64);
    }
    server.running.stop().await;
    waits_us.sort_unstable();
    let ms = |p: f64| common::percentile(&waits_us, p) as f64 / 1000.0;
    format!(
        r#"{{"run":"callback","store":"{store}","orders":{CALLBACKS},"p50_ms":{:.3},"p95_ms":{:.3}}}"#,
        ms(0.50),
        ms(0.95),
    )
}
