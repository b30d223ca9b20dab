//! Servers sharing a show through NATS JetStream: one numbering of its events
//! on every server, viewers that move between servers resume where they were,
//! and a killed leader or a restarted NATS loses no viewer (nor a killed
//! leader an acknowledged chat line).
//!
//! Real server processes on one PostgreSQL database and a real `nats-server
//! -js` of the test's own, on loopback. These run on PostgreSQL runs only
//! (`LAPAK_TEST_POSTGRES`, as `./x test` runs the server suite a second time).
mod common;

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::api::{Api, PASSWORD};
use common::nats::Nats;
use common::*;
use futures::StreamExt;
use lapak_protocol::{
    ChatMessage, ClientMsg, RejectCode, Resume, ServerMsg, Welcome, PROTOCOL_VERSION,
};
use lapak_server::payment::APPROVE;
use reqwest::{Method, StatusCode};
use tokio_tungstenite::tungstenite::Message;

/// A NATS and `n` servers sharing the test show through it, on one new
/// database; `None` on an SQLite run. The first server takes the show's lead
/// before the others start.
fn cluster(dir: &Path, n: usize) -> Option<(Nats, Vec<Process>)> {
    if !on_postgres() {
        eprintln!("servers share shows on a PostgreSQL database only: skipped on SQLite");
        return None;
    }
    let nats = Nats::start(&dir.join("nats"), None);
    let config = lapak_server::Config {
        nats: Some(nats.url()),
        ..config(dir.join("lapak.db"))
    };
    let binary = Path::new(env!("CARGO_BIN_EXE_lapak-server"));
    let mut servers = vec![Process::start(binary, &config, Stdio::inherit())];
    std::thread::sleep(Duration::from_millis(1_500));
    servers.extend((1..n).map(|_| Process::start(binary, &config, Stdio::inherit())));
    Some((nats, servers))
}

async fn joined(url: &str) -> (Socket, Welcome) {
    let mut socket = connect(url).await;
    let welcome = hello(&mut socket, None).await;
    (socket, welcome)
}

/// The seq of the `Chat` event that carries `text`, and the line's id.
async fn chat_seq(socket: &mut Socket, text: &str) -> (u64, u64) {
    wait_for(socket, |msg| match msg {
        ServerMsg::Chat { seq, messages } => messages
            .iter()
            .find(|line| line.text == text)
            .map(|line| (*seq, line.id)),
        _ => None,
    })
    .await
}

fn resume_hello(welcome: &Welcome, seq: u64) -> ClientMsg {
    ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: Some(welcome.session.token.clone()),
        show: None,
        resume: Some(Resume {
            epoch: welcome.epoch,
            seq,
        }),
    }
}

/// Every show event's seq in `messages`, which must count on from `after`
/// with no gap and no repeat.
fn assert_contiguous(after: u64, messages: &[ServerMsg]) {
    let seqs: Vec<u64> = messages.iter().filter_map(ServerMsg::seq).collect();
    let expected: Vec<u64> = (after + 1..=after + seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "show events count on from {after}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_made_on_any_server_reaches_every_servers_viewers_with_one_seq() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 3) else {
        return;
    };
    let mut viewers = Vec::new();
    for server in &servers {
        viewers.push(joined(&server.url).await);
    }
    let epochs: Vec<u64> = viewers.iter().map(|(_, w)| w.epoch).collect();
    assert!(
        epochs.iter().all(|e| *e == epochs[0]),
        "one history: {epochs:?}"
    );

    // A line said on the third server, published by the first (the leader).
    command(&mut viewers[2].0, &chat_msg("hi", "halo semua")).await;
    let mut seen = Vec::new();
    for (socket, _) in &mut viewers {
        seen.push(chat_seq(socket, "halo semua").await);
    }
    assert!(
        seen.iter().all(|s| *s == seen[0]),
        "one seq, one id: {seen:?}"
    );

    // A stock change made by a checkout on the second server.
    let (mut buyer, _) = joined(&servers[1].url).await;
    command(&mut buyer, &add("a", "jar", "default", 1)).await;
    let quote = quote(&mut buyer, "q").await;
    let request = request_from(&quote, "std", lapak_server::payment::APPROVE);
    placed(&checkout(&mut buyer, "c", &request).await);
    let mut stock = Vec::new();
    for (socket, _) in &mut viewers {
        stock.push(
            wait_for(socket, |msg| match msg {
                ServerMsg::StockChanged {
                    seq,
                    product_id,
                    stock,
                    ..
                } if product_id == "jar" => Some((*seq, *stock)),
                _ => None,
            })
            .await,
        );
    }
    assert!(stock.iter().all(|s| *s == stock[0]), "{stock:?}");
    assert_eq!(stock[0].1, 1);

    // Four viewers on three servers, counted as one audience.
    let count = wait_for(&mut viewers[0].0, |msg| match msg {
        ServerMsg::ViewerCount { count: 4, .. } => Some(4),
        _ => None,
    })
    .await;
    assert_eq!(count, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_moved_to_another_server_resumes_with_no_gap_and_no_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 3) else {
        return;
    };
    let (mut moving, welcome) = joined(&servers[0].url).await;
    let (mut talker, _) = joined(&servers[1].url).await;
    command(&mut talker, &chat_msg("1", "before the move")).await;
    let (left_at, _) = chat_seq(&mut moving, "before the move").await;
    moving.close(None).await.unwrap();

    for (id, text) in [("2", "while away"), ("3", "still away")] {
        command(&mut talker, &chat_msg(id, text)).await;
        chat_seq(&mut talker, text).await;
    }

    // Back, on the third server.
    let mut moved = connect(&servers[2].url).await;
    send(&mut moved, &resume_hello(&welcome, left_at)).await;
    match recv(&mut moved).await {
        ServerMsg::Resumed { seq, epoch, .. } => assert_eq!((seq, epoch), (left_at, welcome.epoch)),
        other => panic!("expected Resumed, got {other:?}"),
    }
    let replayed = drain(&mut moved, Duration::from_millis(1_500)).await;
    assert_contiguous(left_at, &replayed);
    let texts: Vec<&str> = replayed
        .iter()
        .flat_map(|msg| match msg {
            ServerMsg::Chat { messages, .. } => messages.iter().map(|l| l.text.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(texts, ["while away", "still away"], "each missed line once");
}

#[tokio::test(flavor = "multi_thread")]
async fn when_the_leader_is_killed_another_server_leads_and_its_viewers_resume() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, mut servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (mut stranded, welcome) = joined(&servers[0].url).await;
    let (mut talker, _) = joined(&servers[1].url).await;
    command(&mut talker, &chat_msg("1", "the leader is up")).await;
    let (seen_at, _) = chat_seq(&mut stranded, "the leader is up").await;

    servers.remove(0).kill();
    let killed = Instant::now();

    // Chat lines need a leader to publish them: the other server takes the lead.
    let mut n = 0;
    let published_at = loop {
        n += 1;
        let text = format!("after the kill {n}");
        command(&mut talker, &chat_msg(&n.to_string(), &text)).await;
        let quiet = drain(&mut talker, Duration::from_millis(700)).await;
        let published = quiet.iter().find_map(|msg| match msg {
            ServerMsg::Chat { seq, messages } if messages.iter().any(|l| l.text == text) => {
                Some(*seq)
            }
            _ => None,
        });
        if let Some(seq) = published {
            break seq;
        }
        assert!(
            killed.elapsed() < Duration::from_secs(15),
            "no server took the lead"
        );
    };
    eprintln!(
        "a new leader published {:?} after the kill",
        killed.elapsed()
    );

    // The killed server's viewer comes back on the other one, where it was.
    drop(stranded.close(None).await);
    let mut back = connect(&servers[0].url).await;
    send(&mut back, &resume_hello(&welcome, seen_at)).await;
    assert!(matches!(recv(&mut back).await, ServerMsg::Resumed { .. }));
    let replayed = drain(&mut back, Duration::from_millis(1_000)).await;
    assert_contiguous(seen_at, &replayed);
    assert!(replayed.iter().any(|m| m.seq() == Some(published_at)));
}

/// Viewers chatting on each server that outlives the leader.
const TALKERS: usize = 5;
/// The line said once every acknowledged line was heard: what comes before it is all.
const LAST_LINE: &str = "that is all";

#[tokio::test(flavor = "multi_thread")]
async fn chat_lines_acknowledged_while_the_leader_is_killed_reach_every_surviving_viewer_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, mut servers)) = cluster(dir.path(), 3) else {
        return;
    };
    let survivors: Vec<String> = servers[1..].iter().map(|s| s.url.clone()).collect();
    // A watcher on each server that outlives the leader keeps every line it hears.
    let mut heard = Vec::new();
    let mut watchers = Vec::new();
    for url in &survivors {
        let (socket, _) = joined(url).await;
        let lines = Arc::new(Mutex::new(Vec::new()));
        heard.push(lines.clone());
        watchers.push(tokio::spawn(listen(socket, lines)));
    }
    // Viewers on both talk on, whatever the rate limit lets through, while the leader dies.
    let talking = Arc::new(AtomicBool::new(true));
    let mut talkers = Vec::new();
    for n in 0..2 * TALKERS {
        let (mut socket, _) = joined(&survivors[n % 2]).await;
        let talking = talking.clone();
        talkers.push(tokio::spawn(async move {
            // Out of step, so that some line is said every moment.
            tokio::time::sleep(Duration::from_millis(200) * n as u32).await;
            let mut acked = Vec::new();
            for k in 0.. {
                if !talking.load(Ordering::Relaxed) {
                    break;
                }
                let text = format!("viewer {n} line {k}");
                let reply = command(&mut socket, &chat_msg(&format!("{n}-{k}"), &text)).await;
                if let ServerMsg::Ack {
                    chat: Some(line), ..
                } = reply
                {
                    assert_eq!(line.text, text);
                    acked.push((Instant::now(), line));
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    servers.remove(0).kill();
    let killed = Instant::now();
    tokio::time::sleep(Duration::from_secs(6)).await;
    talking.store(false, Ordering::Relaxed);
    let mut acked = Vec::new();
    for talker in talkers {
        acked.extend(talker.await.unwrap());
    }
    let after_the_kill: Vec<u64> = acked
        .iter()
        .filter(|(at, _)| *at > killed)
        .map(|(_, line)| line.id)
        .collect();
    assert!(
        !after_the_kill.is_empty(),
        "lines were acknowledged with no leader"
    );

    // Once both watchers heard every acknowledged line, or gave up, one more:
    // a line doubled comes before it.
    let heard_all = |lines: &Mutex<Vec<(Instant, ChatMessage)>>| {
        let lines = lines.lock().unwrap();
        acked
            .iter()
            .all(|(_, line)| lines.iter().any(|(_, heard)| heard.id == line.id))
    };
    let deadline = Instant::now() + PATIENCE;
    while !heard.iter().all(|lines| heard_all(lines)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (mut closer, _) = joined(&survivors[0]).await;
    command(&mut closer, &chat_msg("last", LAST_LINE)).await;
    for watcher in watchers {
        watcher.await.unwrap();
    }

    for (server, lines) in heard.iter().enumerate() {
        let lines = lines.lock().unwrap();
        let leaderless = lines
            .iter()
            .find(|(_, line)| after_the_kill.contains(&line.id))
            .map(|(at, _)| *at - killed);
        let times = |id: u64| lines.iter().filter(|(_, line)| line.id == id).count();
        let lost = acked.iter().filter(|(_, line)| times(line.id) == 0).count();
        let doubled = lines.iter().filter(|(_, line)| times(line.id) > 1).count();
        eprintln!(
            "server {}: a line said after the kill was heard {leaderless:?} after it; \
             {} lines acknowledged, {lost} lost, {doubled} heard twice",
            server + 1,
            acked.len()
        );
        for (_, line) in &acked {
            let heard: Vec<&ChatMessage> = lines
                .iter()
                .map(|(_, heard)| heard)
                .filter(|heard| heard.id == line.id)
                .collect();
            assert_eq!(
                heard,
                [line],
                "server {}: an acknowledged line is heard once, as acknowledged",
                server + 1
            );
        }
        assert_eq!(doubled, 0, "server {}: no line twice", server + 1);
    }
}

/// Every chat line `socket` hears, with when, until it hears [`LAST_LINE`].
async fn listen(mut socket: Socket, heard: Arc<Mutex<Vec<(Instant, ChatMessage)>>>) {
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(PATIENCE, socket.next()).await {
        let Message::Text(text) = frame else { continue };
        if let ServerMsg::Chat { messages, .. } = serde_json::from_str(&text).unwrap() {
            let at = Instant::now();
            let last = messages.iter().any(|line| line.text == LAST_LINE);
            heard
                .lock()
                .unwrap()
                .extend(messages.into_iter().map(|line| (at, line)));
            if last {
                return;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_nats_keeps_viewers_numbering_and_one_that_lost_its_store_starts_a_new_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let Some((nats, servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (mut watcher, welcome) = joined(&servers[0].url).await;
    let (mut talker, _) = joined(&servers[1].url).await;
    command(&mut talker, &chat_msg("0", "before")).await;
    let (before, _) = chat_seq(&mut watcher, "before").await;

    // Restarted with its store: the same stream, numbered on.
    let nats = nats.restart(false);
    let published = say_until_published(&mut talker, "kept").await;
    let seen = collect_until(&mut watcher, published).await;
    assert_contiguous(before, &seen);
    assert!(
        !seen.iter().any(|m| matches!(m, ServerMsg::Welcome(_))),
        "the watcher stayed connected"
    );

    // Restarted without it: a new stream, a new history.
    let _nats = nats.restart(true);
    let deadline = Instant::now() + PATIENCE + PATIENCE;
    loop {
        match tokio::time::timeout_at(deadline.into(), futures::StreamExt::next(&mut watcher)).await
        {
            Ok(Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(_) => break,
            Err(_) => panic!("the watcher was not let go"),
        }
    }
    let mut back = connect(&servers[0].url).await;
    send(&mut back, &resume_hello(&welcome, published)).await;
    match recv(&mut back).await {
        ServerMsg::Welcome(fresh) => assert_ne!(fresh.epoch, welcome.epoch, "a new epoch"),
        other => panic!("expected a fresh Welcome, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deal_a_host_starts_on_one_server_prices_carts_on_the_others_until_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (api, host) = signed_in(dir.path(), &servers[0], "host@demo.example").await;
    let (mut shopper, _) = joined(&servers[1].url).await;
    let deals = "/api/v1/shows/test/deals";
    let body = serde_json::json!({
        "product_id": "jar", "price": 3_000_000, "quantity": 2, "per_buyer": 1, "duration_s": 600
    });
    let (status, deal) = api.call(&host, Method::POST, deals, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{deal}");
    let id = deal["id"].as_str().unwrap().to_owned();
    wait_for(&mut shopper, |m| match m {
        ServerMsg::DealStarted { deal, .. } if deal.id == id => Some(()),
        _ => None,
    })
    .await;
    let unit_price = |reply: &ServerMsg| match reply {
        ServerMsg::Ack {
            cart: Some(cart), ..
        } => cart.lines[0].unit_price.minor,
        other => panic!("not a cart: {other:?}"),
    };
    let reply = command(&mut shopper, &add("a", "jar", "default", 1)).await;
    assert_eq!(
        unit_price(&reply),
        3_000_000,
        "the deal's price on the other server"
    );

    let stop = format!("{deals}/{id}");
    let (status, _) = api.call(&host, Method::DELETE, &stop, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    wait_for(&mut shopper, |m| match m {
        ServerMsg::DealEnded { deal_id, .. } if *deal_id == id => Some(()),
        _ => None,
    })
    .await;
    let (mut late, _) = joined(&servers[1].url).await;
    let reply = command(&mut late, &add("b", "jar", "default", 1)).await;
    assert_eq!(
        unit_price(&reply),
        4_500_000,
        "the deal's price is gone there too"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_deal_sent_to_three_servers_at_once_starts_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 3) else {
        return;
    };
    let (api, host) = signed_in(dir.path(), &servers[0], "host@demo.example").await;
    let deals = "/api/v1/shows/test/deals";
    let body = serde_json::json!({
        "product_id": "jar", "price": 3_000_000, "quantity": 6, "per_buyer": 1, "duration_s": 600
    });
    let apis: Vec<Api> = servers.iter().map(|server| api.at(server)).collect();
    let answers = futures::future::join_all(
        apis.iter()
            .map(|api| api.call(&host, Method::POST, deals, Some(body.clone()))),
    )
    .await;
    let started: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .collect();
    assert_eq!(started.len(), 1, "one deal per product: {answers:?}");
    let refused = answers
        .iter()
        .filter(|(status, body)| *status == StatusCode::CONFLICT && body["code"] == "deal_running")
        .count();
    assert_eq!(refused, 2, "{answers:?}");
    let id = started[0].1["id"].as_str().unwrap().to_owned();

    // Every server lists that deal once it has heard of it, and no other.
    for (n, api) in apis.iter().enumerate() {
        let deadline = Instant::now() + PATIENCE;
        let listed = loop {
            let (status, listed) = api.call(&host, Method::GET, deals, None).await;
            assert_eq!(status, StatusCode::OK, "{listed}");
            let jar: Vec<serde_json::Value> = listed
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["product_id"] == "jar")
                .cloned()
                .collect();
            if jar.iter().any(|d| d["id"] == id.as_str()) {
                break jar;
            }
            assert!(Instant::now() < deadline, "server {n} never listed {id}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(listed.len(), 1, "server {n}: {listed:?}");
        assert_eq!(
            (&listed[0]["quantity"], &listed[0]["remaining"]),
            (&serde_json::json!(6), &serde_json::json!(6)),
            "server {n}: its units"
        );
    }
    let mut db = open_db(&dir.path().join("lapak.db")).await;
    assert_eq!(db_count(&mut db, "host_deals").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deal_unit_held_by_a_killed_servers_payment_comes_back_before_its_charge_was_due() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, mut servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (api, host) = signed_in(dir.path(), &servers[0], "host@demo.example").await;
    // The first buyer on the server to be killed, the second on the leader.
    let (mut first, welcome) = joined(&servers[1].url).await;
    let (mut second, _) = joined(&servers[0].url).await;
    let body = serde_json::json!({
        "product_id": "shirt", "price": 9_900_000, "quantity": 1, "per_buyer": 1,
        "duration_s": 600
    });
    let (status, deal) = api
        .call(&host, Method::POST, "/api/v1/shows/test/deals", Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{deal}");
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    for socket in [&mut first, &mut second] {
        wait_for(socket, |m| match m {
            ServerMsg::DealStarted { deal, .. } if deal.id == deal_id => Some(()),
            _ => None,
        })
        .await;
    }

    // The first buyer's charge never reaches the provider: the server waits
    // for it (10 s), holding the deal's one unit, and is killed meanwhile.
    command(&mut first, &add("a", "shirt", "m", 1)).await;
    let held = quote(&mut first, "q").await;
    assert_eq!(held.lines[0].deal_units, 1, "at the deal's price");
    let request = request_from(&held, "std", lapak_server::payment::NO_ANSWER);
    send(&mut first, &checkout_msg("buy", &request)).await;
    let mut db = open_db(&dir.path().join("lapak.db")).await;
    let sold = format!("SELECT COALESCE(MAX(sold), 0) FROM deal_units WHERE deal_id = '{deal_id}'");
    let placed_at = Instant::now();
    while db_number(&mut db, &sold).await == 0 {
        assert!(placed_at.elapsed() < PATIENCE, "the order is written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    command(&mut second, &add("a", "shirt", "m", 1)).await;
    assert_eq!(
        quote(&mut second, "q0").await.lines[0].deal_units,
        0,
        "held"
    );
    servers.remove(1).kill();

    // The other server gives the unit back before the dead one's wait would
    // have ended, and the second buyer gets it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    let offered = loop {
        n += 1;
        let offered = quote(&mut second, &format!("q{n}")).await;
        if offered.lines[0].deal_units == 1 {
            break offered;
        }
        assert!(Instant::now() < deadline, "the unit never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let given_back_ms = lapak_server::now_ms();
    let due_ms = db_number(
        &mut db,
        "SELECT charging_until_ms FROM orders WHERE command_id = 'buy'",
    )
    .await;
    eprintln!(
        "given back {} ms before the charge was due",
        due_ms - given_back_ms
    );
    assert!(
        given_back_ms < due_ms,
        "given back {} ms after the dead server's charge was due",
        given_back_ms - due_ms
    );
    let bought = checkout(&mut second, "buy", &request_from(&offered, "std", APPROVE)).await;
    let order = placed(&bought);
    assert_eq!(order.status, lapak_protocol::OrderStatus::Paid);
    assert_eq!(order.lines[0].unit_price.minor, 9_900_000);

    // The first buyer, back on the live server, finds the order failed and
    // uncharged; one unit sold, one charge.
    let mut back = connect(&servers[0].url).await;
    hello(&mut back, Some(&welcome.session.token)).await;
    let failed = checkout(&mut back, "buy", &request).await;
    assert_eq!(placed(&failed).status, lapak_protocol::OrderStatus::Failed);
    assert_eq!(db_number(&mut db, &sold).await, 1);
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 1);
    assert_eq!(db_stock(&mut db, "shirt", "m").await, 9);
}

/// Buyers racing for a host's flash deal of [`DEAL_UNITS`] shirts across three servers.
const DEAL_BUYERS: usize = 24;
const DEAL_UNITS: i64 = 4;

#[tokio::test(flavor = "multi_thread")]
async fn the_leader_killed_during_a_flash_deal_oversells_nothing_charges_once_and_its_viewers_resume_elsewhere(
) {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, mut servers)) = cluster(dir.path(), 3) else {
        return;
    };
    // The first server leads the show: it will end the deal, unless it dies first.
    let (api, host) = signed_in(dir.path(), &servers[1], "host@demo.example").await;
    let (mut watcher, _) = joined(&servers[2].url).await;
    let body = serde_json::json!({
        "product_id": "shirt", "price": 9_900_000, "quantity": DEAL_UNITS, "per_buyer": 1,
        "duration_s": 10
    });
    let (status, deal) = api
        .call(&host, Method::POST, "/api/v1/shows/test/deals", Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{deal}");
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    wait_for(&mut watcher, |m| match m {
        ServerMsg::DealStarted { deal, .. } if deal.id == deal_id => Some(()),
        _ => None,
    })
    .await;

    // Each buyer holds a shirt at the deal's price, on one of the three servers.
    let mut buyers = Vec::new();
    for i in 0..DEAL_BUYERS {
        let (mut socket, welcome) = joined(&servers[i % 3].url).await;
        let reply = command(&mut socket, &add(&format!("add-{i}"), "shirt", "m", 1)).await;
        let ServerMsg::Ack {
            cart: Some(cart), ..
        } = reply
        else {
            panic!("not added: {reply:?}");
        };
        assert_eq!(
            cart.lines[0].unit_price.minor, 9_900_000,
            "at the deal's price"
        );
        let request = request_from(&quote(&mut socket, "q").await, "std", "4242424242424242");
        buyers.push((i % 3, socket, welcome, request));
    }
    for (_, socket, _, request) in &mut buyers {
        send(socket, &checkout_msg("buy", request)).await;
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    servers.remove(0).kill();

    let tasks: Vec<_> = buyers
        .into_iter()
        .map(|(server, mut socket, welcome, request)| {
            let elsewhere = servers[0].url.clone();
            tokio::spawn(async move {
                if server != 0 {
                    return answer(&mut socket, "buy").await;
                }
                // The killed server's buyer comes back on another server where
                // it was, and asks again about the checkout it never heard of.
                let mut back = connect(&elsewhere).await;
                send(&mut back, &resume_hello(&welcome, welcome.seq)).await;
                let greeting = recv(&mut back).await;
                assert!(
                    matches!(greeting, ServerMsg::Resumed { .. }),
                    "resumed, not {greeting:?}"
                );
                assert_contiguous(
                    welcome.seq,
                    &drain(&mut back, Duration::from_millis(500)).await,
                );
                checkout(&mut back, "buy", &request).await
            })
        })
        .collect();
    for reply in futures::future::join_all(tasks).await {
        match reply.unwrap() {
            ServerMsg::Ack { order: Some(_), .. } => {}
            ServerMsg::Reject {
                code: RejectCode::PriceChanged | RejectCode::OutOfStock,
                ..
            } => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }

    // Settled, the books hold: no deal unit sold twice, every paid order charged once.
    let mut db = open_db(&dir.path().join("lapak.db")).await;
    let deadline = Instant::now() + Duration::from_secs(40);
    while db_number(
        &mut db,
        "SELECT COUNT(*) FROM orders WHERE status = 'payment_pending'",
    )
    .await
        > 0
    {
        assert!(Instant::now() < deadline, "payments still pending");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let paid = db_number(&mut db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await;
    let charges = db_count(&mut db, "test_provider_charges").await;
    let at_deal_price = db_number(
        &mut db,
        &format!(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l
             JOIN orders o ON o.id = l.order_id WHERE o.status = 'paid' AND l.deal_id = '{deal_id}'"
        ),
    )
    .await;
    let failed = db_number(
        &mut db,
        "SELECT COUNT(*) FROM orders WHERE status = 'failed'",
    )
    .await;
    let held = db_number(
        &mut db,
        &format!("SELECT sold FROM deal_units WHERE deal_id = '{deal_id}'"),
    )
    .await;
    eprintln!("{paid} paid, {failed} failed, {charges} charges, {at_deal_price} deal units sold");
    // Orders the killed server wrote and never charged fail, and give their units back.
    assert!(paid + failed >= 1, "the deal sold");
    assert_eq!(held, paid, "the deal's row counts the paid orders' units");
    assert_eq!(
        paid, charges,
        "every paid order charged once, no charge without one"
    );
    assert_eq!(
        at_deal_price, paid,
        "every paid order is one unit at the deal's price"
    );
    assert!(
        at_deal_price <= DEAL_UNITS,
        "{at_deal_price} units sold of {DEAL_UNITS}"
    );
    assert_eq!(
        db_stock(&mut db, "shirt", "m").await + paid,
        10,
        "no shirt taken without an order"
    );
    let most = db_number(
        &mut db,
        "SELECT CAST(COALESCE(MAX(n), 0) AS BIGINT) FROM
           (SELECT COUNT(*) AS n FROM orders GROUP BY session_id) AS per_buyer",
    )
    .await;
    assert!(most <= 1, "one checkout id, one order");

    // The new leader ends the deal on time, once.
    let ended =
        |m: &ServerMsg| matches!(m, ServerMsg::DealEnded { deal_id: id, .. } if *id == deal_id);
    wait_for(&mut watcher, |m| ended(m).then_some(())).await;
    let after = drain(&mut watcher, Duration::from_millis(1_500)).await;
    assert!(!after.iter().any(ended), "the deal ended twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn chat_rules_a_moderator_sets_on_one_server_hold_on_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (api, moderator) = signed_in(dir.path(), &servers[0], "mod@demo.example").await;
    let rules = serde_json::json!({ "slow_mode_s": 30, "blocked_words": ["Scam"] });
    let path = "/api/v1/shows/test/chat/rules";
    let (status, set) = api.call(&moderator, Method::PUT, path, Some(rules)).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    // Servers read the rules again every second.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let (mut talker, _) = joined(&servers[1].url).await;
    command(&mut talker, &chat_msg("1", "a scam link")).await;
    chat_seq(&mut talker, "a **** link").await;
    let again = command(&mut talker, &chat_msg("2", "again")).await;
    assert_eq!(
        refused(&again),
        lapak_protocol::RejectCode::RateLimited,
        "one line per 30 s"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_server_answers_the_dashboard_for_the_whole_show() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (api, host) = signed_in(dir.path(), &servers[1], "host@demo.example").await;
    let mut shoppers = Vec::new();
    for (n, server) in servers.iter().enumerate() {
        let (mut shopper, _) = joined(&server.url).await;
        command(&mut shopper, &add(&format!("a{n}"), "jar", "default", 1)).await;
        let text = format!("from server {n}");
        command(&mut shopper, &chat_msg(&format!("c{n}"), &text)).await;
        chat_seq(&mut shopper, &text).await;
        shoppers.push(shopper);
    }
    // A tick or two for the tally, and a second for the viewer count.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    for (name, api) in [("the follower", &api), ("the leader", &api.at(&servers[0]))] {
        let (status, metrics) = api
            .call(&host, Method::GET, "/api/v1/shows/test/metrics", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{metrics}");
        let jar = metrics["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product_id"] == "jar")
            .cloned()
            .unwrap();
        assert_eq!(jar["adds_to_cart"], 2, "{name}: adds on both servers");
        let chat: u64 = metrics["minutes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["chat"].as_u64().unwrap())
            .sum();
        assert_eq!(chat, 2, "{name}: lines said on both servers: {metrics}");
        assert_eq!(metrics["viewers"]["now"], 2, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_show_scheduled_on_one_server_runs_on_the_others_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some((_nats, servers)) = cluster(dir.path(), 2) else {
        return;
    };
    let (api, owner) = signed_in(dir.path(), &servers[0], "owner@demo.example").await;
    let brunch = common::api::new_show("brunch");
    let (status, made) = api
        .call(&owner, Method::POST, "/api/v1/shows", Some(brunch))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");

    // On the other server, without a restart.
    let deadline = Instant::now() + Duration::from_secs(5);
    let welcome = loop {
        let url = format!("{}?show=brunch", servers[1].url);
        // Refused (404) until the show opens there.
        let Ok((mut socket, _)) = tokio_tungstenite::connect_async(&url).await else {
            assert!(
                Instant::now() < deadline,
                "the show did not open on the other server"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: None,
            show: Some("brunch".into()),
            resume: None,
        };
        send(&mut socket, &hello).await;
        if let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(
            Duration::from_secs(2),
            futures::StreamExt::next(&mut socket),
        )
        .await
        {
            if let Ok(ServerMsg::Welcome(welcome)) = serde_json::from_str(&text) {
                break welcome;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the show did not open on the other server"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(welcome.show.id, "brunch");
    assert_eq!(welcome_stock(&welcome, "kopi", "default"), 9);
}

/// `email` of the test show's team, signed in to the studio API on `server`.
async fn signed_in(dir: &Path, server: &Process, email: &str) -> (Api, common::api::Caller) {
    use lapak_server::access::Role;
    let role = match email.split('@').next() {
        Some("mod") => Role::Moderator,
        Some("owner") => Role::Owner,
        _ => Role::Host,
    };
    let config = config(dir.join("lapak.db"));
    lapak_server::add_user(&config, Some("demo"), email, role, PASSWORD)
        .await
        .unwrap();
    let api = Api {
        base: String::new(),
        http: reqwest::Client::new(),
    }
    .at(server);
    let caller = api.sign_in(email, PASSWORD).await.unwrap();
    (api, caller)
}

trait At {
    /// The same client, calling `server`'s API (a session works on every server).
    fn at(&self, server: &Process) -> Api;
}

impl At for Api {
    fn at(&self, server: &Process) -> Api {
        Api {
            base: server.url.replace("ws://", "http://").replace("/ws", ""),
            http: self.http.clone(),
        }
    }
}

/// Says lines on `socket` until one is published (a leader is back); its seq.
async fn say_until_published(socket: &mut Socket, text: &str) -> u64 {
    let started = Instant::now();
    for n in 0.. {
        let line = format!("{text} {n}");
        command(socket, &chat_msg(&format!("{text}-{n}"), &line)).await;
        for msg in drain(socket, Duration::from_millis(700)).await {
            if let ServerMsg::Chat { seq, messages } = msg {
                if messages.iter().any(|l| l.text == line) {
                    return seq;
                }
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no line was published"
        );
    }
    unreachable!()
}

/// Every message until the show event numbered `seq` (included).
async fn collect_until(socket: &mut Socket, seq: u64) -> Vec<ServerMsg> {
    let mut seen = Vec::new();
    loop {
        let msg = recv_any(socket).await;
        let done = msg.seq() == Some(seq);
        seen.push(msg);
        if done {
            return seen;
        }
    }
}
