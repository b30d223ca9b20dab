//! The embed demo pages are served with the strict Content-Security-Policy.
mod common;

use common::server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn demo_pages_carry_the_strict_policy_and_the_widget() {
    let server = server().await;
    for path in ["/embed-demo", "/embed-hostile"] {
        let response = get(server.running.addr, path).await;
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        let policy = head
            .lines()
            .find_map(|l| l.strip_prefix("content-security-policy: "))
            .unwrap_or_else(|| panic!("{path} has no CSP: {head}"));
        assert_eq!(policy, lapak_server::EMBED_CSP);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(
            body.contains("<lapak-live") && body.contains("/embed.js"),
            "{path}"
        );
        assert!(
            !body.contains("style=") && !body.contains("<script>"),
            "{path}: nothing inline"
        );
    }
    server.running.stop().await;
}
