//! Helpers for the server tests: a real server on 127.0.0.1:0 with a
//! temporary database, and a real WebSocket client.
#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use lapak_protocol::{
    Address, Card, Cart, CheckoutRequest, ClientMsg, Contact, Money, Order, Quote, RejectCode,
    ServerMsg, Welcome, PROTOCOL_VERSION,
};
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
            ..
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

// ---- Checkout ---------------------------------------------------------------

/// Longest a test waits for one answer or event.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The next message that answers command `id` (`Ack`, `Reject` or `Quoted`),
/// skipping show events and session updates that arrive meanwhile. An answer
/// to another command is a test failure: commands are answered in order.
pub async fn answer(socket: &mut Socket, id: &str) -> ServerMsg {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no answer to {id} within {PATIENCE:?}"))
            .expect("the socket is open")
            .expect("a valid frame");
        let Message::Text(text) = frame else { continue };
        let msg: ServerMsg = serde_json::from_str(&text).unwrap();
        match &msg {
            ServerMsg::Ack { id: got, .. }
            | ServerMsg::Reject { id: got, .. }
            | ServerMsg::Quoted { id: got, .. } => {
                assert_eq!(got, id, "answer to another command: {msg:?}");
                return msg;
            }
            _ => continue,
        }
    }
}

/// Waits until a message for which `pick` returns `Some` arrives, skipping the others.
pub async fn wait_for<T>(socket: &mut Socket, mut pick: impl FnMut(&ServerMsg) -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("the awaited message did not come within {PATIENCE:?}"))
            .expect("the socket is open")
            .expect("a valid frame");
        let Message::Text(text) = frame else { continue };
        let msg: ServerMsg = serde_json::from_str(&text).unwrap();
        if let Some(found) = pick(&msg) {
            return found;
        }
    }
}

/// Sends a command and returns its answer (see [`answer`]).
pub async fn command(socket: &mut Socket, cmd: &ClientMsg) -> ServerMsg {
    send(socket, cmd).await;
    answer(socket, cmd.id().expect("a command")).await
}

/// Asks for a quote of the session's cart.
pub async fn quote(socket: &mut Socket, id: &str) -> Quote {
    match command(socket, &ClientMsg::Quote { id: id.into() }).await {
        ServerMsg::Quoted { quote, .. } => quote,
        other => panic!("expected Quoted for {id}, got {other:?}"),
    }
}

/// Sends a checkout and returns its answer.
pub async fn checkout(socket: &mut Socket, id: &str, request: &CheckoutRequest) -> ServerMsg {
    command(socket, &checkout_msg(id, request)).await
}

pub fn checkout_msg(id: &str, request: &CheckoutRequest) -> ClientMsg {
    ClientMsg::Checkout {
        id: id.into(),
        order: Box::new(request.clone()),
    }
}

/// The order of an `Ack`, panicking on anything else.
pub fn placed(reply: &ServerMsg) -> &Order {
    match reply {
        ServerMsg::Ack {
            order: Some(order), ..
        } => order,
        other => panic!("expected an Ack with an order, got {other:?}"),
    }
}

/// The code of a `Reject`, panicking on anything else.
pub fn refused(reply: &ServerMsg) -> RejectCode {
    match reply {
        ServerMsg::Reject { code, .. } => *code,
        other => panic!("expected a Reject, got {other:?}"),
    }
}

/// A valid checkout of `quote` with `shipping`, paid with card `card`.
pub fn request_from(quote: &Quote, shipping: &str, card: &str) -> CheckoutRequest {
    let total = quote.totals(shipping).map_or_else(
        || Money {
            minor: 0,
            currency: quote.currency.clone(),
        },
        |t| t.total,
    );
    CheckoutRequest {
        lines: quote.order_lines(),
        shipping: shipping.into(),
        total,
        contact: Contact {
            name: "Dewi Sartika".into(),
            email: "dewi@example.id".into(),
            phone: "+62 812 3456 7890".into(),
        },
        address: Address {
            street: "Jl. Braga No. 12".into(),
            city: "Bandung".into(),
            postal_code: "40111".into(),
        },
        card: Card {
            number: card.into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        },
    }
}

pub fn set_quantity(id: &str, product: &str, variant: &str, quantity: u32) -> ClientMsg {
    ClientMsg::SetQuantity {
        id: id.into(),
        product_id: product.into(),
        variant_id: variant.into(),
        quantity,
    }
}

/// A read-only connection to a server's SQLite file.
pub async fn open_db(path: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::ConnectOptions;
    sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap()
}

/// Units of a variant in stock, read from the database.
pub async fn db_stock(db: &mut sqlx::SqliteConnection, product: &str, variant: &str) -> i64 {
    sqlx::query_scalar("SELECT quantity FROM stock WHERE product_id = ? AND variant_id = ?")
        .bind(product)
        .bind(variant)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Rows of a table.
pub async fn db_count(db: &mut sqlx::SqliteConnection, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db)
        .await
        .unwrap()
}

/// Units of a variant in stock as a fresh viewer's `Welcome` shows them.
pub fn welcome_stock(welcome: &Welcome, product: &str, variant: &str) -> u32 {
    welcome
        .show
        .products
        .iter()
        .find(|p| p.id == product)
        .and_then(|p| p.variants.iter().find(|v| v.id == variant))
        .map(|v| v.stock)
        .unwrap_or_else(|| panic!("no {product}/{variant} in the catalogue"))
}
