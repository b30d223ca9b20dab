//! A server dies and its viewers move to another sharing its PostgreSQL
//! database: two release server processes on one new database of the cluster
//! `LAPAK_TEST_POSTGRES` names (`scripts/postgres.sh` prints it). N viewers
//! join the first (`Hello`, a new session each, one item in the cart), it is
//! killed with SIGKILL, and all N at once connect to the second with their
//! session tokens. Measured per viewer from the kill to its `Welcome` there,
//! which must carry its session and its cart: the server reads both from the
//! database. Viewers reconnect at once here; the widget waits 0.25–0.5 s first.
//!
//! With `NATS=1` the two servers share the show through a `nats-server -js`
//! of the run's own, and viewers come back with the last `seq` they saw: each
//! must get `Resumed` (its session, cart and the events it missed) instead of
//! a fresh snapshot.
//!
//! Prints one JSON line per audience on stdout:
//! `{"nats":false,"viewers":500,"all_ms":…,"p50_ms":…,"p99_ms":…}`.
//!
//! `LAPAK_TEST_POSTGRES=postgres://… cargo run -q --release -p lapak-server --example failover_load`
#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Stdio;
use std::time::Instant;

use lapak_protocol::{ClientMsg, Resume, ServerMsg, PROTOCOL_VERSION};

/// Audiences moved, each within the default limit of 1,024 open files.
const VIEWERS: [usize; 2] = [100, 500];

#[tokio::main]
async fn main() {
    for viewers in VIEWERS {
        println!("{}", run(viewers).await);
    }
}

async fn run(viewers: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::load_config(dir.path().join("lapak.db"));
    assert!(config.database.is_some(), "needs LAPAK_TEST_POSTGRES");
    let nats =
        std::env::var_os("NATS").map(|_| common::nats::Nats::start(&dir.path().join("nats"), None));
    config.nats = nats.as_ref().map(common::nats::Nats::url);
    let shared = nats.is_some();
    let binary = common::server_binary();
    let first = common::Process::start(&binary, &config, Stdio::inherit());
    let second = common::Process::start(&binary, &config, Stdio::inherit());

    let mut tokens = Vec::with_capacity(viewers);
    let mut sockets = Vec::with_capacity(viewers);
    for i in 0..viewers {
        let mut socket = common::connect(&first.url).await;
        let welcome = common::hello(&mut socket, None).await;
        let (token, seen) = (welcome.session.token, (welcome.epoch, welcome.seq));
        common::command(
            &mut socket,
            &common::add(&format!("a-{i}"), "shirt", "m", 1),
        )
        .await;
        tokens.push((token, seen));
        sockets.push(socket);
    }

    let killed = Instant::now();
    first.kill();
    drop(sockets);
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|(token, (epoch, seq))| {
            let url = second.url.clone();
            tokio::spawn(async move {
                let mut socket = common::connect(&url).await;
                let hello = ClientMsg::Hello {
                    protocol: PROTOCOL_VERSION,
                    token: Some(token.clone()),
                    show: None,
                    resume: shared.then_some(Resume { epoch, seq }),
                };
                common::send(&mut socket, &hello).await;
                let (session, cart) = match common::recv(&mut socket).await {
                    ServerMsg::Resumed { session, cart, .. } if shared => (session, cart),
                    ServerMsg::Welcome(welcome) if !shared => (welcome.session, welcome.cart),
                    other => panic!("not the greeting expected: {other:?}"),
                };
                assert_eq!(session.token, token, "the session is kept");
                assert_eq!(common::quantities(&cart).len(), 1, "and its cart");
                killed.elapsed().as_micros() as u64
            })
        })
        .collect();
    let mut moved_us = Vec::with_capacity(viewers);
    for task in tasks {
        moved_us.push(task.await.expect("a viewer moves"));
    }
    moved_us.sort_unstable();
    let ms = |p: f64| common::percentile(&moved_us, p) as f64 / 1000.0;
    eprintln!(
        "failover_load: {viewers} viewers moved in {:.0} ms",
        ms(1.0)
    );
    format!(
        r#"{{"nats":{shared},"viewers":{viewers},"all_ms":{:.1},"p50_ms":{:.1},"p99_ms":{:.1}}}"#,
        ms(1.0),
        ms(0.50),
        ms(0.99),
    )
}
