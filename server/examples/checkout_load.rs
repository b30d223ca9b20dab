//! Checkout under load: the real server in this process on a temporary SQLite
//! file (`tests/fixtures/bench-show.toml`: stock that never runs out, no flash
//! deal), and 1, 10 then 50 shoppers on their own WebSockets, each looping
//! add → quote → checkout (test card 4242…) for a fixed time. Measures the
//! checkout's round trip, from sending `Checkout` to receiving its `Ack`.
//!
//! Prints one JSON line per shopper count on stdout, nothing else:
//! `{"shoppers":10,"orders":1234,"seconds":5.0,"orders_per_s":246.8,"p50_ms":…,"p99_ms":…}`.
//!
//! `cargo run -q --release -p lapak-server --example checkout_load`
//!
//! With `SERVERS=1,2,3` and `LAPAK_TEST_POSTGRES` (a cluster, as
//! `scripts/postgres.sh` prints it): instead, 50 shoppers spread over that
//! many release server processes sharing one new PostgreSQL database, a line
//! per count (`{"servers":2,…}`). `LAPAK_TEST_POSTGRES` alone runs the
//! in-process server on PostgreSQL.
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Socket;
use lapak_protocol::{ClientMsg, OrderStatus, ServerMsg};
use lapak_server::payment::APPROVE;

/// Concurrent shoppers per run.
const SHOPPERS: [usize; 3] = [1, 10, 50];
/// How long each run keeps checking out.
const RUN: Duration = Duration::from_secs(5);
/// What the shoppers buy, in turn.
const ITEMS: [(&str, &str); 3] = [("shirt", "m"), ("jar", "default"), ("shirt", "xl")];

#[tokio::main]
async fn main() {
    if let Ok(counts) = std::env::var("SERVERS") {
        for servers in counts.split(',') {
            println!("{}", across(servers.parse().expect("SERVERS=1,2,3")).await);
        }
        return;
    }
    for shoppers in SHOPPERS {
        let report = run(shoppers).await;
        println!("{report}");
    }
}

/// One run with `shoppers` concurrent shoppers on a fresh server; its JSON line.
async fn run(shoppers: usize) -> String {
    let server = common::load_server().await;
    let url = server.url();

    let mut sockets = Vec::with_capacity(shoppers);
    for _ in 0..shoppers {
        let mut socket = common::connect(&url).await;
        common::hello(&mut socket, None).await;
        sockets.push(socket);
    }

    let started = Instant::now();
    let round_trips_us = common::round_trips(sockets, started + RUN, shop).await;
    let seconds = started.elapsed().as_secs_f64();
    server.running.stop().await;

    line(
        &format!(r#""shoppers":{shoppers}"#),
        &round_trips_us,
        seconds,
    )
}

/// 50 shoppers spread over `servers` processes on one database; its JSON line.
async fn across(servers: usize) -> String {
    const SHOPPERS: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let config = common::load_config(dir.path().join("lapak.db"));
    assert!(
        config.database.is_some(),
        "SERVERS needs LAPAK_TEST_POSTGRES"
    );
    let binary = common::server_binary();
    let processes: Vec<_> = (0..servers)
        .map(|_| common::Process::start(&binary, &config, std::process::Stdio::inherit()))
        .collect();
    let mut sockets = Vec::with_capacity(SHOPPERS);
    for n in 0..SHOPPERS {
        let mut socket = common::connect(&processes[n % servers].url).await;
        common::hello(&mut socket, None).await;
        sockets.push(socket);
    }
    let started = Instant::now();
    let round_trips_us = common::round_trips(sockets, started + RUN, shop).await;
    let seconds = started.elapsed().as_secs_f64();
    drop(processes);
    line(
        &format!(r#""servers":{servers},"shoppers":{SHOPPERS}"#),
        &round_trips_us,
        seconds,
    )
}

/// A run's JSON line: `fields`, then orders, their rate and round trips.
fn line(fields: &str, round_trips_us: &[u64], seconds: f64) -> String {
    let orders = round_trips_us.len();
    let ms = |p: f64| common::percentile(round_trips_us, p) as f64 / 1000.0;
    eprintln!("checkout_load: {fields}: {orders} orders in {seconds:.2} s");
    format!(
        r#"{{{fields},"orders":{orders},"seconds":{seconds:.2},"orders_per_s":{:.1},"p50_ms":{:.3},"p99_ms":{:.3}}}"#,
        orders as f64 / seconds,
        ms(0.50),
        ms(0.99),
    )
}

/// One shopper: add → quote → checkout until `deadline`; the checkouts' round trips in µs.
async fn shop(n: usize, mut socket: Socket, deadline: Instant) -> Vec<u64> {
    let mut round_trips = Vec::new();
    let mut i = 0usize;
    while Instant::now() < deadline {
        i += 1;
        let (product, variant) = ITEMS[(n + i) % ITEMS.len()];
        match common::command(
            &mut socket,
            &common::add(&format!("add-{i}"), product, variant, 1),
        )
        .await
        {
            ServerMsg::Ack { .. } => {}
            other => panic!("shopper {n}: add → {other:?}"),
        }
        let quote = common::quote(&mut socket, &format!("quote-{i}")).await;
        let request = common::request_from(&quote, "std", APPROVE);
        let checkout = ClientMsg::Checkout {
            id: format!("buy-{i}"),
            order: Box::new(request),
        };
        let sent = Instant::now();
        match common::command(&mut socket, &checkout).await {
            ServerMsg::Ack {
                order: Some(order), ..
            } if order.status == OrderStatus::Paid => {
                round_trips.push(sent.elapsed().as_micros() as u64);
            }
            other => panic!("shopper {n}: checkout → {other:?}"),
        }
    }
    round_trips
}
