//! What an outside audit tried as an attacker, against the real server over
//! real WebSockets: every frame counts against the rate limit whatever its
//! kind, binary and oversized frames close the socket with a proper code, the
//! close handshake is answered, and nothing a sender makes up is stored or
//! echoed at length.
mod common;

use std::time::Duration;

use common::*;
use futures::{SinkExt, StreamExt};
use lapak_protocol::{RejectCode, ServerMsg, MAX_KEY_LEN};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

/// The close frame that ends `socket`, skipping the text frames before it.
async fn close_code(socket: &mut Socket) -> CloseCode {
    loop {
        match next_frame(socket).await {
            Message::Close(Some(frame)) => return frame.code,
            Message::Close(None) => panic!("a close frame without a code"),
            Message::Text(_) | Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_binary_frame_closes_the_socket_with_1003() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    socket
        .send(Message::Binary(vec![0u8; 1024].into()))
        .await
        .unwrap();
    assert_eq!(close_code(&mut socket).await, CloseCode::Unsupported);
    server.running.stop().await;
}

#[tokio::test]
async fn a_frame_over_the_hard_limit_closes_the_socket_with_1009() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    // Over the 1 MiB the socket reads at all: the library refuses it unread.
    let huge = format!(r#"{{"type":"Ping","pad":"{}"}}"#, "x".repeat(2 << 20));
    send_text(&mut socket, &huge).await;
    assert_eq!(close_code(&mut socket).await, CloseCode::Size);
    server.running.stop().await;
}

#[tokio::test]
async fn ping_frames_count_against_the_rate_limit_like_any_other() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    // The default burst is 40 frames: 40 WebSocket pings spend it.
    for _ in 0..40 {
        socket.send(Message::Ping(vec![1].into())).await.unwrap();
    }
    send_text(&mut socket, r#"{"type":"AddToCart","id":"after-pings","product_id":"shirt","variant_id":"m","quantity":1}"#).await;
    match recv(&mut socket).await {
        ServerMsg::Reject { id, code, .. } => {
            assert_eq!(
                (id.as_str(), code),
                ("after-pings", RejectCode::RateLimited)
            );
        }
        other => panic!("expected rate_limited, got {other:?}"),
    }
    server.running.stop().await;
}

#[tokio::test]
async fn the_close_handshake_is_answered() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    socket.close(None).await.unwrap();
    // The server's close frame arrives; tungstenite then ends the stream cleanly.
    let mut answered = false;
    while let Ok(Some(frame)) = tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
        match frame {
            Ok(Message::Close(_)) => answered = true,
            Ok(_) => continue,
            Err(error) => panic!("the connection broke instead of closing: {error}"),
        }
    }
    assert!(answered, "no close frame came back");
    server.running.stop().await;
}

#[tokio::test]
async fn refused_commands_naming_huge_ids_store_nothing_and_echo_nothing() {
    // A relaxed rate limit, as the audit ran it: the bound must hold without it.
    let server = server_with(|c| {
        c.rate_burst = 10_000;
        c.rate_per_second = 10_000;
    })
    .await;
    let (mut socket, _) = viewer(&server, None).await;
    let db_path = server.db();
    let size = || {
        let wal = db_path.with_extension("db-wal");
        std::fs::metadata(&db_path).map_or(0, |m| m.len())
            + std::fs::metadata(wal).map_or(0, |m| m.len())
    };
    let before = size();
    // The audit's frame: an AddToCart naming a 60,000-character product.
    let product = "p".repeat(60_000);
    for i in 0..39 {
        let id = format!("big-{i}");
        let frame = add(&id, &product, "m", 1);
        send(&mut socket, &frame).await;
        match recv(&mut socket).await {
            ServerMsg::Reject { code, message, .. } => {
                assert_eq!(code, RejectCode::BadRequest);
                assert!(message.len() < 200, "echoed: {} bytes", message.len());
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // A made-up frame type 60,000 characters long: the parse error does not quote it back.
    send_text(&mut socket, &format!(r#"{{"type":"{product}","id":"t"}}"#)).await;
    match recv(&mut socket).await {
        ServerMsg::Reject { code, message, .. } => {
            assert_eq!(code, RejectCode::BadRequest);
            assert!(message.len() < 200, "echoed: {} bytes", message.len());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Ordinary refusals (an unknown product of allowed length) are not stored either.
    let unknown = "u".repeat(MAX_KEY_LEN);
    assert_eq!(
        refused(&command(&mut socket, &add("u-1", &unknown, "m", 1)).await),
        RejectCode::UnknownProduct
    );
    let mut db = open_db(&server.db()).await;
    assert_eq!(db_count(&mut db, "processed_commands").await, 0);
    let grown = size().saturating_sub(before);
    assert!(grown < 64 * 1024, "the database grew by {grown} bytes");
    server.running.stop().await;
}
