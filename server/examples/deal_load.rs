//! A flash-deal race: 400 buyers, each with the deal's product in the cart at
//! the deal price and a quote for it, send their checkouts at once for the
//! deal's 100 units (`server/tests/fixtures/deal-show.toml`). Every buyer is
//! answered: 100 paid orders at the deal price, the rest refused (the deal's
//! price is gone: `price_changed`, nothing written). Measured: the time from
//! the first checkout to the last answer, answers a second, and each buyer's
//! round trip. The checks fail the run if a unit is sold twice or a buyer
//! goes unanswered.
//!
//! On the in-process server and its SQLite file; with `LAPAK_TEST_POSTGRES`
//! (a cluster, as `scripts/postgres.sh` prints it) and `SERVERS=1,2,3`, over
//! that many release server processes sharing one new PostgreSQL database, the
//! buyers spread among them. With `SOLD=N`, the race is for the last 100 units
//! of a deal of N + 100 whose first N were sold before (paid orders written
//! straight into the database): late in a big flash deal. With `SHOWS=N`, N
//! shows (copies of the show) run the same deal at once on the same servers,
//! the buyers spread among them: a platform of brands, each with its flash
//! deal, the 100 units split among them. Prints one JSON line per run:
//! `{"servers":…,"shows":…,"sold_before":…,"buyers":400,"units":100,"paid":100,"refused":300,"all_ms":…,"answers_per_s":…,"p50_ms":…,"p99_ms":…}`
//! (`units` and `paid` over all the shows). With `LATE=1`, a first wave of
//! 100 buyers takes the units, and the other 300, checking out once the deal
//! has sold out, are measured: buyers who come late to a big deal.
#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Instant;

use lapak_protocol::{CheckoutRequest, OrderStatus, RejectCode, ServerMsg};
use lapak_server::payment::APPROVE;

/// Buyers racing, each on its own socket (400 in-process: 800 descriptors, under the default 1,024).
const BUYERS: usize = 400;
/// The deal's units, as the show file says.
const UNITS: usize = 100;

#[tokio::main]
async fn main() {
    match std::env::var("SERVERS") {
        Ok(counts) => {
            for servers in counts.split(',') {
                let servers = servers.parse().expect("SERVERS=1,2,3");
                println!("{}", race(Some(servers)).await);
            }
        }
        Err(_) => println!("{}", race(None).await),
    }
}

/// One race on the in-process server (`None`) or on `servers` processes; its JSON line.
async fn race(servers: Option<usize>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let sold_before: usize = std::env::var("SOLD").map_or(0, |n| n.parse().expect("SOLD=N"));
    let shows: usize = std::env::var("SHOWS").map_or(1, |n| n.parse().expect("SHOWS=N"));
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deal-show.toml");
    let toml = std::fs::read_to_string(fixture).unwrap();
    // The same 100 units in all, split among the shows: the same race, only spread.
    assert_eq!(UNITS % shows, 0, "SHOWS divides {UNITS}");
    let quantity = format!("quantity = {}", UNITS / shows + sold_before);
    let files: Vec<PathBuf> = (0..shows)
        .map(|n| {
            let file = dir.path().join(format!("deal-{n}.toml"));
            let show = toml
                .replace("quantity = 100", &quantity)
                .replace(r#"id = "deal""#, &format!(r#"id = "{}""#, show_id(n)));
            std::fs::write(&file, show).unwrap();
            file
        })
        .collect();
    let config = lapak_server::Config {
        show: files,
        ..common::load_config(dir.path().join("lapak.db"))
    };
    let (mut processes, mut in_process) = (Vec::new(), None);
    let urls: Vec<String> = match servers {
        Some(n) => {
            assert!(
                config.database.is_some(),
                "SERVERS needs LAPAK_TEST_POSTGRES"
            );
            let binary = common::server_binary();
            processes = (0..n)
                .map(|_| common::Process::start(&binary, &config, std::process::Stdio::inherit()))
                .collect();
            processes.iter().map(|p| p.url.clone()).collect()
        }
        None => {
            let server = common::server_with(|c| *c = config.clone()).await;
            let url = server.url();
            in_process = Some(server);
            vec![url]
        }
    };

    for n in 0..shows {
        sell_before(&dir.path().join("lapak.db"), &show_id(n), sold_before).await;
    }
    let mut ready = Vec::with_capacity(BUYERS);
    for n in 0..BUYERS {
        let show = show_id(n % shows);
        let url = format!("{}?show={show}", urls[n % urls.len()]);
        let mut socket = common::connect(&url).await;
        joined(&mut socket, &show).await;
        common::command(&mut socket, &common::add("add", "drop", "default", 1)).await;
        let quote = common::quote(&mut socket, "quote").await;
        ready.push((socket, common::request_from(&quote, "std", APPROVE)));
    }
    // With LATE=1, the deal's units go to a first wave that buys them all,
    // and what is measured is the rest, checking out once it has sold out.
    let late = std::env::var_os("LATE").is_some();
    if late {
        let rest = ready.split_off(UNITS);
        let (paid, _, _) = wave(ready).await;
        assert_eq!(paid, UNITS, "the first wave buys every unit");
        ready = rest;
    }
    let measured = ready.len();
    let (paid, mut round_trips, all) = wave(ready).await;
    let sold = if late { UNITS + paid } else { paid };
    assert_eq!(sold, UNITS, "every unit sold once, none twice");
    drop(processes);
    if let Some(server) = in_process {
        server.running.stop().await;
    }
    round_trips.sort_unstable();
    let ms = |p: f64| common::percentile(&round_trips, p) as f64 / 1000.0;
    let backend = match servers {
        Some(n) => format!(r#""servers":{n},"database":"postgresql""#),
        None => r#""servers":1,"database":"sqlite""#.to_owned(),
    };
    let backend = format!(r#"{backend},"shows":{shows},"sold_before":{sold_before},"late":{late}"#);
    eprintln!("deal_load: {backend}: {measured} buyers answered in {all:.2} s");
    format!(
        r#"{{{backend},"buyers":{measured},"units":{UNITS},"paid":{paid},"refused":{},"all_ms":{:.0},"answers_per_s":{:.0},"p50_ms":{:.1},"p99_ms":{:.1}}}"#,
        measured - paid,
        all * 1000.0,
        measured as f64 / all,
        ms(0.50),
        ms(0.99),
    )
}

/// Sends every ready buyer's checkout at once: how many were paid, each
/// one's round trip (µs) and the seconds until the last was answered.
async fn wave(ready: Vec<(common::Socket, CheckoutRequest)>) -> (usize, Vec<u64>, f64) {
    let started = Instant::now();
    let buyers: Vec<_> = ready
        .into_iter()
        .map(|(mut socket, request)| {
            tokio::spawn(async move {
                let reply = common::checkout(&mut socket, "buy", &request).await;
                let answered = started.elapsed();
                let paid = match reply {
                    ServerMsg::Ack {
                        order: Some(order), ..
                    } => {
                        assert_eq!(order.status, OrderStatus::Paid);
                        assert_eq!(order.lines[0].unit_price.minor, 9_900_000, "the deal price");
                        true
                    }
                    ServerMsg::Reject { code, .. } => {
                        assert_eq!(code, RejectCode::PriceChanged, "refused: the deal is gone");
                        false
                    }
                    other => panic!("a checkout answered with {other:?}"),
                };
                (paid, answered.as_micros() as u64)
            })
        })
        .collect();
    let mut round_trips = Vec::new();
    let mut paid = 0;
    for buyer in buyers {
        let (bought, us) = buyer.await.expect("every buyer is answered");
        paid += usize::from(bought);
        round_trips.push(us);
    }
    (paid, round_trips, started.elapsed().as_secs_f64())
}

/// The id of the race's show number `n`.
fn show_id(n: usize) -> String {
    if n == 0 {
        "deal".into()
    } else {
        format!("deal{n}")
    }
}

/// Greets the server as a new viewer of `show`.
async fn joined(socket: &mut common::Socket, show: &str) {
    let hello = lapak_protocol::ClientMsg::Hello {
        protocol: lapak_protocol::PROTOCOL_VERSION,
        token: None,
        show: Some(show.into()),
        resume: None,
    };
    common::send(socket, &hello).await;
    let greeting = common::recv(socket).await;
    assert!(matches!(greeting, ServerMsg::Welcome(_)), "{greeting:?}");
}

/// Writes `n` paid orders of one unit each at the deal's price, as if sold
/// before the race, by one shopper of the deal's show `show`.
async fn sell_before(db: &std::path::Path, show: &str, n: usize) {
    if n == 0 {
        return;
    }
    let mut db = common::open_db_for_writing(db).await;
    let session: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (token, name, created_at_ms, show_id)
         VALUES ($1, 'before', 0, $2) RETURNING id",
    )
    .bind(format!("before-{show}"))
    .bind(show)
    .fetch_one(&mut db)
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         INSERT INTO orders (session_id, command_id, show_id, status, placed_at_ms, currency,
                             subtotal_minor, discount_minor, shipping_minor, total_minor,
                             shipping_name, card_last4)
         SELECT $1, 'before-' || CAST(i AS TEXT), $3, 'paid', 0, 'IDR',
                9900000, 0, 1000000, 10900000, 'Standard', '4242' FROM n",
    )
    .bind(session)
    .bind(n as i64)
    .bind(show)
    .execute(&mut db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO order_lines (order_id, product_id, variant_id, name, variant_label,
                                  quantity, unit_price_minor, deal_id)
         SELECT id, 'drop', 'default', 'Drop', '', 1, 9900000, 'drop@0'
         FROM orders WHERE session_id = $1",
    )
    .bind(session)
    .execute(&mut db)
    .await
    .unwrap();
    sqlx::query("INSERT INTO deal_units (show_id, deal_id, sold) VALUES ($1, 'drop@0', $2)")
        .bind(show)
        .bind(n as i64)
        .execute(&mut db)
        .await
        .unwrap();
}
