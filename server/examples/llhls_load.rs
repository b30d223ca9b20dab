//! Low-latency HLS under load: what blocking playlist reloads cost the server.
//! The real server in this process goes on air from a real ffmpeg; then
//! `N` players (one keep-alive HTTP/1.1 connection each) ask for the live
//! playlist as an LL-HLS player does: each answer is parsed and the next
//! request blocks for the part after the last one listed
//! (`?_HLS_msn=…&_HLS_part=…`), so every player always has one request held.
//!
//! For each `N` (default 1,000 and 10,000; `--holds 500,2000` to choose) it
//! measures, over [`MEASURE`]: playlists answered per second, answers other
//! than 200, and the process's resident memory and CPU, before the players
//! connect (on air, nobody watching) and while they hold. The players run in
//! this process too, so memory and CPU are the server's plus the players'
//! (each parses every playlist it gets): an upper bound on the server's.
//!
//! Prints one JSON line per `N`:
//! `{"holds":…,"answered_per_s":…,"not_200":…,"rss_idle_mb":…,"rss_mb":…,"cpu_idle":…,"cpu":…}`
//! (`cpu`: CPU seconds per second, 1.0 = one core busy).
//!
//! `cargo run -q --release -p lapak-server --example llhls_load`
#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::encoder::Publisher;
use lapak_protocol::hls::{self, Playlist};
use lapak_server::OnAir;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long each figure is measured over.
const MEASURE: Duration = Duration::from_secs(15);
/// Players connected at a time, so the listen queue never overflows.
const CONNECT_BATCH: usize = 250;

#[derive(Default)]
struct Counts {
    answered: AtomicU64,
    not_200: AtomicU64,
}

#[tokio::main]
async fn main() {
    raise_open_files();
    let holds: Vec<usize> = std::env::args()
        .skip_while(|a| a != "--holds")
        .nth(1)
        .map(|list| {
            list.split(',')
                .map(|n| n.parse().expect("a number"))
                .collect()
        })
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for n in holds {
        run(n).await;
    }
}

async fn run(holds: usize) {
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/live-show.toml");
    let server = common::server_with(|c| c.show = vec![show]).await;
    let key = server.running.stream_key().await.unwrap();
    let rtmp = server.running.rtmp_addr.expect("the live show ingests");
    let publisher = Publisher::start(rtmp, &key);
    let mut on_air = server.running.on_air("live").unwrap();
    on_air.wait_for(|s| *s == OnAir::Live).await.unwrap();
    let addr = server.running.addr;
    // Listed: three seconds of segments.
    loop {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        if next_request(&mut stream, None)
            .await
            .is_some_and(|(s, _)| s == 200)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let idle = Sample::take();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (cpu_idle, rss_idle) = idle.since();

    let counts = Arc::new(Counts::default());
    let mut players = tokio::task::JoinSet::new();
    for batch in (0..holds).collect::<Vec<_>>().chunks(CONNECT_BATCH) {
        for _ in batch {
            players.spawn(player(addr, counts.clone()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Settle, then measure.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before = counts.answered.load(Ordering::Relaxed);
    let not_200_before = counts.not_200.load(Ordering::Relaxed);
    let sample = Sample::take();
    let started = Instant::now();
    tokio::time::sleep(MEASURE).await;
    let (cpu, rss) = sample.since();
    let seconds = started.elapsed().as_secs_f64();
    let answered = counts.answered.load(Ordering::Relaxed) - before;
    let not_200 = counts.not_200.load(Ordering::Relaxed) - not_200_before;
    println!(
        "{{\"holds\":{holds},\"answered_per_s\":{:.0},\"not_200\":{not_200},\"rss_idle_mb\":{:.1},\"rss_mb\":{:.1},\"cpu_idle\":{cpu_idle:.3},\"cpu\":{cpu:.3}}}",
        answered as f64 / seconds,
        rss_idle / 1024.0,
        rss / 1024.0,
    );
    players.shutdown().await;
    publisher.stop().await;
    server.running.stop().await;
}

/// One player: the playlist, then blocking reloads for the next part, forever.
async fn player(addr: SocketAddr, counts: Arc<Counts>) {
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        counts.not_200.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let mut next = None;
    loop {
        match next_request(&mut stream, next).await {
            Some((200, wanted)) => {
                counts.answered.fetch_add(1, Ordering::Relaxed);
                next = wanted;
            }
            Some(_) => {
                counts.not_200.fetch_add(1, Ordering::Relaxed);
                next = None;
            }
            None => {
                counts.not_200.fetch_add(1, Ordering::Relaxed);
                let Ok(again) = TcpStream::connect(addr).await else {
                    return;
                };
                stream = again;
                next = None;
            }
        }
    }
}

/// Asks for the live playlist (blocking for `wanted`, when given) on a kept-alive
/// connection: the status, and the part after the last one the answer lists.
async fn next_request(
    stream: &mut TcpStream,
    wanted: Option<(u64, u64)>,
) -> Option<(u16, Option<(u64, u64)>)> {
    let query = wanted
        .map(|(msn, part)| format!("?_HLS_msn={msn}&_HLS_part={part}"))
        .unwrap_or_default();
    let request = format!("GET /hls/live/src/live.m3u8{query} HTTP/1.1\r\nHost: lapak\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut reader = BufReader::new(&mut *stream);
    let mut line = String::new();
    reader.read_line(&mut line).await.ok()?;
    let status: u16 = line.get(9..12)?.parse().ok()?;
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).await.ok()?;
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    let next = match hls::parse(std::str::from_utf8(&body).ok()?) {
        Ok(Playlist::Media(media)) => Some(match &media.open_segment {
            Some(open) if !open.parts.is_empty() => {
                (media.next_sequence(), open.parts.len() as u64)
            }
            _ => (media.next_sequence(), 0),
        }),
        _ => None,
    };
    Some((status, next))
}

/// The process's CPU time and the moment it was read.
struct Sample {
    cpu_s: f64,
    at: Instant,
}

impl Sample {
    fn take() -> Sample {
        Sample {
            cpu_s: cpu_seconds(),
            at: Instant::now(),
        }
    }

    /// CPU seconds per second since, and resident memory now (KiB).
    fn since(&self) -> (f64, f64) {
        let cpu = (cpu_seconds() - self.cpu_s) / self.at.elapsed().as_secs_f64();
        (cpu, rss_kib())
    }
}

/// User and system CPU time of this process (`/proc/self/stat`, in ticks of
/// 1/100 s on Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    let ticks = |index: usize| fields.get(index - 3).and_then(|f| f.parse::<f64>().ok());
    (ticks(14).unwrap_or(0.0) + ticks(15).unwrap_or(0.0)) / 100.0
}

/// Resident memory of this process, KiB.
fn rss_kib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// 10,000 players need 10,000 sockets, and the server as many.
fn raise_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for both calls to read and write.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
