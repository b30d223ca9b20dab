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
//! buyers spread among them. Prints one JSON line per run:
//! `{"servers":…,"buyers":400,"units":100,"paid":100,"refused":300,"all_ms":…,"answers_per_s":…,"p50_ms":…,"p99_ms":…}`.
#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Instant;

use lapak_protocol::{OrderStatus, RejectCode, ServerMsg};
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
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deal-show.toml");
    let config = lapak_server::Config {
        show: vec![show],
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

    let mut ready = Vec::with_capacity(BUYERS);
    for n in 0..BUYERS {
        let mut socket = common::connect(&urls[n % urls.len()]).await;
        common::hello(&mut socket, None).await;
        common::command(&mut socket, &common::add("add", "drop", "default", 1)).await;
        let quote = common::quote(&mut socket, "quote").await;
        ready.push((socket, common::request_from(&quote, "std", APPROVE)));
    }
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
    let mut round_trips = Vec::with_capacity(BUYERS);
    let mut paid = 0;
    for buyer in buyers {
        let (bought, us) = buyer.await.expect("every buyer is answered");
        paid += usize::from(bought);
        round_trips.push(us);
    }
    let all = started.elapsed().as_secs_f64();
    assert_eq!(paid, UNITS, "every unit sold once, none twice");
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
    eprintln!("deal_load: {backend}: {BUYERS} buyers answered in {all:.2} s");
    format!(
        r#"{{{backend},"buyers":{BUYERS},"units":{UNITS},"paid":{paid},"refused":{},"all_ms":{:.0},"answers_per_s":{:.0},"p50_ms":{:.1},"p99_ms":{:.1}}}"#,
        BUYERS - paid,
        all * 1000.0,
        BUYERS as f64 / all,
        ms(0.50),
        ms(0.99),
    )
}
