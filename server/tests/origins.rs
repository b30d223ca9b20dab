//! Who may open the socket. With `allowed_origins` in the show file, a page of
//! a listed origin or of the server itself connects; another origin, or a
//! request without `Origin`, gets 403 and no socket, and the refusal is
//! logged. Without a list, anyone connects.
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::Error;

const SHOP: &str = "https://shop.example";

/// A copy of the test show that lists `origins`, in `dir`.
fn show_listing(dir: &Path, origins: &[&str]) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-show.toml");
    let show = std::fs::read_to_string(fixture).unwrap();
    let list = format!("allowed_origins = {origins:?}\n");
    let path = dir.join("show.toml");
    // Top-level keys come before the first table, so the list goes first.
    std::fs::write(&path, list + &show).unwrap();
    path
}

/// A server whose show file lists `origins`.
async fn server_listing(origins: &[&str]) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let show = show_listing(dir.path(), origins);
    server_with(|c| c.show = vec![show]).await
}

/// Opens the socket as a page of `origin` would (or a program, with `None`):
/// the socket, or the HTTP status it was refused with.
async fn open(url: &str, origin: Option<&str>) -> Result<Socket, StatusCode> {
    let mut request = url.into_client_request().unwrap();
    if let Some(origin) = origin {
        let origin = HeaderValue::from_str(origin).unwrap();
        request.headers_mut().insert("Origin", origin);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(Error::Http(response)) => Err(response.status()),
        Err(other) => panic!("neither a socket nor an HTTP refusal: {other}"),
    }
}

/// Opens the socket and checks that the viewer is welcomed.
async fn welcomed(url: &str, origin: Option<&str>) {
    let mut socket = open(url, origin)
        .await
        .unwrap_or_else(|status| panic!("{origin:?} refused with {status}"));
    hello(&mut socket, None).await;
}

#[tokio::test]
async fn a_listed_origin_connects_and_is_welcomed() {
    let server = server_listing(&[SHOP, "https://other.example"]).await;
    welcomed(&server.url(), Some(SHOP)).await;
    welcomed(&server.url(), Some("https://OTHER.example:443")).await;
    server.running.stop().await;
}

#[tokio::test]
async fn another_origin_gets_403_and_no_socket() {
    let server = server_listing(&[SHOP]).await;
    for origin in [
        "https://evil.example",
        "http://shop.example",
        "https://shop.example.evil",
        "null",
    ] {
        let refused = open(&server.url(), Some(origin)).await.err();
        assert_eq!(refused, Some(StatusCode::FORBIDDEN), "{origin}");
    }
    server.running.stop().await;
}

#[tokio::test]
async fn a_request_without_origin_is_refused_when_the_show_has_a_list() {
    let server = server_listing(&[SHOP]).await;
    let refused = open(&server.url(), None).await.err();
    assert_eq!(refused, Some(StatusCode::FORBIDDEN));
    server.running.stop().await;
}

#[tokio::test]
async fn the_servers_own_pages_connect_whatever_the_list() {
    let server = server_listing(&[SHOP]).await;
    let own = format!("http://{}", server.running.addr);
    welcomed(&server.url(), Some(&own)).await;
    server.running.stop().await;
}

#[tokio::test]
async fn without_a_list_any_origin_or_none_connects() {
    let server = server_listing(&[]).await;
    welcomed(&server.url(), Some("https://anyone.example")).await;
    welcomed(&server.url(), None).await;
    server.running.stop().await;
}

#[tokio::test]
async fn the_flag_replaces_the_show_files_list() {
    let dir = tempfile::tempdir().unwrap();
    let show = show_listing(dir.path(), &[SHOP]);
    let server = server_with(|c| {
        c.show = vec![show];
        c.allowed_origins = vec!["https://staging.example".into()];
    })
    .await;
    welcomed(&server.url(), Some("https://staging.example")).await;
    let refused = open(&server.url(), Some(SHOP)).await.err();
    assert_eq!(refused, Some(StatusCode::FORBIDDEN));
    server.running.stop().await;
}

#[tokio::test]
async fn a_refusal_is_logged_with_the_origin_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().join("lapak.db"));
    config.allowed_origins = vec![SHOP.into()];
    let binary = Path::new(env!("CARGO_BIN_EXE_lapak-server"));
    let mut server = Process::start(binary, &config, Stdio::piped());
    let stderr = server.child.stderr.take().unwrap();
    let (lines, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let long = format!("https://{}.example", "a".repeat(500));
    let refused = open(&server.url, Some(&long)).await.err();
    assert_eq!(refused, Some(StatusCode::FORBIDDEN));
    let line = std::iter::from_fn(|| log.recv_timeout(Duration::from_secs(10)).ok())
        .find(|line| line.contains("socket refused"))
        .expect("the refusal is logged");
    assert!(line.contains("WARN"), "{line}");
    // 80 characters of it: the scheme and 72 of the `a`s.
    assert!(line.contains(&"a".repeat(72)), "{line}");
    assert!(!line.contains(&"a".repeat(73)), "{line}");
}

#[tokio::test]
async fn a_mistyped_origin_stops_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().join("lapak.db"));
    config.show = vec![show_listing(dir.path(), &["https://shop.example/"])];
    let error = lapak_server::start(config)
        .await
        .err()
        .expect("not started");
    assert!(error.to_string().contains("allowed_origins"), "{error}");
}
