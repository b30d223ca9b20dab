//! Helpers for the server tests: a real server on 127.0.0.1:0 with a
//! temporary database, and a real WebSocket client.
#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use lapak_protocol::{Cart, ClientMsg, ServerMsg, Welcome, PROTOCOL_VERSION};
use lapak_server::{Config, Running};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A server and the folder holding its database.
pub struct TestServer {
    pub running: Running,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("lapak.db")
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.running.addr)
    }
}

pub fn config(db: PathBuf) -> Config {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        db,
        show: root.join("tests/fixtures/test-show.toml"),
        dist: root.join("tests/fixtures/no-dist"),
        public: root.join("../public"),
        idle_timeout_secs: 45,
        rate_burst: 40,
        rate_per_second: 10,
        speed: 1,
    }
}

pub async fn server() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let running = lapak_server::start(config(dir.path().join("lapak.db")))
        .await
        .unwrap();
    TestServer { running, dir }
}

/// Stops the server and starts it again on the same database file.
pub async fn restart(server: TestServer) -> TestServer {
    let TestServer { running, dir } = server;
    running.stop().await;
    let running = lapak_server::start(config(dir.path().join("lapak.db")))
        .await
        .unwrap();
    TestServer { running, dir }
}

pub async fn connect(url: &str) -> Socket {
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

pub async fn send(socket: &mut Socket, msg: &ClientMsg) {
    socket
        .send(Message::Text(serde_json::to_string(msg).unwrap().into()))
        .await
        .unwrap();
}

pub async fn send_text(socket: &mut Socket, text: &str) {
    socket
        .send(Message::Text(text.to_owned().into()))
        .await
        .unwrap();
}

/// The next frame, whatever it is.
pub async fn next_frame(socket: &mut Socket) -> Message {
    tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("a frame within 5 s")
        .expect("the socket is open")
        .expect("a valid frame")
}

/// The next message that is not a viewer count.
pub async fn recv(socket: &mut Socket) -> ServerMsg {
    loop {
        match next_frame(socket).await {
            Message::Text(text) => match serde_json::from_str(&text).unwrap() {
                ServerMsg::ViewerCount { .. } => continue,
                msg => return msg,
            },
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

pub async fn hello(socket: &mut Socket, token: Option<&str>) -> Welcome {
    send(
        socket,
        &ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: token.map(Into::into),
            show: None,
            resume: None,
        },
    )
    .await;
    match recv(socket).await {
        ServerMsg::Welcome(welcome) => *welcome,
        other => panic!("expected Welcome, got {other:?}"),
    }
}

/// A connected, greeted viewer.
pub async fn viewer(server: &TestServer, token: Option<&str>) -> (Socket, Welcome) {
    let mut socket = connect(&server.url()).await;
    let welcome = hello(&mut socket, token).await;
    (socket, welcome)
}

pub fn add(id: &str, product: &str, variant: &str, quantity: u32) -> ClientMsg {
    ClientMsg::AddToCart {
        id: id.into(),
        product_id: product.into(),
        variant_id: variant.into(),
        quantity,
    }
}

/// Sends a command and returns its cart on Ack, panicking on anything else.
pub async fn acked(socket: &mut Socket, cmd: &ClientMsg) -> Cart {
    send(socket, cmd).await;
    match recv(socket).await {
        ServerMsg::Ack {
            id,
            cart: Some(cart),
        } if Some(id.as_str()) == cmd.id() => cart,
        other => panic!("expected Ack for {cmd:?}, got {other:?}"),
    }
}

pub fn quantities(cart: &Cart) -> Vec<(String, String, u32)> {
    cart.lines
        .iter()
        .map(|l| (l.product_id.clone(), l.variant_id.clone(), l.quantity))
        .collect()
}

/// A server started with a tweaked configuration.
pub async fn server_with(tweak: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().join("lapak.db"));
    tweak(&mut config);
    let running = lapak_server::start(config).await.unwrap();
    TestServer { running, dir }
}

/// The next decoded message, viewer counts included.
pub async fn recv_any(socket: &mut Socket) -> ServerMsg {
    loop {
        match next_frame(socket).await {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

/// Every message that arrives until the socket is quiet for `quiet`.
pub async fn drain(socket: &mut Socket, quiet: Duration) -> Vec<ServerMsg> {
    let mut seen = Vec::new();
    while let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(quiet, socket.next()).await {
        seen.push(serde_json::from_str(&text).unwrap());
    }
    seen
}
