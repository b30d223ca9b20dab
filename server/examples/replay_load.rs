//! Replays: what a show's event log costs to keep and to index. The real
//! server in this process goes on air from a real ffmpeg, once with the demo
//! show's event mix (its timeline, one viewer) and once under
//! `--flood chat=500,likes=1000,gifts=50` (what the hub publishes of it, on
//! the live test show), for [`DEMO_RUN`] and [`FLOOD_RUN`]; then the show ends and its replay's log is read
//! over HTTP as a viewer reads it.
//!
//! Measures the bytes kept per hour of show (deflated as stored), and,
//! from the flood's log repeated to fill a 3-hour show, the time to build the
//! replay's index (`ReplayIndex::build`) and to answer a seek (`at`), beside
//! folding every event from the start to the same moment (the baseline a
//! replay without keyframes would pay on every seek).
//!
//! Prints one JSON line per run and one for the index on stdout:
//! `{"run":"demo","events":…,"bytes":…,"seconds":…,"bytes_per_hour":…,"events_per_hour":…}`
//! `{"index":"3h","events":…,"build_ms":…,"seek_p50_us":…,"seek_p99_us":…,"fold_ms":…}`
//!
//! `cargo run -q --release -p lapak-server --example replay_load`
#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::encoder::Publisher;
use lapak_protocol::replay::{Moment, ReplayIndex, ReplayLog};
use lapak_server::OnAir;

/// How long the demo's run stays on air: one loop of its timeline.
const DEMO_RUN: Duration = Duration::from_secs(90);
/// How long the flood's run stays on air.
const FLOOD_RUN: Duration = Duration::from_secs(30);
/// The show the index is measured for.
const SHOW_MS: i64 = 3 * 3_600_000;

#[tokio::main]
async fn main() {
    let (demo, _) = run("demo", "shows/demo.toml", None, DEMO_RUN).await;
    let flood_spec = Some("chat=500,likes=1000,gifts=50");
    let live_show = "tests/fixtures/live-show.toml";
    let (flood, gifts) = run("flood", live_show, flood_spec, FLOOD_RUN).await;
    drop(demo);
    index(flood, &gifts);
}

/// One show on air for `on_air_for`, then ended: its replay log, and its gifts.
async fn run(
    name: &str,
    show: &str,
    flood: Option<&str>,
    on_air_for: Duration,
) -> (ReplayLog, Vec<lapak_protocol::Gift>) {
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(show);
    let server = common::server_with(|c| {
        c.show = vec![show];
        c.flood = flood.map(|f| f.parse().expect("a flood spec"));
    })
    .await;
    let key = server.running.stream_key().await.unwrap();
    let rtmp = server.running.rtmp_addr.expect("the live show ingests");
    let publisher = Publisher::start(rtmp, &key);
    let id = server.running.show_ids()[0].clone();
    let mut on_air = server.running.on_air(&id).unwrap();
    on_air.wait_for(|s| *s == OnAir::Live).await.unwrap();
    let (_socket, welcome) = common::viewer(&server, None).await;
    let started = Instant::now();
    tokio::time::sleep(on_air_for).await;
    let seconds = started.elapsed().as_secs_f64();
    server.running.end_show(&id).await;
    publisher.stop().await;
    let url = format!(
        "http://{}/api/v1/shows/{id}/replay/log",
        server.running.addr
    );
    let log = loop {
        let response = reqwest::get(&url).await.unwrap();
        if response.status() == 200 {
            break response.json::<ReplayLog>().await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut db = common::open_db(&server.db()).await;
    let (events, bytes): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(events), 0), COALESCE(SUM(LENGTH(body)), 0) FROM show_events",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    let per_hour = |n: i64| (n as f64 * 3600.0 / seconds).round() as i64;
    println!(
        "{{\"run\":\"{name}\",\"events\":{events},\"bytes\":{bytes},\"seconds\":{seconds:.1},\
         \"bytes_per_hour\":{},\"events_per_hour\":{}}}",
        per_hour(bytes),
        per_hour(events)
    );
    server.running.stop().await;
    (log, welcome.show.gifts)
}

/// The flood's events repeated to fill a 3-hour show, indexed and sought.
fn index(flood: ReplayLog, gifts: &[lapak_protocol::Gift]) {
    let first = flood.events.first().map_or(0, |(at, _)| *at);
    let span = flood.events.last().map_or(1, |(at, _)| at - first + 1);
    let mut events = Vec::new();
    for round in 0..SHOW_MS / span {
        let shift = round * span;
        events.extend(flood.events.iter().map(|(at, e)| (at + shift, e.clone())));
    }
    let log = ReplayLog {
        starts_ms: first,
        ends_ms: first + SHOW_MS,
        events,
    };
    let count = log.events.len();
    let baseline = log.events.clone();
    let started = Instant::now();
    let index = ReplayIndex::build(log, gifts);
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut seeks_us: Vec<u64> = (0..200)
        .map(|i| {
            let at = first + (i * 7_919_000) % SHOW_MS;
            let started = Instant::now();
            std::hint::black_box(index.at(at));
            started.elapsed().as_micros() as u64
        })
        .collect();
    seeks_us.sort_unstable();
    let at = first + 2 * 3_600_000;
    let started = Instant::now();
    let mut moment = Moment::default();
    for (t, event) in baseline.iter().take_while(|(t, _)| *t <= at) {
        moment.apply(*t, event);
    }
    let fold_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(moment, index.at(at), "the index agrees with the fold");
    println!(
        "{{\"index\":\"3h\",\"events\":{count},\"build_ms\":{build_ms:.1},\"seek_p50_us\":{},\
         \"seek_p99_us\":{},\"fold_ms\":{fold_ms:.1}}}",
        seeks_us[seeks_us.len() / 2],
        seeks_us[seeks_us.len() * 99 / 100]
    );
}
