//! The real server on 127.0.0.1:0, spoken to over real WebSockets.
mod common;

use common::*;
use lapak_protocol::{ClientMsg, Money, RejectCode, ServerMsg, MAX_FRAME_BYTES};
use sqlx::Row;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn hello_gets_a_welcome_snapshot() {
    let server = server().await;
    let (_socket, welcome) = viewer(&server, None).await;
    assert_eq!(welcome.protocol, 1);
    assert_eq!(welcome.session.token.len(), 32);
    assert!(welcome.session.token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(welcome.show.currency, "IDR");
    assert_eq!(welcome.show.host.name, "Tester");
    let shirt = &welcome.show.products[0];
    assert_eq!(
        shirt.price,
        Money {
            minor: 18_900_000,
            currency: "IDR".into()
        }
    );
    assert_eq!(
        shirt.variants.iter().map(|v| v.stock).collect::<Vec<_>>(),
        [10, 2]
    );
    assert_eq!(
        welcome.show.tags_now().len(),
        1,
        "the pin at 0 ms is up for a viewer joining now"
    );
    assert_eq!(welcome.show.tags_now()[0].product_id, "shirt");
    assert_eq!(welcome.show.featured, ["shirt"]);
    assert!(welcome.cart.lines.is_empty());
    assert!(welcome.show.viewers >= 1);
    server.running.stop().await;
}

#[tokio::test]
async fn add_to_cart_is_acked_and_written_to_the_sqlite_file() {
    let server = server().await;
    let (mut socket, welcome) = viewer(&server, None).await;
    let cart = acked(&mut socket, &add("c-1", "shirt", "m", 2)).await;
    assert_eq!(quantities(&cart), [("shirt".into(), "m".into(), 2)]);
    assert_eq!(
        cart.lines[0].unit_price.minor, 18_900_000,
        "the server's price, not the viewer's"
    );

    // A separate connection to the file sees the committed row.
    let mut conn = open_db(&server.db()).await;
    let row = sqlx::query(
        "SELECT l.quantity, l.unit_price_minor FROM cart_lines l JOIN sessions s ON s.id = l.session_id
         WHERE s.token = $1 AND l.product_id = 'shirt' AND l.variant_id = 'm'",
    )
    .bind(&welcome.session.token)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        (row.get::<i64, _>(0), row.get::<i64, _>(1)),
        (2, 18_900_000)
    );
    server.running.stop().await;
}

#[tokio::test]
async fn refusals_carry_their_code_and_change_nothing() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    acked(&mut socket, &add("ok", "jar", "default", 2)).await;

    for (cmd, code) in [
        (add("r1", "jar", "default", 1), RejectCode::OutOfStock),
        (add("r2", "shirt", "m", 6), RejectCode::QuantityLimit),
        (add("r3", "shirt", "m", 0), RejectCode::QuantityLimit),
        (add("r4", "hat", "default", 1), RejectCode::UnknownProduct),
        (add("r5", "shirt", "xxl", 1), RejectCode::UnknownVariant),
        (
            ClientMsg::SetQuantity {
                id: "r6".into(),
                product_id: "shirt".into(),
                variant_id: "xl".into(),
                quantity: 3,
            },
            RejectCode::OutOfStock,
        ),
    ] {
        send(&mut socket, &cmd).await;
        match recv(&mut socket).await {
            ServerMsg::Reject { id, code: got, .. } => {
                assert_eq!((id.as_str(), got), (cmd.id().unwrap(), code), "{cmd:?}")
            }
            other => panic!("{cmd:?} → {other:?}"),
        }
    }
    let cart = acked(&mut socket, &add("after", "shirt", "m", 1)).await;
    assert_eq!(
        quantities(&cart),
        [
            ("jar".into(), "default".into(), 2),
            ("shirt".into(), "m".into(), 1)
        ]
    );
    server.running.stop().await;
}

#[tokio::test]
async fn a_repeated_command_id_is_applied_once() {
    let server = server().await;
    let (mut socket, welcome) = viewer(&server, None).await;
    let first = acked(&mut socket, &add("same-id", "shirt", "m", 1)).await;
    let second = acked(&mut socket, &add("same-id", "shirt", "m", 1)).await;
    assert_eq!(quantities(&first), [("shirt".into(), "m".into(), 1)]);
    assert_eq!(first, second, "the same answer again");

    // Also across a reconnect (a resend after the connection dropped).
    drop(socket);
    let (mut socket, again) = viewer(&server, Some(&welcome.session.token)).await;
    assert_eq!(quantities(&again.cart), [("shirt".into(), "m".into(), 1)]);
    let third = acked(&mut socket, &add("same-id", "shirt", "m", 1)).await;
    assert_eq!(quantities(&third), [("shirt".into(), "m".into(), 1)]);
    server.running.stop().await;
}

#[tokio::test]
async fn malformed_frames_get_bad_request_and_the_connection_stays_usable() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    for (text, id) in [
        ("{not json", ""),
        (r#"{"type":"AddToCart","id":"half"}"#, "half"),
        (r#"{"type":"Teleport","id":"t"}"#, "t"),
        (
            r#"{"type":"AddToCart","id":"neg","product_id":"shirt","variant_id":"m","quantity":-1}"#,
            "neg",
        ),
    ] {
        send_text(&mut socket, text).await;
        match recv(&mut socket).await {
            ServerMsg::Reject {
                id: got,
                code: RejectCode::BadRequest,
                ..
            } => assert_eq!(got, id, "{text}"),
            other => panic!("{text} → {other:?}"),
        }
    }
    let long_id = "x".repeat(65);
    send(&mut socket, &add(&long_id, "shirt", "m", 1)).await;
    assert!(matches!(
        recv(&mut socket).await,
        ServerMsg::Reject {
            code: RejectCode::BadRequest,
            ..
        }
    ));
    acked(&mut socket, &add("still-works", "shirt", "m", 1)).await;
    server.running.stop().await;
}

#[tokio::test]
async fn commands_before_hello_are_out_of_sequence() {
    let server = server().await;
    let mut socket = connect(&server.url()).await;
    send(&mut socket, &add("early", "shirt", "m", 1)).await;
    assert!(
        matches!(recv(&mut socket).await, ServerMsg::Reject { code: RejectCode::BadSequence, id, .. } if id == "early")
    );
    let welcome = hello(&mut socket, None).await;
    assert!(
        welcome.cart.lines.is_empty(),
        "the early command was not applied"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn another_protocol_version_is_refused_and_closed() {
    let server = server().await;
    let mut socket = connect(&server.url()).await;
    send(
        &mut socket,
        &ClientMsg::Hello {
            protocol: 99,
            token: None,
            show: None,
            resume: None,
        },
    )
    .await;
    assert!(matches!(
        recv(&mut socket).await,
        ServerMsg::Reject {
            code: RejectCode::UnsupportedProtocol,
            ..
        }
    ));
    assert!(
        matches!(next_frame(&mut socket).await, Message::Close(Some(frame)) if frame.code == CloseCode::Protocol)
    );
    server.running.stop().await;
}

#[tokio::test]
async fn an_oversized_frame_closes_the_socket_with_1009() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    send_text(&mut socket, &" ".repeat(MAX_FRAME_BYTES + 1)).await;
    loop {
        match next_frame(&mut socket).await {
            Message::Close(Some(frame)) => {
                assert_eq!(frame.code, CloseCode::Size);
                assert_eq!(frame.reason.as_str(), "frame exceeds 64 KiB");
                break;
            }
            Message::Text(_) => continue, // viewer counts
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
    server.running.stop().await;
}

#[tokio::test]
async fn a_viewer_never_sees_or_touches_another_viewers_cart() {
    let server = server().await;
    let (mut alice, alice_welcome) = viewer(&server, None).await;
    acked(&mut alice, &add("a1", "shirt", "m", 2)).await;

    let (mut bob, bob_welcome) = viewer(&server, None).await;
    assert_ne!(bob_welcome.session.token, alice_welcome.session.token);
    assert!(
        bob_welcome.cart.lines.is_empty(),
        "Bob does not see Alice's cart"
    );
    // Bob's commands act on Bob's cart only, even with Alice's command id.
    let bob_cart = acked(&mut bob, &add("a1", "jar", "default", 1)).await;
    assert_eq!(quantities(&bob_cart), [("jar".into(), "default".into(), 1)]);

    // A forged token is a new, empty session.
    let forged = "0".repeat(32);
    let (_eve, eve_welcome) = viewer(&server, Some(&forged)).await;
    assert!(eve_welcome.cart.lines.is_empty());
    assert_ne!(eve_welcome.session.token, forged);

    // Alice's cart is as she left it.
    drop(alice);
    let (_alice, again) = viewer(&server, Some(&alice_welcome.session.token)).await;
    assert_eq!(quantities(&again.cart), [("shirt".into(), "m".into(), 2)]);
    server.running.stop().await;
}

#[tokio::test]
async fn a_second_tab_of_the_same_viewer_hears_of_cart_changes() {
    let server = server().await;
    let (mut tab1, welcome) = viewer(&server, None).await;
    let (mut tab2, _) = viewer(&server, Some(&welcome.session.token)).await;
    let cart = acked(&mut tab1, &add("t1", "shirt", "xl", 1)).await;
    match recv(&mut tab2).await {
        ServerMsg::CartChanged { cart: seen } => assert_eq!(seen, cart),
        other => panic!("tab 2 got {other:?}"),
    }
    server.running.stop().await;
}

#[tokio::test]
async fn carts_and_the_show_clock_survive_a_restart() {
    let server = server().await;
    let (mut socket, welcome) = viewer(&server, None).await;
    acked(&mut socket, &add("r", "shirt", "m", 3)).await;
    let pinned_at = welcome.show.tags_now()[0].at;
    drop(socket);
    let server = restart(server).await;
    let mut socket = connect(&server.url()).await;
    let again = hello(&mut socket, Some(&welcome.session.token)).await;
    assert_eq!(quantities(&again.cart), [("shirt".into(), "m".into(), 3)]);
    assert_ne!(
        again.epoch, welcome.epoch,
        "a new process is a new event history"
    );
    assert_eq!(
        again.show.tags_now()[0].at,
        pinned_at,
        "the show did not start over"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn the_timeline_pins_products_as_the_show_runs() {
    let server = server().await;
    let (mut socket, welcome) = viewer(&server, None).await;
    let first = welcome.show.tags_now();
    assert_eq!(first.len(), 1, "the second pin is 1.5 s into the show");
    assert_eq!(
        welcome.show.tag_log.len(),
        1,
        "the first pin is within the log's reach"
    );
    match recv(&mut socket).await {
        ServerMsg::Pinned { seq, pin } => {
            assert!(seq > welcome.seq);
            assert_eq!(pin.product_id, "jar");
            assert_eq!((pin.x, pin.y), (0.3, 0.7));
            assert_eq!(pin.at - first[0].at, 1_500, "on the programme clock");
        }
        other => panic!("expected Pinned, got {other:?}"),
    }
    server.running.stop().await;
}

#[tokio::test]
async fn media_and_health_are_served_over_http() {
    let server = server().await;
    let mut stream = tokio::net::TcpStream::connect(server.running.addr)
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"));
    server.running.stop().await;
}
