//! Server fan-out: the release server binary as a child process (a fresh one
//! per audience, on a temporary SQLite file) plays the demo show
//! (`server/shows/demo.toml`) fast enough to broadcast about 50 show events a
//! second to 1,000, then 5,000, then 10,000 viewers on their own WebSockets.
//! Each viewer says Hello, reads everything and pings every 10 s as the viewer
//! does; for 15 s every viewer notes when each show event (a frame with a
//! `seq`) arrives.
//!
//! The server does not stamp its events, so latency has two references:
//! - `p50_ms`, `p99_ms`, `max_ms`: from the event's earliest arrival at any
//!   viewer, i.e. the spread of one fan-out, which is what grows with the
//!   audience. When the server falls behind, the first viewer is late too, and
//!   these understate: `events_per_s` then drops below the show's rate.
//! - `cue_p50_ms`, `cue_p99_ms`: from the cue's programme time, which `Pinned`
//!   events carry (`pin.at`, Unix ms; the server runs on this machine's clock). This includes waiting for the timeline's 200 ms
//!   tick (100 ms on average) and keeps growing when the server falls behind.
//!
//! Prints one JSON line per audience on stdout, nothing else:
//! `{"viewers":…,"connected":…,"connect_s":…,"events_per_s":…,"p50_ms":…,"p99_ms":…,"max_ms":…,
//!   "cue_p50_ms":…,"cue_p99_ms":…,"missed":…,"rss_mb_idle":…,"rss_mb":…,"kib_per_conn":…,
//!   "cpu_pct":…,"client_cpu_pct":…}`
//! `events_per_s`: show events a viewer received, on average; `missed`: (viewer, event)
//! pairs with no arrival by 5 s after the window; the server's RSS in MiB before
//! the viewers join and with all of them joined, at the end of the window; CPU
//! time over the window, 100 = one core, of the server and of this process,
//! which shares the machine.
//!
//! `cargo build --release -p lapak-server && cargo run -q --release -p lapak-server --example fanout_load [N…]`
//! (audiences given as arguments replace the default 1,000, 5,000 and 10,000)
//!
//! With `SERVERS=1,2,3` and `LAPAK_TEST_POSTGRES` (a cluster, as
//! `scripts/postgres.sh` prints it): instead, one audience ([`SHARED_AUDIENCE`]
//! or the first argument) spread over that many servers sharing the show
//! through a `nats-server -js` of the run's own, on one new PostgreSQL
//! database; a line per count, with `"servers"`, the servers' CPU and memory
//! summed, and `"nats_cpu_pct"`. Spread is measured across all servers'
//! viewers: one event has one `seq` everywhere. `FLOOD=stock=1000` (the
//! server's `--flood`) adds that many events a second on the first server,
//! on top of the show's, to measure the stream at higher rates.
#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Socket;
use futures::{SinkExt, StreamExt};
use lapak_protocol::{ClientMsg, PROTOCOL_VERSION};
use tokio::sync::{watch, Semaphore};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// Audiences, each on a fresh server.
const AUDIENCES: [usize; 3] = [1_000, 5_000, 10_000];
/// The audience spread over servers sharing the show (`SERVERS=…`).
const SHARED_AUDIENCE: usize = 3_000;
/// Show events per second the playback speed aims at.
const EVENTS_PER_S: f64 = 50.0;
/// Connections opening at once while an audience gathers.
const JOINING: usize = 100;
/// Longest an audience may take to gather; whoever has not joined by then is counted out.
const GATHER: Duration = Duration::from_secs(90);
/// How long arrivals are measured.
const MEASURE: Duration = Duration::from_secs(15);
/// Recording starts this long before the window and ends this long after it,
/// so that every arrival of an event first seen in the window is caught.
const MARGIN: Duration = Duration::from_secs(5);
/// How often a viewer pings, as the viewer (`src/net`) does.
const PING_EVERY: Duration = Duration::from_secs(10);
/// Each viewer's read buffer: the library's default, 128 KiB, would make 10,000
/// viewers cost more memory here than in the server.
const READ_BUFFER: usize = 4 * 1024;

/// The fields of a server frame read here; the rest is skipped, not decoded.
#[derive(serde::Deserialize)]
struct Frame<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    seq: Option<u64>,
    /// A `Pinned` event's tag.
    pin: Option<Cue>,
}

/// The programme time of a pin's cue (Unix ms, the server's clock: this machine's).
#[derive(serde::Deserialize)]
struct Cue {
    at: i64,
}

/// When recording began.
#[derive(Clone, Copy)]
struct Clock {
    began: Instant,
    /// `began` in Unix time, the server's clock too.
    began_unix_us: i64,
}

impl Clock {
    /// Microseconds from the cue at programme time `at_ms` to `arrived`.
    fn behind_cue(&self, at_ms: i64, arrived: Instant) -> i64 {
        let arrived_us = self.began_unix_us + (arrived - self.began).as_micros() as i64;
        arrived_us - at_ms * 1000
    }
}

/// What one viewer received while recording.
#[derive(Default)]
struct Arrivals {
    /// `(seq, µs after recording began)` per show event.
    events: Vec<(u32, u32)>,
    /// Microseconds from the cue, per `Pinned` event arriving in the window.
    behind_cue_us: Vec<i64>,
    /// Fresh `Welcome`s, sent to a viewer that fell too far behind.
    snapshots: usize,
    /// The connection ended early.
    cut_off: bool,
}

fn main() {
    let asked: Vec<usize> = std::env::args()
        .skip(1)
        .map(|n| n.parse().expect("audiences are viewer counts"))
        .collect();
    let audiences = if asked.is_empty() {
        AUDIENCES.to_vec()
    } else {
        asked.clone()
    };
    let (open_files, hard) = raise_open_files();
    let most = audiences.iter().max().copied().unwrap_or_default();
    if open_files < (most + 100) as libc::rlim_t {
        eprintln!(
            "fanout_load: open files limited to {open_files} (hard limit {hard}); \
             {most} viewers need {most} sockets here and as many in the server"
        );
    }
    let binary = common::server_binary();
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("shows/demo.toml");
    let speed = speed_for(&show);
    // One thread: the load generator shares the machine with the server it measures.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if let Ok(counts) = std::env::var("SERVERS") {
        assert!(common::on_postgres(), "SERVERS needs LAPAK_TEST_POSTGRES");
        let viewers = asked.first().copied().unwrap_or(SHARED_AUDIENCE);
        for servers in counts.split(',') {
            let servers = servers.parse().expect("SERVERS=1,2,3");
            let run = run(&binary, &show, speed, viewers, Some(servers));
            println!("{}", runtime.block_on(run));
        }
        return;
    }
    for viewers in audiences {
        println!(
            "{}",
            runtime.block_on(run(&binary, &show, speed, viewers, None))
        );
    }
}

/// Raises the open-file limit to the hard limit, for this process and the
/// server it starts (a child inherits it). Returns the soft and hard limits.
fn raise_open_files() -> (libc::rlim_t, libc::rlim_t) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for both calls to read and write.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        }
    }
    (limit.rlim_cur, limit.rlim_max)
}

/// The playback speed at which `show` publishes about [`EVENTS_PER_S`] events:
/// one per pin or unpin cue of a loop, two per deal (it starts and ends).
fn speed_for(show: &Path) -> u32 {
    let text = std::fs::read_to_string(show).expect("the show file");
    let show: toml::Table = text.parse().expect("a TOML show file");
    let loop_ms = show["loop_ms"].as_integer().expect("loop_ms") as f64;
    let per_loop: u32 = show["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .map(|cue| match cue["do"].as_str() {
            Some("deal") => 2,
            _ => 1,
        })
        .sum();
    let speed = (EVENTS_PER_S * loop_ms / 1000.0 / f64::from(per_loop))
        .round()
        .clamp(1.0, 1000.0) as u32;
    eprintln!(
        "fanout_load: {} at speed {speed}: {per_loop} events per loop, {:.1} a second",
        show["id"],
        f64::from(per_loop * speed) * 1000.0 / loop_ms
    );
    speed
}

/// One audience on a fresh server, or spread over `shared` servers sharing
/// the show through NATS; its JSON line.
async fn run(
    binary: &Path,
    show: &Path,
    speed: u32,
    viewers: usize,
    shared: Option<usize>,
) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = common::load_config(dir.path().join("lapak.db"));
    config.show = vec![show.to_owned()];
    config.speed = speed;
    let nats = shared.map(|_| common::nats::Nats::start(&dir.path().join("nats"), None));
    config.nats = nats.as_ref().map(common::nats::Nats::url);
    let flooding = lapak_server::Config {
        flood: std::env::var("FLOOD")
            .ok()
            .map(|f| f.parse().expect("FLOOD=stock=1000")),
        ..config.clone()
    };
    let mut servers = vec![common::Process::start(binary, &flooding, Stdio::inherit())];
    // The first takes the show's lead before the others start.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for _ in 1..shared.unwrap_or(1) {
        servers.push(common::Process::start(binary, &config, Stdio::inherit()));
    }
    let pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
    let nats_pid = nats.as_ref().map(|n| n.child.id());
    // Past start-up: the database open, a few ticks played.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle: u64 = pids.iter().map(|pid| rss_kib(*pid)).sum();

    let (window, recording) = watch::channel(None);
    let joining = Arc::new(Semaphore::new(JOINING));
    let failures = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
    let started = Instant::now();
    let deadline = started + GATHER;
    let mut audience = Vec::with_capacity(viewers);
    for n in 0..viewers {
        let permit = tokio::time::timeout_at(deadline, joining.clone().acquire_owned());
        let Ok(Ok(permit)) = permit.await else { break };
        let url = servers[n % servers.len()].url.clone();
        let (recording, failures) = (recording.clone(), failures.clone());
        audience.push(tokio::spawn(async move {
            let joined = tokio::time::timeout_at(deadline, join(&url))
                .await
                .unwrap_or_else(|_| Err(format!("not joined within {GATHER:?}")));
            drop(permit);
            match joined {
                Ok(socket) => Some(watch_show(n, socket, recording).await),
                Err(error) => {
                    *failures.lock().unwrap().entry(error).or_default() += 1;
                    None
                }
            }
        }));
    }
    // Every join ends by the deadline and gives its permit back.
    let _ = joining.acquire_many(JOINING as u32).await;
    let connect_s = started.elapsed().as_secs_f64();
    let failures = std::mem::take(&mut *failures.lock().unwrap());
    let audience_len = audience.len();
    let connected = audience_len - failures.values().sum::<usize>();
    for server in &mut servers {
        if let Ok(Some(status)) = server.child.try_wait() {
            eprintln!("fanout_load: a server exited while {viewers} viewers joined: {status}");
        }
    }

    let began = Instant::now();
    window.send_replace(Some(Clock {
        began,
        began_unix_us: lapak_server::now_ms() * 1000,
    }));
    let (from, to) = (began + MARGIN, began + MARGIN + MEASURE);
    tokio::time::sleep_until(from).await;
    let ticks = || {
        let servers: u64 = pids.iter().map(|pid| cpu_ticks(*pid)).sum();
        (
            servers,
            cpu_ticks(std::process::id()),
            nats_pid.map_or(0, cpu_ticks),
        )
    };
    let cpu_before = ticks();
    tokio::time::sleep_until(to).await;
    let cpu_after = ticks();
    let rss: u64 = pids.iter().map(|pid| rss_kib(*pid)).sum();
    let mut arrivals = Vec::with_capacity(connected);
    for viewer in audience {
        arrivals.extend(viewer.await.expect("a viewer's task"));
    }
    servers.into_iter().for_each(common::Process::kill);

    let micros = |d: Duration| d.as_micros() as u32;
    let (latencies, events, missed) = spread(&arrivals, micros(MARGIN), micros(MARGIN + MEASURE));
    let mut behind_cue: Vec<i64> = arrivals
        .iter()
        .flat_map(|a| &a.behind_cue_us)
        .copied()
        .collect();
    behind_cue.sort_unstable();
    let ms = |p: f64| common::percentile(&latencies, p) as f64 / 1000.0;
    let cue_ms = |p: f64| common::percentile(&behind_cue, p) as f64 / 1000.0;
    let seconds = MEASURE.as_secs_f64();
    let cpu_pct = |ticks: u64| {
        // SAFETY: sysconf only reads a configuration value.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        ticks as f64 / per_second / seconds * 100.0
    };
    let per_viewer = latencies.len() as f64 / arrivals.len().max(1) as f64;
    eprintln!(
        "fanout_load: {viewers} viewers: {connected} joined in {connect_s:.1} s \
         (failed: {failures:?}, not tried: {}); {events} events first seen in the window; \
         {} snapshots, {} cut off",
        viewers - audience_len,
        arrivals.iter().map(|a| a.snapshots).sum::<usize>(),
        arrivals.iter().filter(|a| a.cut_off).count(),
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    let sharing = shared.map_or_else(String::new, |n| {
        let nats = cpu_pct(cpu_after.2 - cpu_before.2);
        let flood = std::env::var("FLOOD").unwrap_or_default();
        format!(r#""servers":{n},"flood":"{flood}","nats_cpu_pct":{nats:.0},"#)
    });
    format!(
        r#"{{{sharing}"viewers":{viewers},"connected":{connected},"connect_s":{connect_s:.2},"events_per_s":{:.1},"p50_ms":{:.2},"p99_ms":{:.2},"max_ms":{:.2},"cue_p50_ms":{:.2},"cue_p99_ms":{:.2},"missed":{missed},"rss_mb_idle":{:.1},"rss_mb":{:.1},"kib_per_conn":{:.1},"cpu_pct":{:.0},"client_cpu_pct":{:.0}}}"#,
        per_viewer / seconds,
        ms(0.50),
        ms(0.99),
        ms(1.0),
        cue_ms(0.50),
        cue_ms(0.99),
        mib(rss_idle),
        mib(rss),
        rss.saturating_sub(rss_idle) as f64 / connected.max(1) as f64,
        cpu_pct(cpu_after.0 - cpu_before.0),
        cpu_pct(cpu_after.1 - cpu_before.1),
    )
}

/// Opens a socket with a small read buffer and says Hello; the error says what went wrong.
async fn join(url: &str) -> Result<Socket, String> {
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: None,
        show: None,
        resume: None,
    };
    socket
        .send(text(&hello))
        .await
        .map_err(|e| format!("Hello: {e}"))?;
    loop {
        return match socket.next().await {
            Some(Ok(Message::Text(frame))) => match serde_json::from_str::<Frame>(&frame) {
                Ok(Frame {
                    kind: "Welcome", ..
                }) => Ok(socket),
                Ok(Frame { kind, .. }) => Err(format!("Hello answered with {kind}")),
                Err(e) => Err(format!("Hello answered with something unreadable: {e}")),
            },
            Some(Ok(_)) => continue,
            Some(Err(e)) => Err(format!("before Welcome: {e}")),
            None => Err("closed before Welcome".into()),
        };
    }
}

/// Viewer `n`: reads everything and pings, and once the window is sent on
/// `recording`, notes each show event's arrival until the recording ends.
async fn watch_show(
    n: usize,
    mut socket: Socket,
    mut recording: watch::Receiver<Option<Clock>>,
) -> Arrivals {
    let mut got = Arrivals::default();
    // Pings spread over the interval, as from viewers who joined at different times.
    let phase = PING_EVERY / 100 * (n % 100) as u32;
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY + phase, PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut clock = None;
    // No end until the recording begins.
    let end = tokio::time::sleep(Duration::MAX);
    tokio::pin!(end);
    loop {
        tokio::select! {
            changed = recording.changed(), if clock.is_none() => {
                if changed.is_err() {
                    break;
                }
                clock = *recording.borrow();
                if let Some(clock) = clock {
                    end.as_mut().reset(clock.began + MARGIN + MEASURE + MARGIN);
                }
            }
            frame = socket.next() => {
                let arrived = Instant::now();
                let Some(Ok(frame)) = frame else {
                    got.cut_off = true;
                    break;
                };
                let (Some(clock), Message::Text(text)) = (clock, frame) else { continue };
                match serde_json::from_str::<Frame>(&text) {
                    // Before the `seq` arm: a snapshot has a `seq` too.
                    Ok(Frame { kind: "Welcome", .. }) => got.snapshots += 1,
                    Ok(Frame { seq: Some(seq), pin, .. }) => {
                        let at = arrived.saturating_duration_since(clock.began);
                        got.events.push((seq as u32, at.as_micros() as u32));
                        let in_window = (MARGIN..=MARGIN + MEASURE).contains(&at);
                        if let Some(Cue { at }) = pin.filter(|_| in_window) {
                            got.behind_cue_us.push(clock.behind_cue(at, arrived));
                        }
                    }
                    _ => {}
                }
            }
            _ = ping.tick() => {
                if socket.send(text(&ClientMsg::Ping)).await.is_err() {
                    got.cut_off = true;
                    break;
                }
            }
            () = &mut end => break,
        }
    }
    got
}

fn text(msg: &ClientMsg) -> Message {
    Message::Text(serde_json::to_string(msg).expect("a client message").into())
}

/// Delivery latencies of the events first seen between `from` and `to` (µs
/// after recording began), each from its earliest arrival at any viewer,
/// sorted; how many such events there were; and how many (viewer, event)
/// pairs have no arrival at all.
fn spread(arrivals: &[Arrivals], from: u32, to: u32) -> (Vec<u32>, usize, usize) {
    let mut first: HashMap<u32, u32> = HashMap::new();
    for &(seq, at) in arrivals.iter().flat_map(|a| &a.events) {
        first
            .entry(seq)
            .and_modify(|t| *t = (*t).min(at))
            .or_insert(at);
    }
    first.retain(|_, t| (from..=to).contains(t));
    let mut latencies: Vec<u32> = arrivals
        .iter()
        .flat_map(|a| &a.events)
        .filter_map(|(seq, at)| Some(at - first.get(seq)?))
        .collect();
    latencies.sort_unstable();
    let missed = first.len() * arrivals.len() - latencies.len();
    (latencies, first.len(), missed)
}

/// Resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
            line.trim().strip_suffix("kB")?.trim().parse().ok()
        })
        .unwrap_or_else(|| panic!("no VmRSS for process {pid}"))
}

/// User plus system CPU time of process `pid` so far, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    // After the command name (in parentheses, possibly with spaces), utime and stime are the 12th and 13th fields.
    let after_name = &stat[stat.rfind(')').expect("(comm)") + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |i: usize| fields[i].parse::<u64>().expect("a tick count");
    field(11) + field(12)
}
