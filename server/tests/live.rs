//! Live video end to end: a real ffmpeg publishes RTMP to the server, which
//! packages it with its own ffmpeg and serves the show's HLS.
mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::encoder::Publisher;
use common::{server_for, TestServer};
use lapak_protocol::hls::{self, MasterPlaylist, MediaPlaylist, Playlist};
use lapak_server::OnAir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Long enough for ffmpeg to start on a busy machine and write a few segments.
const PATIENCE: Duration = Duration::from_secs(30);

struct Response {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

async fn get(addr: SocketAddr, path: &str, extra: &str) -> Response {
    request(addr, "GET", path, extra).await
}

async fn request(addr: SocketAddr, method: &str, path: &str, extra: &str) -> Response {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    Response {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}

async fn media_playlist(addr: SocketAddr, path: &str) -> Option<MediaPlaylist> {
    let response = get(addr, path, "").await;
    if response.status != 200 {
        return None;
    }
    match hls::parse(&response.text()).ok()? {
        Playlist::Media(media) => Some(media),
        Playlist::Master(_) => None,
    }
}

async fn master_playlist(addr: SocketAddr, show: &str) -> Option<MasterPlaylist> {
    let response = get(addr, &format!("/hls/{show}/master.m3u8"), "").await;
    match hls::parse(&response.text()).ok()? {
        Playlist::Master(master) => Some(master),
        Playlist::Media(_) => None,
    }
}

/// Polls `check` until it gives a value, for up to [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The live playlist once it has at least `count` segments.
async fn segments(server: &TestServer, show: &str, count: usize) -> MediaPlaylist {
    let addr = server.running.addr;
    let path = format!("/hls/{show}/src/live.m3u8");
    eventually(&format!("{count} segments"), || {
        let path = path.clone();
        async move {
            media_playlist(addr, &path)
                .await
                .filter(|p| p.segments.len() >= count)
        }
    })
    .await
}

async fn wait_on_air(server: &TestServer, show: &str, wanted: OnAir) {
    let mut on_air = server.running.on_air(show).expect("an ingest show");
    tokio::time::timeout(PATIENCE, on_air.wait_for(|state| *state == wanted))
        .await
        .unwrap_or_else(|_| panic!("never {wanted:?}"))
        .unwrap();
}

fn rtmp(server: &TestServer) -> SocketAddr {
    server
        .running
        .rtmp_addr
        .expect("an ingest show listens for RTMP")
}

fn media_dir(server: &TestServer) -> PathBuf {
    server.dir.path().join("media")
}

/// Whether a process runs (a zombie waiting to be reaped does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat.rsplit_once(')')?.1.trim_start().chars().next()?;
            Some(state != 'Z' && state != 'X')
        })
        .unwrap_or(false)
}

/// Stops the server and checks that its packager went with it.
async fn stop(server: TestServer, packagers: &[u32]) {
    server.running.stop().await;
    let started = Instant::now();
    while packagers.iter().any(|&pid| alive(pid)) {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "ffmpeg outlived the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The live show's configuration on `db`, the same at every start: a
/// restarted server keeps its database and media.
/// A live show's server that starts again on the same data (`config`), the
/// demo team with `email` signed in, and an encoder publishing to it.
async fn on_air_with(
    email: &str,
) -> (
    TestServer,
    impl Fn() -> lapak_server::Config,
    common::api::Api,
    common::api::Caller,
    Publisher,
) {
    let dir = tempfile::tempdir().unwrap();
    let config = live_config(dir.path().join("lapak.db"));
    let running = lapak_server::start(config()).await.unwrap();
    let server = TestServer { running, dir };
    common::api::team(&server).await;
    let api = common::api::Api::of(&server);
    let caller = api.sign_in(email, common::api::PASSWORD).await.unwrap();
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    (server, config, api, caller, publisher)
}

fn live_config(db: PathBuf) -> impl Fn() -> lapak_server::Config {
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/live-show.toml");
    move || {
        let mut config = common::config(db.clone());
        config.show = vec![show.clone()];
        config
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn the_right_key_goes_live_and_serves_hls() {
    let server = server_for("live-show.toml").await;
    let addr = server.running.addr;
    assert_eq!(
        *server.running.on_air("live").unwrap().borrow(),
        OnAir::Waiting
    );
    let key = server.running.stream_key().await.unwrap();
    assert!(key.len() >= 32, "{key}");
    let publisher = Publisher::start(rtmp(&server), &key);

    let live = segments(&server, "live", 3).await;
    let now = lapak_server::now_ms();
    let last = live.segments.last().unwrap();
    let pdt = last
        .program_date_time
        .expect("every segment has a programme time");
    assert!(
        (now - pdt).abs() < 8_000,
        "programme time {pdt} is far from now {now}"
    );
    let times: Vec<i64> = live
        .segments
        .iter()
        .map(|s| s.program_date_time.unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert_eq!(
        *server.running.on_air("live").unwrap().borrow(),
        OnAir::Live
    );

    let response = get(addr, "/hls/live/src/live.m3u8", "").await;
    assert_eq!(
        response.header("content-type"),
        Some("application/vnd.apple.mpegurl")
    );
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let text = response.text();
    for tag in [
        "#EXT-X-VERSION:7",
        "#EXT-X-TARGETDURATION:",
        "#EXT-X-MEDIA-SEQUENCE:",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        "#EXT-X-MAP:URI=\"run-1/init.mp4\"",
        "#EXT-X-PROGRAM-DATE-TIME:",
    ] {
        assert!(text.contains(tag), "{tag} missing from\n{text}");
    }

    let init = get(addr, "/hls/live/src/run-1/init.mp4", "").await;
    assert_eq!(init.status, 200);
    assert_eq!(init.header("content-type"), Some("video/mp4"));
    assert_eq!(
        init.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(&init.body[4..8], b"ftyp");

    let uri = &live.segments[0].uri;
    let segment = get(
        addr,
        &format!("/hls/live/src/{uri}"),
        "Accept-Encoding: gzip, br\r\n",
    )
    .await;
    assert_eq!(segment.status, 200, "{uri}");
    assert_eq!(segment.header("content-type"), Some("video/iso.segment"));
    assert_eq!(
        segment.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(segment.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        segment.header("content-encoding"),
        None,
        "segments are never compressed"
    );

    let range = get(
        addr,
        &format!("/hls/live/src/{uri}"),
        "Range: bytes=0-99\r\n",
    )
    .await;
    assert_eq!(range.status, 206);
    assert_eq!(range.body.len(), 100);
    assert_eq!(range.body[..], segment.body[..100]);
    assert_eq!(range.header("access-control-allow-origin"), Some("*"));

    let master = master_playlist(addr, "live")
        .await
        .expect("a master playlist");
    assert_eq!(master.variants.len(), 1);
    let variant = &master.variants[0];
    assert_eq!(variant.uri, "src/live.m3u8");
    assert!(variant.bandwidth > 0);
    assert_eq!(variant.resolution, Some((320, 240)));
    let codecs = variant.codecs.as_deref().unwrap();
    assert!(
        codecs.starts_with("avc1.") && codecs.ends_with(",mp4a.40.2"),
        "{codecs}"
    );

    let recording = media_playlist(addr, "/hls/live/src/recording.m3u8")
        .await
        .unwrap();
    assert_eq!(recording.kind, Some(hls::PlaylistKind::Event));
    assert!(!recording.ended);
    assert!(recording.segments.len() >= live.segments.len());

    // Nothing outside a show's runs, nothing for an unknown show.
    for path in [
        "/hls/nope/master.m3u8",
        "/hls/nope/src/live.m3u8",
        "/hls/live/360p/live.m3u8",
        "/hls/live/src/run-1/index.m3u8",
        "/hls/live/src/run-1/..%2f..%2fmaster.m3u8",
        "/hls/live/src/../../../Cargo.toml",
        "/hls/live/src/run-1/../../lapak.db",
        "/hls/live/src/run-x/init.mp4",
        "/hls/live/src/run-1/extra/init.mp4",
    ] {
        let response = get(addr, path, "").await;
        assert_eq!(response.status, 404, "{path}");
    }

    let pid = server.running.packager_pid("live").expect("a packager");
    assert!(alive(pid));
    publisher.stop().await;
    stop(server, &[pid]).await;
}

#[tokio::test]
async fn a_wrong_key_is_refused_before_anything_is_written() {
    let server = server_for("live-show.toml").await;
    let key = server.running.stream_key().await.unwrap();
    // Change the last character to one it is not, so the wrong key can never equal the key.
    let last = if key.ends_with('x') { 'y' } else { 'x' };
    let wrong = format!("{}{last}", &key[..key.len() - 1]);
    assert_ne!(wrong, key);
    let mut publisher = Publisher::start(rtmp(&server), &wrong);
    let status = publisher
        .exit(PATIENCE)
        .await
        .expect("the encoder is turned away");
    assert!(!status.success());
    assert!(files_under(&media_dir(&server)).is_empty());
    assert_eq!(server.running.packager_pid("live"), None);
    assert_eq!(
        *server.running.on_air("live").unwrap().borrow(),
        OnAir::Waiting
    );
    assert_eq!(
        get(server.running.addr, "/hls/live/master.m3u8", "")
            .await
            .status,
        404
    );
    publisher.stop().await;
    stop(server, &[]).await;
}

#[tokio::test]
async fn a_rotated_key_refuses_the_old_key_and_accepts_the_new() {
    let server = server_for("live-show.toml").await;
    let old = server.running.stream_key().await.unwrap();
    let new = server.running.rotate_stream_key().await.unwrap();
    assert_ne!(old, new);
    assert_eq!(server.running.stream_key().await.unwrap(), new);

    let mut refused = Publisher::start(rtmp(&server), &old);
    assert!(!refused
        .exit(PATIENCE)
        .await
        .expect("the old key is refused")
        .success());
    assert!(files_under(&media_dir(&server)).is_empty());

    let publisher = Publisher::start(rtmp(&server), &new);
    wait_on_air(&server, "live", OnAir::Live).await;
    segments(&server, "live", 1).await;

    // One encoder per show: a second, even with the right key, is turned away.
    let mut second = Publisher::start(rtmp(&server), &new);
    assert!(!second
        .exit(PATIENCE)
        .await
        .expect("a second encoder is refused")
        .success());

    let pid = server.running.packager_pid("live").unwrap();
    publisher.stop().await;
    stop(server, &[pid]).await;
}

#[tokio::test]
async fn a_killed_packager_is_replaced_by_a_new_run() {
    let server = server_for("live-show.toml").await;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    segments(&server, "live", 2).await;
    let first = server.running.packager_pid("live").unwrap();
    // SAFETY: signalling a child process of this server by its pid.
    assert_eq!(unsafe { libc::kill(first as i32, libc::SIGKILL) }, 0);

    let addr = server.running.addr;
    let live = eventually("a second run in the live playlist", || async move {
        media_playlist(addr, "/hls/live/src/live.m3u8")
            .await
            .filter(|p| p.segments.iter().any(|s| s.uri.starts_with("run-2/")))
    })
    .await;
    let second = server.running.packager_pid("live").unwrap();
    assert_ne!(first, second);
    let text = get(addr, "/hls/live/src/live.m3u8", "").await.text();
    assert!(text.contains("#EXT-X-DISCONTINUITY\n"), "{text}");
    assert!(text.contains("#EXT-X-MAP:URI=\"run-1/init.mp4\""), "{text}");
    assert!(text.contains("#EXT-X-MAP:URI=\"run-2/init.mp4\""), "{text}");
    let times: Vec<i64> = live
        .segments
        .iter()
        .map(|s| s.program_date_time.unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert_eq!(
        *server.running.on_air("live").unwrap().borrow(),
        OnAir::Live
    );

    publisher.stop().await;
    stop(server, &[first, second]).await;
}

#[tokio::test]
async fn a_dropped_encoder_pauses_the_show_and_a_new_one_resumes_it() {
    let server = server_for("live-show.toml").await;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    segments(&server, "live", 2).await;
    let first = server.running.packager_pid("live").unwrap();
    publisher.stop().await;
    wait_on_air(&server, "live", OnAir::Paused).await;
    assert_eq!(server.running.packager_pid("live"), None);
    assert!(!alive(first), "ffmpeg exits when its input ends");

    let publisher = Publisher::start(rtmp(&server), &key);
    wait_on_air(&server, "live", OnAir::Live).await;
    let addr = server.running.addr;
    eventually("the second run's segments", || async move {
        media_playlist(addr, "/hls/live/src/live.m3u8")
            .await
            .filter(|p| p.segments.iter().any(|s| s.uri.starts_with("run-2/")))
    })
    .await;
    let text = get(addr, "/hls/live/src/live.m3u8", "").await.text();
    assert!(text.contains("#EXT-X-DISCONTINUITY\n"), "{text}");
    let second = server.running.packager_pid("live").unwrap();

    // Ending the show disconnects the encoder and closes the recording.
    assert!(server.running.end_show("live").await);
    wait_on_air(&server, "live", OnAir::Ended).await;
    let recording = eventually("the recording's end", || async move {
        media_playlist(addr, "/hls/live/src/recording.m3u8")
            .await
            .filter(|p| p.ended)
    })
    .await;
    assert!(recording
        .segments
        .iter()
        .any(|s| s.uri.starts_with("run-1/")));
    assert!(recording
        .segments
        .iter()
        .any(|s| s.uri.starts_with("run-2/")));
    assert!(!alive(second));
    let mut after = Publisher::start(rtmp(&server), &key);
    assert!(!after
        .exit(PATIENCE)
        .await
        .expect("an ended show refuses encoders")
        .success());

    publisher.stop().await;
    stop(server, &[first, second]).await;
}

#[tokio::test]
async fn a_restarted_server_keeps_the_recording_and_adds_runs_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = live_config(dir.path().join("lapak.db"));
    let running = lapak_server::start(config()).await.unwrap();
    let server = TestServer { running, dir };
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    segments(&server, "live", 2).await;
    publisher.stop().await;
    wait_on_air(&server, "live", OnAir::Paused).await;
    let addr = server.running.addr;
    let before = eventually("the last segments of run 1", || async move {
        // The packager finishes its last segment after the encoder leaves.
        tokio::time::sleep(Duration::from_millis(500)).await;
        media_playlist(addr, "/hls/live/src/recording.m3u8").await
    })
    .await;
    let TestServer { running, dir } = server;
    running.stop().await;

    let running = lapak_server::start(config()).await.unwrap();
    let server = TestServer { running, dir };
    assert_eq!(
        *server.running.on_air("live").unwrap().borrow(),
        OnAir::Paused
    );
    assert_eq!(
        server.running.stream_key().await.unwrap(),
        key,
        "keys survive restarts"
    );
    let addr = server.running.addr;
    let after = eventually("run 1 in the restarted recording", || async move {
        media_playlist(addr, "/hls/live/src/recording.m3u8").await
    })
    .await;
    assert_eq!(after.segments[..before.segments.len()], before.segments[..]);

    let publisher = Publisher::start(rtmp(&server), &key);
    let live = eventually("run 2", || async move {
        media_playlist(addr, "/hls/live/src/live.m3u8")
            .await
            .filter(|p| p.segments.iter().any(|s| s.uri.starts_with("run-2/")))
    })
    .await;
    let times: Vec<i64> = live
        .segments
        .iter()
        .map(|s| s.program_date_time.unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    let pid = server.running.packager_pid("live").unwrap();
    publisher.stop().await;
    stop(server, &[pid]).await;
}

#[tokio::test]
async fn the_360p_setting_adds_a_second_rendition() {
    let server = server_for("live-360p-show.toml").await;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    let addr = server.running.addr;
    let lower = eventually("360p segments", || async move {
        media_playlist(addr, "/hls/live360/360p/live.m3u8")
            .await
            .filter(|p| p.segments.len() >= 2)
    })
    .await;
    assert!(lower.segments[0].map.is_some());
    let master = eventually("both renditions", || async move {
        master_playlist(addr, "live360")
            .await
            .filter(|m| m.variants.len() == 2)
    })
    .await;
    assert_eq!(master.variants[0].uri, "src/live.m3u8");
    assert_eq!(master.variants[0].resolution, Some((320, 240)));
    assert_eq!(master.variants[1].uri, "360p/live.m3u8");
    assert_eq!(master.variants[1].resolution, Some((480, 360)));
    assert_eq!(
        master.variants[1].codecs.as_deref(),
        Some("avc1.4d401e,mp4a.40.2")
    );
    let uri = &lower.segments[0].uri;
    let segment = get(addr, &format!("/hls/live360/360p/{uri}"), "").await;
    assert_eq!(segment.status, 200);
    assert_eq!(segment.header("content-type"), Some("video/iso.segment"));
    // Its parts are cut at its own keyframes, and each rendition reports the other.
    let lower = eventually("360p parts", || async move {
        media_playlist(addr, "/hls/live360/360p/live.m3u8")
            .await
            .filter(|p| p.segments.iter().any(|s| !s.parts.is_empty()))
    })
    .await;
    for segment in lower.segments.iter().filter(|s| !s.parts.is_empty()) {
        assert!(segment.parts[0].independent, "{:?}", segment.parts);
    }
    let report = &lower.rendition_reports[..];
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(report[0].uri, "../src/live.m3u8");
    let source = media_playlist(addr, "/hls/live360/src/live.m3u8")
        .await
        .unwrap();
    assert_eq!(source.rendition_reports[0].uri, "../360p/live.m3u8");
    let last = source.rendition_reports[0].last_msn.unwrap();
    assert!(last + 3 >= lower.next_sequence(), "{last}");

    let pid = server.running.packager_pid("live360").unwrap();
    publisher.stop().await;
    stop(server, &[pid]).await;
}

#[tokio::test]
async fn the_stream_key_command_prints_and_rotates_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lapak.db");
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/live-show.toml");
    let run = |rotate: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lapak-server"));
        command
            .arg("stream-key")
            .arg("--db")
            .arg(&db)
            .arg("--show")
            .arg(&show);
        if rotate {
            command.arg("--rotate");
        }
        if let Some(database) = common::postgres_database(dir.path()) {
            command.arg("--database").arg(database);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    let first = run(false);
    assert_eq!(first.len(), 32);
    assert_eq!(run(false), first, "the key stays until rotated");
    let rotated = run(true);
    assert_ne!(rotated, first);
    assert_eq!(run(false), rotated);

    // The server uses the same key.
    let server = common::server_with(|c| {
        c.db = db.clone();
        c.database = common::postgres_database(dir.path());
        c.show = vec![show.clone()];
    })
    .await;
    assert_eq!(server.running.stream_key().await.unwrap(), rotated);
    server.running.stop().await;
}

#[tokio::test]
async fn a_recorded_show_takes_no_rtmp_port_and_has_no_hls() {
    let server = common::server().await;
    assert_eq!(server.running.rtmp_addr, None);
    assert!(server.running.on_air("test").is_none());
    let playback = server.running.playback();
    assert_eq!(playback.url, "/media/stream.mp4");
    assert!(!playback.hls);
    let response = get(server.running.addr, "/hls/test/master.m3u8", "").await;
    assert_eq!(response.status, 404);
    server.running.stop().await;
}

#[tokio::test]
async fn viewers_are_told_when_the_host_goes_on_and_off_air() {
    let server = server_for("live-show.toml").await;
    let (mut socket, welcome) = common::viewer(&server, None).await;
    assert_eq!(welcome.show.on_air, OnAir::Waiting);
    assert_eq!(welcome.show.stream_url, "/hls/live/master.m3u8");
    async fn on_air(socket: &mut common::Socket, wanted: OnAir) {
        common::wait_for(socket, |msg| match msg {
            lapak_protocol::ServerMsg::OnAir { state, .. } if *state == wanted => Some(()),
            _ => None,
        })
        .await
    }

    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    on_air(&mut socket, OnAir::Live).await;
    let first = server.running.packager_pid("live").unwrap();
    publisher.stop().await;
    on_air(&mut socket, OnAir::Paused).await;
    // A viewer joining now is told at once, in its snapshot.
    let (_, later) = common::viewer(&server, None).await;
    assert_eq!(later.show.on_air, OnAir::Paused);
    assert!(server.running.end_show("live").await);
    on_air(&mut socket, OnAir::Ended).await;
    stop(server, &[first]).await;
}

/// What a viewer hears from now on until the show's replay is ready: the
/// `OnAir` states, then the replay (fails after [`PATIENCE`]).
async fn heard_until_replay(
    socket: &mut common::Socket,
) -> (Vec<OnAir>, lapak_protocol::replay::ReplayInfo) {
    use futures::StreamExt;
    use lapak_protocol::ServerMsg;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut states = Vec::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no replay within {PATIENCE:?}; heard {states:?}"))
            .expect("the socket is open")
            .expect("a valid frame");
        let Message::Text(text) = frame else { continue };
        match serde_json::from_str(&text).unwrap() {
            ServerMsg::OnAir { state, .. } => states.push(state),
            ServerMsg::ReplayReady { replay, .. } => return (states, replay),
            _ => {}
        }
    }
}

#[tokio::test]
async fn every_viewer_watching_the_end_hears_it_and_then_the_replay() {
    use reqwest::{Method, StatusCode};

    let (server, _, api, host, publisher) = on_air_with("host@demo.example").await;
    wait_on_air(&server, "live", OnAir::Live).await;
    segments(&server, "live", 2).await;
    let (mut first, welcome) = common::viewer(&server, None).await;
    let (mut second, _) = common::viewer(&server, None).await;
    assert_eq!(welcome.show.on_air, OnAir::Live);

    // The host ends the show through the studio's API.
    let (status, _) = api
        .call(&host, Method::POST, "/api/v1/shows/live/end", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    publisher.stop().await;

    let ((states, replay), (second_states, second_replay)) = tokio::join!(
        heard_until_replay(&mut first),
        heard_until_replay(&mut second)
    );
    assert_eq!(states, [OnAir::Ended], "the end comes before the replay");
    assert_eq!(second_states, [OnAir::Ended]);
    assert_eq!(replay, second_replay);
    assert_eq!(replay.video_url, "/hls/live/replay.m3u8");
    assert_eq!(replay.log_url, "/api/v1/shows/live/replay/log");
    assert!(replay.starts_ms < replay.ends_ms);
    // What a viewer joining now finds in its snapshot is the same replay.
    let (_, later) = common::viewer(&server, None).await;
    assert_eq!(later.show.replay, Some(replay));
    server.running.stop().await;
}

/// The replay's event log as a viewer fetches it.
async fn replay_log(addr: SocketAddr, url: &str) -> Option<lapak_protocol::replay::ReplayLog> {
    let response = get(addr, url, "").await;
    (response.status == 200).then(|| serde_json::from_slice(&response.body).unwrap())
}

#[tokio::test]
async fn an_ended_show_replays_its_recording_with_its_events_in_sync() {
    use common::api::{Api, PASSWORD};
    use lapak_protocol::replay::ReplayIndex;
    use lapak_protocol::ServerMsg;
    use reqwest::{Method, StatusCode};
    use serde_json::json;

    let (server, config, api, host, publisher) = on_air_with("host@demo.example").await;
    let addr = server.running.addr;
    wait_on_air(&server, "live", OnAir::Live).await;
    segments(&server, "live", 3).await;

    // On air: a viewer chats, the host pins the shirt.
    let (mut socket, welcome) = common::viewer(&server, None).await;
    assert_eq!(welcome.show.replay, None);
    common::command(&mut socket, &common::chat_msg("c1", "is it cotton?")).await;
    let (status, pin) = api
        .call(
            &host,
            Method::POST,
            "/api/v1/shows/live/pins",
            Some(json!({"product_id": "drop", "x": 0.3, "y": 0.6})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let pin_at = pin["at"].as_i64().unwrap();
    let (status, body) = api
        .call(&host, Method::GET, "/api/v1/shows/live/replay", None)
        .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("recording"))
    );
    assert!(replay_log(addr, "/api/v1/shows/live/replay/log")
        .await
        .is_none());
    // Segments after the pin, so the pin's frame is in the recording.
    tokio::time::sleep(Duration::from_secs(2)).await;

    assert!(server.running.end_show("live").await);
    publisher.stop().await;
    let info = eventually("the replay to open", || {
        let server = &server;
        async move { common::viewer(server, None).await.1.show.replay }
    })
    .await;
    assert_eq!(info.video_url, "/hls/live/replay.m3u8");
    assert!(info.chat);
    assert!(info.starts_ms < pin_at && pin_at < info.ends_ms);

    // The picture: the recording as on-demand HLS.
    let master = get(addr, &info.video_url, "").await;
    assert_eq!(master.status, 200);
    assert!(
        master.text().contains("src/replay.m3u8"),
        "{}",
        master.text()
    );
    let vod = media_playlist(addr, "/hls/live/src/replay.m3u8")
        .await
        .unwrap();
    assert_eq!(vod.kind, Some(hls::PlaylistKind::Vod));
    assert!(vod.ended && vod.segments.len() >= 3);
    assert_eq!(vod.segments[0].program_date_time, Some(info.starts_ms));

    // Everything else: the events with their programme times.
    let log = replay_log(addr, &info.log_url).await.expect("a log");
    let index = ReplayIndex::build(log.clone(), &welcome.show.gifts);
    // The tags pinned while waiting are up from the start; the host's comes at its frame.
    let up = |at| -> Vec<String> {
        let mut ids: Vec<String> = index
            .at(at)
            .pins
            .into_iter()
            .map(|p| p.product_id)
            .collect();
        ids.sort();
        ids
    };
    // The timeline pins the jar 1.5 s into the show: after the recording's
    // first frame, or before it when the encoder was slow to start.
    let jar_at = log
        .events
        .iter()
        .find_map(|(at, e)| {
            matches!(e, ServerMsg::Pinned { pin, .. } if pin.product_id == "jar").then_some(*at)
        })
        .expect("the timeline's jar is pinned");
    if jar_at > info.starts_ms {
        assert_eq!(up(info.starts_ms), ["shirt"]);
        assert_eq!(up(jar_at - 1), ["shirt"]);
    } else {
        assert_eq!(up(info.starts_ms), ["jar", "shirt"]);
    }
    assert_eq!(up(pin_at - 1), ["jar", "shirt"]);
    assert_eq!(up(pin_at), ["drop", "jar", "shirt"]);
    // The timeline's flash deal on the lamp, shown as it ran.
    assert_eq!(index.at(info.starts_ms).deals[0].product_id, "lamp");
    let chapter = index.chapters.iter().find(|c| c.product_id == "drop");
    assert_eq!(chapter.map(|c| c.at), Some(pin_at));
    let chat_at = log
        .events
        .iter()
        .find_map(|(at, e)| matches!(e, ServerMsg::Chat { .. }).then_some(*at))
        .expect("the chat line is kept");
    assert_eq!(index.at(chat_at).chat[0].text, "is it cotton?");
    assert!(index.at(chat_at - 1).chat.is_empty());

    // A restart keeps the show ended and every event.
    let TestServer { running, dir } = server;
    running.stop().await;
    let running = lapak_server::start(config()).await.unwrap();
    let server = TestServer { running, dir };
    let addr = server.running.addr;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let again = eventually("the replay after a restart", || {
        let server = &server;
        async move { common::viewer(server, None).await.1.show.replay }
    })
    .await;
    assert_eq!(again, info);
    assert_eq!(replay_log(addr, &info.log_url).await, Some(log.clone()));

    // Replay viewers are counted apart from live.
    let (_, body) = api
        .call(&owner, Method::GET, "/api/v1/shows/live/replay", None)
        .await;
    assert_eq!(body["state"], "ready");
    assert!(body["figures"]["views"].as_u64().unwrap() >= 1, "{body}");

    // The brand's controls: hosts may not; trims that leave nothing are refused.
    let choices = json!({"trim_start_s": 1, "trim_end_s": 0, "chat": false});
    let path = "/api/v1/shows/live/replay";
    let (status, _) = api
        .call(&host, Method::PUT, path, Some(choices.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let everything = json!({"trim_start_s": 3600, "trim_end_s": 0, "chat": true});
    let (status, body) = api.call(&owner, Method::PUT, path, Some(everything)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = api.call(&owner, Method::PUT, path, Some(choices)).await;
    assert_eq!(
        (status, body["chat"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let trimmed = common::viewer(&server, None).await.1.show.replay.unwrap();
    assert_eq!(trimmed.starts_ms, info.starts_ms + 1_000);
    assert!(!trimmed.chat);
    let log = replay_log(addr, &trimmed.log_url).await.unwrap();
    assert!(!log
        .events
        .iter()
        .any(|(_, e)| matches!(e, ServerMsg::Chat { .. })));
    assert!(log.events.iter().all(|(at, _)| *at >= trimmed.starts_ms));

    // Removed: gone for good.
    let (status, _) = api.call(&host, Method::DELETE, path, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api.call(&owner, Method::DELETE, path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(common::viewer(&server, None).await.1.show.replay, None);
    assert!(replay_log(addr, &info.log_url).await.is_none());
    assert_eq!(get(addr, &info.video_url, "").await.status, 404);
    let mut db = common::open_db(&common::api::db(&server)).await;
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM show_events")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    stop(server, &[]).await;
}

/// Every URL of `show`'s recording a player finds: the master and replay
/// playlists, the playlists they list and the source folder's, each of these
/// that answers 200, and every segment and init section they list.
async fn listed(addr: SocketAddr, show: &str) -> BTreeSet<String> {
    let mut playlists: Vec<String> = [
        "master",
        "replay",
        "src/live",
        "src/recording",
        "src/replay",
    ]
    .iter()
    .map(|name| format!("/hls/{show}/{name}.m3u8"))
    .collect();
    let mut found = BTreeSet::new();
    while let Some(url) = playlists.pop() {
        let response = get(addr, &url, "").await;
        if response.status != 200 || !found.insert(url.clone()) {
            continue;
        }
        let folder = url.rsplit_once('/').unwrap().0;
        match hls::parse(&response.text()).unwrap() {
            Playlist::Master(master) => playlists.extend(
                master
                    .variants
                    .iter()
                    .map(|variant| format!("{folder}/{}", variant.uri)),
            ),
            Playlist::Media(media) => {
                for segment in media.segments {
                    found.insert(format!("{folder}/{}", segment.uri));
                    if let Some(map) = segment.map {
                        found.insert(format!("{folder}/{}", map.uri));
                    }
                }
            }
        }
    }
    found
}

/// The status each of `urls` answers, with the URLs that answer otherwise
/// than `wanted`.
async fn answering_otherwise(
    addr: SocketAddr,
    urls: &BTreeSet<String>,
    wanted: u16,
) -> Vec<String> {
    let mut otherwise = Vec::new();
    for url in urls {
        let status = get(addr, url, "").await.status;
        if status != wanted {
            otherwise.push(format!("{url}: {status}"));
        }
    }
    otherwise
}

/// Where the packager keeps a source segment the playlists list as `uri`.
fn source_file(server: &TestServer, uri: &str) -> PathBuf {
    let (run, file) = uri.split_once('/').unwrap();
    media_dir(server)
        .join("live")
        .join(run)
        .join("src")
        .join(file)
}

#[tokio::test]
async fn a_trimmed_replay_serves_only_what_it_keeps_and_a_removed_one_nothing() {
    use reqwest::{Method, StatusCode};
    use serde_json::json;

    let (server, config, api, owner, publisher) = on_air_with("owner@demo.example").await;
    let addr = server.running.addr;
    segments(&server, "live", 8).await;
    assert!(server.running.end_show("live").await);
    publisher.stop().await;
    eventually("the replay to open", || {
        let server = &server;
        async move { common::viewer(server, None).await.1.show.replay }
    })
    .await;
    let recording = media_playlist(addr, "/hls/live/src/recording.m3u8")
        .await
        .unwrap();
    let before = listed(addr, "live").await;
    assert!(
        before.contains("/hls/live/src/run-1/init.mp4"),
        "{before:?}"
    );
    assert_eq!(
        answering_otherwise(addr, &before, 200).await,
        [] as [String; 0]
    );

    // Trimmed: what the trims cut off is listed nowhere and served nowhere.
    let path = "/api/v1/shows/live/replay";
    let trims = json!({"trim_start_s": 2, "trim_end_s": 2, "chat": true});
    let (status, body) = api.call(&owner, Method::PUT, path, Some(trims)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let window = (
        body["recording_starts_ms"].as_i64().unwrap() + 2_000,
        body["recording_ends_ms"].as_i64().unwrap() - 2_000,
    );
    let (kept, cut): (Vec<&hls::Segment>, Vec<&hls::Segment>) =
        recording.segments.iter().partition(|segment| {
            let start = segment.program_date_time.unwrap();
            let end = start + (segment.duration * 1000.0).round() as i64;
            start < window.1 && end > window.0
        });
    let (first, last) = (&recording.segments[0], recording.segments.last().unwrap());
    assert!(cut.contains(&first) && cut.contains(&last), "{cut:?}");
    assert!(kept.len() >= 2, "{kept:?}");
    let urls = |segments: &[&hls::Segment]| -> BTreeSet<String> {
        segments
            .iter()
            .map(|s| format!("/hls/live/src/{}", s.uri))
            .collect()
    };
    let cut_urls = urls(&cut);
    let mut kept_urls = urls(&kept);
    kept_urls.insert("/hls/live/src/run-1/init.mp4".into());
    assert_eq!(
        answering_otherwise(addr, &cut_urls, 404).await,
        [] as [String; 0]
    );
    assert_eq!(
        answering_otherwise(addr, &kept_urls, 200).await,
        [] as [String; 0]
    );
    let trimmed = listed(addr, "live").await;
    assert!(trimmed.is_disjoint(&cut_urls), "{trimmed:?}");
    assert!(trimmed.is_superset(&kept_urls), "{trimmed:?}");
    let recorded = media_playlist(addr, "/hls/live/src/recording.m3u8")
        .await
        .unwrap();
    assert_eq!(
        recorded.segments.iter().collect::<Vec<_>>(),
        kept,
        "the recording lists what the replay keeps"
    );
    // On disk, as documented: a trim deletes nothing, so trimming less brings it back.
    assert!(cut.iter().all(|s| source_file(&server, &s.uri).exists()));
    let untrimmed = json!({"trim_start_s": 0, "trim_end_s": 0, "chat": true});
    let (status, _) = api.call(&owner, Method::PUT, path, Some(untrimmed)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answering_otherwise(addr, &before, 200).await,
        [] as [String; 0]
    );

    // Removed: nothing of the recording answers, and its files are gone.
    let (status, _) = api.call(&owner, Method::DELETE, path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        answering_otherwise(addr, &before, 404).await,
        [] as [String; 0]
    );
    assert_eq!(listed(addr, "live").await, BTreeSet::new());
    assert!(!media_dir(&server).join("live").exists());

    // Nor after a restart.
    let TestServer { running, dir } = server;
    running.stop().await;
    let running = lapak_server::start(config()).await.unwrap();
    let server = TestServer { running, dir };
    let addr = server.running.addr;
    assert_eq!(
        answering_otherwise(addr, &before, 404).await,
        [] as [String; 0]
    );
    stop(server, &[]).await;
}

#[tokio::test]
async fn a_replay_removed_on_air_leaves_the_live_show_playing_until_it_ends() {
    use common::api::{team, Api, PASSWORD};
    use reqwest::{Method, StatusCode};

    let server = server_for("live-show.toml").await;
    team(&server).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let addr = server.running.addr;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    let live = segments(&server, "live", 3).await;
    let (mut socket, _) = common::viewer(&server, None).await;
    let path = "/api/v1/shows/live/replay";
    let (status, _) = api.call(&owner, Method::DELETE, path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // The live audience keeps watching: later segments are listed and served.
    let newest = live.segments.last().unwrap().program_date_time;
    eventually("a segment after the removal", || async move {
        media_playlist(addr, "/hls/live/src/live.m3u8")
            .await
            .filter(|p| p.segments.last().unwrap().program_date_time > newest)
    })
    .await;
    let on_air = listed(addr, "live").await;
    assert!(on_air.contains("/hls/live/src/live.m3u8"), "{on_air:?}");
    assert_eq!(
        answering_otherwise(addr, &on_air, 200).await,
        [] as [String; 0]
    );
    common::command(&mut socket, &common::chat_msg("c1", "still live")).await;

    // Once it ends, nothing of it answers, and its files go when its packager is done.
    assert!(server.running.end_show("live").await);
    assert_eq!(
        answering_otherwise(addr, &on_air, 404).await,
        [] as [String; 0]
    );
    publisher.stop().await;
    let media = media_dir(&server).join("live");
    eventually("the recording deleted", || {
        let gone = !media.exists();
        async move { gone.then_some(()) }
    })
    .await;
    assert_eq!(
        answering_otherwise(addr, &on_air, 404).await,
        [] as [String; 0]
    );
    let db = server.db();
    let TestServer { running, dir } = server;
    running.stop().await;
    let mut db = common::open_db(&db).await;
    assert_eq!(
        common::db_count(&mut db, "show_events").await,
        0,
        "no event kept"
    );
    drop(dir);
}

#[tokio::test]
async fn events_the_server_gathered_when_it_stops_are_kept() {
    let server = server_for("live-show.toml").await;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    wait_on_air(&server, "live", OnAir::Live).await;
    let (mut socket, _) = common::viewer(&server, None).await;
    common::command(&mut socket, &common::chat_msg("c1", "kept at the stop")).await;
    // The tick publishes the line; the server stops at once, likely before
    // the log's next write: stopping writes what was gathered.
    common::wait_for(&mut socket, |msg| {
        matches!(msg, lapak_protocol::ServerMsg::Chat { .. }).then_some(())
    })
    .await;
    let db = server.db();
    let TestServer { running, dir } = server;
    running.stop().await;
    publisher.stop().await;
    let mut db = common::open_db(&db).await;
    let rows: Vec<Vec<u8>> = sqlx::query_scalar("SELECT body FROM show_events")
        .fetch_all(&mut db)
        .await
        .unwrap();
    let kept = rows.iter().any(|body| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(&body[..]), &mut text)
            .unwrap();
        text.contains("kept at the stop")
    });
    assert!(kept, "the line is in the log");
    drop(dir);
}

// Low-latency HLS: parts cut by the server, blocking reloads, hinted parts.

/// The live playlist of `show`'s source, with `query`, parsed.
async fn live_media(addr: SocketAddr, query: &str) -> (Response, Option<MediaPlaylist>) {
    let response = get(addr, &format!("/hls/live/src/live.m3u8{query}"), "").await;
    let media = match hls::parse(&response.text()) {
        Ok(Playlist::Media(media)) if response.status == 200 => Some(media),
        _ => None,
    };
    (response, media)
}

/// The part after the last one `media` lists: `(msn, part index)`.
fn next_part(media: &MediaPlaylist) -> (u64, u64) {
    match &media.open_segment {
        Some(open) if !open.parts.is_empty() => (media.next_sequence(), open.parts.len() as u64),
        _ => (media.next_sequence(), 0),
    }
}

/// Whether `media` lists part `part` of segment `msn` (or all of that segment).
fn holds(media: &MediaPlaylist, (msn, part): (u64, u64)) -> bool {
    let open_parts = media.open_segment.as_ref().map_or(0, |s| s.parts.len()) as u64;
    media.next_sequence() > msn || (media.next_sequence() == msn && open_parts > part)
}

#[tokio::test]
async fn low_latency_parts_are_cut_listed_held_for_and_served() {
    let server = server_for("live-show.toml").await;
    let addr = server.running.addr;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    // Four segments, so the three listed with parts are whole ones.
    let live = eventually("a low-latency playlist with parts", || async move {
        live_media(addr, "")
            .await
            .1
            .filter(|p| p.segments.len() >= 4 && p.segments.iter().any(|s| !s.parts.is_empty()))
    })
    .await;
    let text = get(addr, "/hls/live/src/live.m3u8", "").await.text();
    for tag in [
        "#EXT-X-PART-INF:PART-TARGET=",
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES",
        "PART-HOLD-BACK=",
        "CAN-SKIP-UNTIL=",
        "#EXT-X-PART:",
        "#EXT-X-PRELOAD-HINT:TYPE=PART",
    ] {
        assert!(text.contains(tag), "{tag} missing from\n{text}");
    }
    let control = live.server_control.unwrap();
    let part_target = live.part_target.unwrap();
    assert!(control.part_hold_back.unwrap() >= 3.0 * part_target);
    assert!(control.can_skip_until.unwrap() >= 6.0 * live.target_duration as f64);
    // Parts only on the last segments; each starts on a keyframe (one a second).
    let with_parts: Vec<_> = live
        .segments
        .iter()
        .filter(|s| !s.parts.is_empty())
        .collect();
    assert!(with_parts.len() <= 3, "{text}");
    assert!(live.segments[..live.segments.len() - 3]
        .iter()
        .all(|s| s.parts.is_empty()));
    for segment in &with_parts {
        let flags: Vec<bool> = segment.parts.iter().map(|p| p.independent).collect();
        assert!(
            flags[0],
            "a segment starts with an independent part: {flags:?}"
        );
        assert!(
            flags[1..].iter().all(|f| !f),
            "one keyframe a second: {flags:?}"
        );
        assert!(segment.parts.iter().all(|p| p.duration <= part_target));
    }

    // A segment is its parts end to end, and parses as fragments of its run.
    let segment = with_parts[0];
    let whole = get(addr, &format!("/hls/live/src/{}", segment.uri), "").await;
    assert_eq!(whole.status, 200);
    let mut joined = Vec::new();
    for part in &segment.parts {
        let response = get(addr, &format!("/hls/live/src/{}", part.uri), "").await;
        assert_eq!(response.status, 200, "{}", part.uri);
        assert_eq!(response.header("content-type"), Some("video/iso.segment"));
        joined.extend_from_slice(&response.body);
    }
    assert!(joined == whole.body, "{} is not its parts", segment.uri);
    let init = get(addr, "/hls/live/src/run-1/init.mp4", "").await.body;
    let track = hls::fmp4::video_track(&init).expect("a video track");
    let fragment = hls::fmp4::fragment(&whole.body, &track).expect("a fragment");
    assert!(fragment.independent);

    // A blocking reload for the next part answers with a playlist that holds it.
    let (_, Some(now)) = live_media(addr, "").await else {
        panic!("no playlist");
    };
    let wanted = next_part(&now);
    assert!(!holds(&now, wanted));
    let query = format!("?_HLS_msn={}&_HLS_part={}", wanted.0, wanted.1);
    let (response, blocked) = live_media(addr, &query).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(holds(&blocked.unwrap(), wanted), "{query}");
    assert_eq!(response.header("cache-control"), Some("public, max-age=6"));
    // And for the next whole segment.
    let query = format!("?_HLS_msn={}", wanted.0);
    let (response, blocked) = live_media(addr, &query).await;
    assert_eq!(response.status, 200);
    assert!(blocked.unwrap().next_sequence() > wanted.0);

    // The hinted part is held until it is cut, then served whole.
    let (_, Some(now)) = live_media(addr, "").await else {
        panic!("no playlist");
    };
    let hint = now.preload_hint.clone().expect("a preload hint");
    let held = get(addr, &format!("/hls/live/src/{}", hint.uri), "").await;
    assert_eq!(held.status, 200, "{}", hint.uri);
    assert_eq!(&held.body[4..8], b"moof");
    let again = get(addr, &format!("/hls/live/src/{}", hint.uri), "").await;
    assert!(again.body == held.body);
    let listed = eventually("the hinted part listed", || {
        let uri = hint.uri.clone();
        async move {
            live_media(addr, "").await.1.filter(|p| {
                p.segments
                    .iter()
                    .chain(&p.open_segment)
                    .any(|s| s.parts.iter().any(|part| part.uri == uri))
            })
        }
    })
    .await;
    assert!(listed.preload_hint.unwrap().uri != hint.uri);

    // Requests the rules refuse.
    let (_, Some(now)) = live_media(addr, "").await else {
        panic!("no playlist");
    };
    let far = now.next_sequence() + 5;
    for (query, why) in [
        ("?_HLS_part=1".to_owned(), "_HLS_part"),
        ("?_HLS_msn=abc".to_owned(), "_HLS_msn"),
        ("?_HLS_msn=1&_HLS_part=-1".to_owned(), "_HLS_part"),
        ("?_HLS_skip=maybe".to_owned(), "_HLS_skip"),
        (format!("?_HLS_msn={far}"), "beyond"),
    ] {
        let response = get(addr, &format!("/hls/live/src/live.m3u8{query}"), "").await;
        assert_eq!(response.status, 400, "{query}");
        assert!(
            response.text().contains(why),
            "{query}: {}",
            response.text()
        );
    }
    // A part far beyond the next is not held.
    let far_part = get(addr, "/hls/live/src/run-1/part-999999.m4s", "").await;
    assert_eq!(far_part.status, 404);

    // A delta update leaves out the older segments; the rest is the full
    // playlist's tail (taken from the same render: retried if one came between).
    let (full, delta) = eventually("a delta update and its full playlist", || async move {
        // More than CAN-SKIP-UNTIL (six seconds) listed, so some can be skipped.
        let full = live_media(addr, "")
            .await
            .1
            .filter(|p| p.segments.len() >= 8)?;
        let delta = live_media(addr, "?_HLS_skip=YES").await.1?;
        (delta.next_sequence() == full.next_sequence() && delta.open_segment == full.open_segment)
            .then_some((full, delta))
    })
    .await;
    assert!(delta.skipped_segments > 0, "nothing skipped");
    assert_eq!(delta.media_sequence, full.media_sequence);
    let tail = &full.segments[delta.skipped_segments as usize..];
    let uris = |s: &[hls::Segment]| s.iter().map(|s| s.uri.clone()).collect::<Vec<_>>();
    assert_eq!(uris(&delta.segments), uris(tail));
    let skipped: f64 = full.segments[..delta.skipped_segments as usize]
        .iter()
        .map(|s| s.duration)
        .sum();
    let kept: f64 = tail.iter().map(|s| s.duration).sum();
    assert!(skipped > 0.0 && kept >= full.server_control.unwrap().can_skip_until.unwrap());

    // A killed packager: the next run follows a discontinuity, with its own parts.
    let first = server.running.packager_pid("live").unwrap();
    // SAFETY: signalling a child process of this server by its pid.
    assert_eq!(unsafe { libc::kill(first as i32, libc::SIGKILL) }, 0);
    let after = eventually("the second run's parts", || async move {
        live_media(addr, "").await.1.filter(|p| {
            p.segments
                .iter()
                .chain(&p.open_segment)
                .any(|s| s.parts.iter().any(|part| part.uri.starts_with("run-2/")))
        })
    })
    .await;
    let joined = after
        .segments
        .iter()
        .chain(&after.open_segment)
        .find(|s| s.map.as_ref().is_some_and(|m| m.uri == "run-2/init.mp4"))
        .expect("the second run listed");
    assert!(joined.discontinuity);
    assert!(after.preload_hint.unwrap().uri.starts_with("run-2/part-"));
    let second = server.running.packager_pid("live").unwrap();

    // Once the encoder is gone nothing new comes: a held reload answers 503.
    publisher.stop().await;
    wait_on_air(&server, "live", OnAir::Paused).await;
    let (_, Some(now)) = live_media(addr, "").await else {
        panic!("no playlist");
    };
    let query = format!("?_HLS_msn={}", now.next_sequence() + 1);
    let (response, _) = live_media(addr, &query).await;
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    stop(server, &[first, second]).await;
}

#[tokio::test]
async fn low_latency_off_serves_ordinary_hls() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/live-show.toml");
    let show = dir.path().join("ordinary.toml");
    let text = std::fs::read_to_string(fixture).unwrap();
    std::fs::write(&show, format!("{text}low_latency = false\n")).unwrap();
    let server = common::server_with(|c| c.show = vec![show]).await;
    let addr = server.running.addr;
    let key = server.running.stream_key().await.unwrap();
    let publisher = Publisher::start(rtmp(&server), &key);
    let live = segments(&server, "live", 3).await;
    let next = live.next_sequence();
    // A blocking query is not offered, so it is answered at once.
    let response = get(
        addr,
        &format!("/hls/live/src/live.m3u8?_HLS_msn={next}"),
        "",
    )
    .await;
    assert_eq!(response.status, 200);
    let text = response.text();
    for tag in [
        "#EXT-X-PART",
        "#EXT-X-SERVER-CONTROL",
        "#EXT-X-PRELOAD-HINT",
    ] {
        assert!(!text.contains(tag), "{tag} in\n{text}");
    }
    assert!(text.contains("#EXTINF:"), "{text}");
    let pid = server.running.packager_pid("live").unwrap();
    publisher.stop().await;
    stop(server, &[pid]).await;
}
