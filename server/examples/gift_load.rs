//! Gifts under load: the real server in this process on a temporary SQLite
//! file (`tests/fixtures/bench-show.toml`: coins that never run out), 1,000
//! viewers on their own WebSockets, of whom 20 top up once and then send roses
//! as fast as their acks come back, for 10 s. Measures the gift's round trip,
//! from sending `SendGift` to receiving its `Ack` (one transaction synced to
//! disk), and what one viewer watching receives meanwhile: taps are gathered
//! into streaks, so it gets about one `Gifted` per sender per 200 ms tick, not
//! one per gift.
//!
//! Prints one JSON line on stdout, nothing else:
//! `{"viewers":1000,"senders":20,"gifts":…,"seconds":10.0,"gifts_per_s":…,"p50_ms":…,"p99_ms":…,
//!   "watcher_gifted_per_s":…,"watcher_frames_per_s":…,"watcher_snapshots":0}`
//! (`watcher_snapshots`: fresh `Welcome`s the watcher got for falling behind).
//!
//! `cargo run -q --release -p lapak-server --example gift_load`
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Socket;
use futures::StreamExt;
use lapak_protocol::ServerMsg;
use tokio_tungstenite::tungstenite::Message;

/// People watching, senders included.
const VIEWERS: usize = 1_000;
/// Viewers sending gifts, each waiting for one answer before the next gift.
const SENDERS: usize = 20;
/// How long the senders keep sending.
const RUN: Duration = Duration::from_secs(10);
/// Connections opened at once while the audience gathers.
const JOINING: usize = 50;

#[tokio::main]
async fn main() {
    let server = common::load_server().await;
    let url = server.url();

    let mut audience = Vec::with_capacity(VIEWERS);
    let mut pack = None;
    while audience.len() < VIEWERS {
        let joining = JOINING.min(VIEWERS - audience.len());
        let joined = futures::future::join_all((0..joining).map(|_| async {
            let mut socket = common::connect(&url).await;
            let welcome = common::hello(&mut socket, None).await;
            (socket, welcome)
        }))
        .await;
        for (socket, welcome) in joined {
            pack.get_or_insert_with(|| common::pack(&welcome, "coins-1000000"));
            audience.push(socket);
        }
    }
    let pack = pack.expect("a coin pack");
    let watcher = audience.pop().expect("a watcher");
    let mut senders: Vec<Socket> = audience.drain(..SENDERS).collect();
    for socket in &mut senders {
        common::top_up(socket, "coins", &pack).await;
    }

    let started = Instant::now();
    let deadline = started + RUN;
    let readers: Vec<_> = audience
        .into_iter()
        .map(|socket| tokio::spawn(read_until(socket, deadline + Duration::from_secs(1))))
        .collect();
    let watching = tokio::spawn(watch(watcher, deadline));
    let round_trips_us = common::round_trips(senders, deadline, send_gifts).await;
    let seconds = started.elapsed().as_secs_f64();
    let watched = watching.await.expect("the watcher finishes");
    for reader in readers {
        reader.await.expect("a viewer reads to the end");
    }
    server.running.stop().await;

    let gifts = round_trips_us.len();
    let ms = |p: f64| common::percentile(&round_trips_us, p) as f64 / 1000.0;
    let run = RUN.as_secs_f64();
    eprintln!(
        "gift_load: {VIEWERS} viewers, {SENDERS} senders, {gifts} gifts in {seconds:.2} s; \
         the watcher got {} Gifted frames of {} in all",
        watched.gifted, watched.frames
    );
    println!(
        r#"{{"viewers":{VIEWERS},"senders":{SENDERS},"gifts":{gifts},"seconds":{seconds:.2},"gifts_per_s":{:.1},"p50_ms":{:.3},"p99_ms":{:.3},"watcher_gifted_per_s":{:.1},"watcher_frames_per_s":{:.1},"watcher_snapshots":{}}}"#,
        gifts as f64 / seconds,
        ms(0.50),
        ms(0.99),
        watched.gifted as f64 / run,
        watched.frames as f64 / run,
        watched.snapshots,
    );
}

/// Reads and drops whatever arrives until `until`, as a viewer's browser would keep up.
async fn read_until(mut socket: Socket, until: Instant) {
    while let Ok(Some(Ok(_))) = tokio::time::timeout_at(until.into(), socket.next()).await {}
}

/// What the watching viewer received.
struct Watched {
    frames: usize,
    gifted: usize,
    snapshots: usize,
}

async fn watch(mut socket: Socket, deadline: Instant) -> Watched {
    let mut watched = Watched {
        frames: 0,
        gifted: 0,
        snapshots: 0,
    };
    while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline.into(), socket.next()).await {
        let Message::Text(text) = frame else { continue };
        watched.frames += 1;
        match serde_json::from_str(&text).expect("a server message") {
            ServerMsg::Gifted { .. } => watched.gifted += 1,
            ServerMsg::Welcome(_) => watched.snapshots += 1,
            _ => {}
        }
    }
    watched
}

/// One sender: a rose, then the next once it is acknowledged, until `deadline`;
/// the round trips in µs.
async fn send_gifts(n: usize, mut socket: Socket, deadline: Instant) -> Vec<u64> {
    let mut round_trips = Vec::new();
    let mut i = 0usize;
    while Instant::now() < deadline {
        i += 1;
        let gift = common::gift_msg(&format!("rose-{i}"), "rose", 1, 1);
        let sent = Instant::now();
        match common::command(&mut socket, &gift).await {
            ServerMsg::Ack {
                wallet: Some(_), ..
            } => {
                round_trips.push(sent.elapsed().as_micros() as u64);
            }
            other => panic!("sender {n}: gift → {other:?}"),
        }
    }
    round_trips
}
