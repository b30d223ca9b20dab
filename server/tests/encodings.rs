//! The socket's two encodings against the real server on 127.0.0.1:0: a
//! socket that asks for `lapak.v1.bin` gets MessagePack binary frames carrying
//! the same messages a JSON socket gets, and every limit holds for binary
//! frames as for text.
mod common;

use common::*;
use futures::SinkExt;
use lapak_protocol::encoding::{self, BINARY_PROTOCOL};
use lapak_protocol::{ClientMsg, RejectCode, ServerMsg, Welcome, PROTOCOL_VERSION};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

/// A socket that asked for MessagePack, which the server agreed to.
async fn connect_binary(url: &str) -> Socket {
    let mut request = url.into_client_request().unwrap();
    let protocol = BINARY_PROTOCOL.parse().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocol);
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        BINARY_PROTOCOL
    );
    socket
}

async fn send_binary(socket: &mut Socket, msg: &ClientMsg) {
    let frame = Message::Binary(encoding::to_msgpack(msg).into());
    socket.send(frame).await.unwrap();
}

/// Waits until a message for which `pick` returns `Some` arrives; every frame
/// before it must be binary too.
async fn wait_binary<T>(socket: &mut Socket, mut pick: impl FnMut(&ServerMsg) -> Option<T>) -> T {
    loop {
        let msg = match next_frame(socket).await {
            Message::Binary(bytes) => ServerMsg::from_msgpack(&bytes).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a binary frame, got {other:?}"),
        };
        if let Some(found) = pick(&msg) {
            return found;
        }
    }
}

/// The binary socket's answer to command `id`.
async fn answer_binary(socket: &mut Socket, id: &str) -> ServerMsg {
    wait_binary(socket, |msg| match msg {
        ServerMsg::Ack { id: got, .. } | ServerMsg::Reject { id: got, .. } if got == id => {
            Some(msg.clone())
        }
        _ => None,
    })
    .await
}

async fn binary_viewer(server: &TestServer) -> (Socket, Welcome) {
    let mut socket = connect_binary(&server.url()).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: None,
        show: None,
        resume: None,
    };
    send_binary(&mut socket, &hello).await;
    let welcome = wait_binary(&mut socket, |msg| match msg {
        ServerMsg::Welcome(welcome) => Some((**welcome).clone()),
        _ => None,
    })
    .await;
    (socket, welcome)
}

/// The close frame that ends `socket`, with its reason.
async fn closed(socket: &mut Socket) -> (CloseCode, String) {
    loop {
        if let Message::Close(Some(frame)) = next_frame(socket).await {
            return (frame.code, frame.reason.to_string());
        }
    }
}

#[tokio::test]
async fn both_encodings_carry_the_same_messages() {
    let server = server().await;
    let (mut text, text_welcome) = viewer(&server, None).await;
    let (mut binary, binary_welcome) = binary_viewer(&server).await;
    // The same show, bar the viewer count the second join changed.
    let unseen = |welcome: &Welcome| {
        let mut show = welcome.show.clone();
        show.viewers = 0;
        show
    };
    assert_eq!(unseen(&binary_welcome), unseen(&text_welcome));

    send_binary(&mut binary, &chat_msg("b-chat", "halo semua")).await;
    let ServerMsg::Ack {
        chat: Some(line), ..
    } = answer_binary(&mut binary, "b-chat").await
    else {
        panic!("the chat line is acked with the line");
    };
    let like = ClientMsg::Like {
        id: "b-like".into(),
        count: 3,
    };
    send_binary(&mut binary, &like).await;
    answer_binary(&mut binary, "b-like").await;
    // The show's events, published once, reach both sockets alike.
    let chat = |msg: &ServerMsg| match msg {
        ServerMsg::Chat { messages, .. } if messages.contains(&line) => Some(msg.clone()),
        _ => None,
    };
    let likes =
        |msg: &ServerMsg| matches!(msg, ServerMsg::Likes { total: 3, .. }).then(|| msg.clone());
    assert_eq!(
        wait_binary(&mut binary, chat).await,
        wait_for(&mut text, chat).await
    );
    assert_eq!(
        wait_binary(&mut binary, likes).await,
        wait_for(&mut text, likes).await
    );

    // A JSON text frame is read on a binary socket too, and answered in binary.
    send(&mut binary, &add("t-add", "shirt", "m", 1)).await;
    let ServerMsg::Ack {
        cart: Some(cart), ..
    } = answer_binary(&mut binary, "t-add").await
    else {
        panic!("the add is acked with the cart");
    };
    assert_eq!(quantities(&cart), [("shirt".into(), "m".into(), 1)]);
    server.running.stop().await;
}

#[tokio::test]
async fn an_oversized_binary_frame_closes_the_socket_with_1009() {
    let server = server().await;
    let (mut socket, _) = binary_viewer(&server).await;
    // Over the 64 KiB limit, under the 1 MiB the library refuses unread.
    let pad = "x".repeat(100 * 1024);
    let frame = encoding::to_msgpack(&serde_json::json!({"type": "Ping", "pad": pad}));
    socket.send(Message::Binary(frame.into())).await.unwrap();
    assert_eq!(
        closed(&mut socket).await,
        (CloseCode::Size, "frame exceeds 64 KiB".into())
    );
    server.running.stop().await;
}

#[tokio::test]
async fn a_malformed_binary_frame_is_refused_with_a_clear_error_and_changes_nothing() {
    let server = server().await;
    let (mut socket, _) = binary_viewer(&server).await;
    let wrong = serde_json::json!({
        "type": "AddToCart", "id": "bad-add", "product_id": "shirt", "variant_id": "m", "quantity": "two"
    });
    let frame = encoding::to_msgpack(&wrong);
    socket.send(Message::Binary(frame.into())).await.unwrap();
    match answer_binary(&mut socket, "bad-add").await {
        ServerMsg::Reject { code, message, .. } => {
            assert_eq!(code, RejectCode::BadRequest);
            assert!(message.contains("two"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Not MessagePack at all: refused without an id.
    socket
        .send(Message::Binary(vec![0xc1].into()))
        .await
        .unwrap();
    match answer_binary(&mut socket, "").await {
        ServerMsg::Reject { code, message, .. } => {
            assert_eq!(code, RejectCode::BadRequest);
            assert!(!message.is_empty());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Nothing was added: the next add is the cart's first unit.
    send_binary(&mut socket, &add("good-add", "shirt", "m", 1)).await;
    let ServerMsg::Ack {
        cart: Some(cart), ..
    } = answer_binary(&mut socket, "good-add").await
    else {
        panic!("the add is acked with the cart");
    };
    assert_eq!(quantities(&cart), [("shirt".into(), "m".into(), 1)]);
    server.running.stop().await;
}

#[tokio::test]
async fn binary_frames_count_against_the_rate_limit() {
    let server = server().await;
    let (mut socket, _) = binary_viewer(&server).await;
    // The default burst is 40 frames, and the hello spent one.
    for _ in 0..45 {
        send_binary(&mut socket, &ClientMsg::Ping).await;
    }
    send_binary(&mut socket, &add("after-pings", "shirt", "m", 1)).await;
    match answer_binary(&mut socket, "after-pings").await {
        ServerMsg::Reject { code, .. } => assert_eq!(code, RejectCode::RateLimited),
        other => panic!("expected rate_limited, got {other:?}"),
    }
    server.running.stop().await;
}
