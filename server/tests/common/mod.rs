//! Helpers for the server tests: a real server on 127.0.0.1:0 with a
//! temporary database (in this process or the binary as a child), and a real
//! WebSocket client.
#![allow(dead_code)] // each test file uses a different subset

pub mod api;
pub mod encoder;
pub mod nats;
pub mod xendit;

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use lapak_protocol::{
    Address, Card, Cart, ChatMessage, CheckoutRequest, ClientMsg, CoinPack, Contact, Money, Order,
    Progress, Quote, RejectCode, ServerMsg, Welcome, PROTOCOL_VERSION,
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
    // Beside the test's database, in its own folder, so tests never share media.
    let media_dir = db
        .parent()
        .map_or_else(|| PathBuf::from("media"), |dir| dir.join("media"));
    Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        database: db.parent().and_then(postgres_database),
        nats: None,
        db,
        show: vec![root.join("tests/fixtures/test-show.toml")],
        dist: root.join("tests/fixtures/no-dist"),
        studio_dist: root.join("tests/fixtures/no-dist"),
        public: root.join("../public"),
        idle_timeout_secs: 45,
        rate_burst: 40,
        rate_per_second: 10,
        speed: 1,
        flood: None,
        allowed_origins: Vec::new(),
        rtmp_port: 0,
        media_dir: Some(media_dir),
        payment_window_secs: 900,
        payments: None,
    }
}

/// A config for load runs: the bench show (stock that never runs out) and rate
/// limits far above what a person does.
pub fn load_config(db: PathBuf) -> Config {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Config {
        show: vec![root.join("tests/fixtures/bench-show.toml")],
        idle_timeout_secs: 60,
        rate_burst: 1_000_000,
        rate_per_second: 1_000_000,
        ..config(db)
    }
}

/// The load examples' server: `lapak-server` of the target folder the example
/// was built into (`<target>/release/examples/`).
pub fn server_binary() -> PathBuf {
    let example = std::env::current_exe().expect("the example's path");
    let binary = example
        .parent()
        .and_then(Path::parent)
        .expect("examples live in <target>/<profile>/examples/")
        .join("lapak-server");
    assert!(
        binary.exists(),
        "{} is missing: cargo build --release -p lapak-server",
        binary.display()
    );
    binary
}

/// The real server binary, running as a child process.
pub struct Process {
    pub child: Child,
    pub url: String,
    _stdout: BufReader<ChildStdout>,
}

impl Process {
    /// Starts `binary` with every flag of `config` and waits until it listens;
    /// its log (`RUST_LOG=warn`) goes to `stderr`.
    pub fn start(binary: &Path, config: &Config, stderr: Stdio) -> Process {
        // Destructured so that a new flag cannot be forgotten here.
        let Config {
            host,
            port,
            db,
            database,
            nats,
            show,
            dist,
            studio_dist,
            public,
            idle_timeout_secs,
            rate_burst,
            rate_per_second,
            speed,
            flood,
            allowed_origins,
            rtmp_port,
            media_dir,
            payment_window_secs,
            payments,
        } = config;
        let mut command = Command::new(binary);
        if let Some(payments) = payments {
            command.arg("--payments").arg(payments);
        }
        for origin in allowed_origins {
            command.arg("--allowed-origin").arg(origin);
        }
        for show in show {
            command.arg("--show").arg(show);
        }
        if let Some(flood) = flood {
            command.arg("--flood").arg(flood.to_string());
        }
        if let Some(database) = database {
            command.arg("--database").arg(database);
        }
        if let Some(nats) = nats {
            command.arg("--nats").arg(nats);
        }
        let mut child = command
            .arg("--host")
            .arg(host.to_string())
            .arg("--port")
            .arg(port.to_string())
            .arg("--db")
            .arg(db)
            .arg("--dist")
            .arg(dist)
            .arg("--studio-dist")
            .arg(studio_dist)
            .arg("--public")
            .arg(public)
            .arg("--payment-window-secs")
            .arg(payment_window_secs.to_string())
            .arg("--idle-timeout-secs")
            .arg(idle_timeout_secs.to_string())
            .arg("--rate-burst")
            .arg(rate_burst.to_string())
            .arg("--rate-per-second")
            .arg(rate_per_second.to_string())
            .arg("--speed")
            .arg(speed.to_string())
            .arg("--rtmp-port")
            .arg(rtmp_port.to_string())
            .args(
                media_dir
                    .iter()
                    .flat_map(|dir| [std::ffi::OsStr::new("--media-dir"), dir.as_os_str()]),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        // Port 0 picks a free port; the server prints where it listens once it does.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("Lapak is live at http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Process {
            child,
            url: format!("ws://{addr}/ws"),
            _stdout: stdout,
        }
    }

    /// Where it listens: `127.0.0.1:port`.
    pub fn addr(&self) -> &str {
        let addr = self.url.strip_prefix("ws://");
        addr.and_then(|a| a.strip_suffix("/ws")).expect("ws://…/ws")
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fails a property-test case with `message` unless `condition` holds.
pub fn check(
    condition: bool,
    message: impl FnOnce() -> String,
) -> Result<(), proptest::test_runner::TestCaseError> {
    if condition {
        Ok(())
    } else {
        Err(proptest::test_runner::TestCaseError::fail(message()))
    }
}

/// Runs `test` (which starts its own server in this process) on `cases` inputs
/// from `strategy`, on a small multi-threaded runtime; panics with the shrunk
/// failing input. Returns how long it took.
pub fn run_property<S, F, Fut>(cases: u32, strategy: S, test: F) -> Duration
where
    S: proptest::strategy::Strategy,
    F: Fn(S::Value) -> Fut,
    Fut: std::future::Future<Output = Result<(), proptest::test_runner::TestCaseError>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = proptest::test_runner::Config {
        cases,
        max_shrink_iters: 32,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    };
    let started = std::time::Instant::now();
    let mut runner = proptest::test_runner::TestRunner::new(config);
    if let Err(error) = runner.run(&strategy, |value| runtime.block_on(test(value))) {
        panic!("{error}");
    }
    started.elapsed()
}

/// The in-process server's warnings and errors, in the failing test's output.
fn show_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
}

pub async fn server() -> TestServer {
    show_logs();
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

/// The next message that is not a viewer count or a progress update (both
/// arrive on their own; tests of them use [`recv_any`] or [`wait_for`]).
pub async fn recv(socket: &mut Socket) -> ServerMsg {
    loop {
        match next_frame(socket).await {
            Message::Text(text) => match serde_json::from_str(&text).unwrap() {
                ServerMsg::ViewerCount { .. } | ServerMsg::Progress { .. } => continue,
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
    show_logs();
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().join("lapak.db"));
    tweak(&mut config);
    let running = lapak_server::start(config).await.unwrap();
    TestServer { running, dir }
}

/// A server in this process for load runs, with the load configuration.
pub async fn load_server() -> TestServer {
    server_with(|c| *c = load_config(c.db.clone())).await
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
    let ask = ClientMsg::Quote {
        id: id.into(),
        coupon: None,
    };
    match command(socket, &ask).await {
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
        coupon: None,
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
        method: lapak_protocol::PayMethod::Card,
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

/// Whether the server tests run on PostgreSQL: `LAPAK_TEST_POSTGRES` names a
/// cluster (`postgres://user@host:port`, as `scripts/postgres.sh` prints it).
pub fn on_postgres() -> bool {
    std::env::var_os("LAPAK_TEST_POSTGRES").is_some()
}

/// On PostgreSQL runs, the database of the test server whose folder is `dir`:
/// made on first use and named in the folder, so a restart finds it again.
pub fn postgres_database(dir: &Path) -> Option<String> {
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let cluster = std::env::var("LAPAK_TEST_POSTGRES").ok()?;
    let cluster = cluster.trim_end_matches('/').to_owned();
    let named = dir.join("postgres-database");
    if let Ok(url) = std::fs::read_to_string(&named) {
        return Some(url);
    }
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Random too: a cluster kept between runs may hold an old run's database of the same pid.
    let name = format!(
        "test_{}_{n}_{:08x}",
        std::process::id(),
        rand::random::<u32>()
    );
    // Its own thread and runtime: callers are synchronous, inside a runtime or not.
    let admin = format!("{cluster}/postgres");
    let create = format!("CREATE DATABASE {name}");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            use sqlx::{Connection, Executor};
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            conn.execute(create.as_str()).await.unwrap();
        });
    })
    .join()
    .unwrap();
    let url = format!("{cluster}/{name}");
    std::fs::write(&named, &url).unwrap();
    Some(url)
}

/// A connection to a server's data: its SQLite file (read-only), or its
/// PostgreSQL database on PostgreSQL runs.
pub async fn open_db(path: &std::path::Path) -> sqlx::AnyConnection {
    connect_db(path, "?mode=ro").await
}

/// Everything a server's database holds, as bytes: its SQLite file and
/// write-ahead log, or a dump of its PostgreSQL database.
pub fn stored_bytes(path: &Path) -> Vec<Vec<u8>> {
    match path.parent().and_then(postgres_database) {
        Some(url) => {
            let dump = Command::new("pg_dump").arg(&url).output().unwrap();
            assert!(dump.status.success(), "pg_dump failed");
            vec![dump.stdout]
        }
        None => vec![
            std::fs::read(path).unwrap(),
            std::fs::read(path.with_extension("db-wal")).unwrap_or_default(),
        ],
    }
}

/// A connection to a server's data that may write, as an operator's would.
pub async fn open_db_for_writing(path: &std::path::Path) -> sqlx::AnyConnection {
    connect_db(path, "").await
}

async fn connect_db(path: &std::path::Path, sqlite_mode: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let url = match path.parent().and_then(postgres_database) {
        Some(url) => url,
        None => format!("sqlite://{}{sqlite_mode}", path.display()),
    };
    sqlx::AnyConnection::connect(&url).await.unwrap()
}

/// Units of a variant in stock, read from the database.
pub async fn db_stock(db: &mut sqlx::AnyConnection, product: &str, variant: &str) -> i64 {
    sqlx::query_scalar("SELECT quantity FROM stock WHERE product_id = $1 AND variant_id = $2")
        .bind(product)
        .bind(variant)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Rows of a table.
pub async fn db_count(db: &mut sqlx::AnyConnection, table: &str) -> i64 {
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

// ---- Gifting ------------------------------------------------------------------

/// A test card with a valid expiry and CVC.
pub fn card(number: &str) -> Card {
    Card {
        number: number.into(),
        expiry: "12/30".into(),
        cvc: "123".into(),
    }
}

/// A coin pack as a `Welcome` offers it.
pub fn pack(welcome: &Welcome, id: &str) -> CoinPack {
    welcome
        .show
        .coin_packs
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no coin pack {id}"))
        .clone()
}

/// A `TopUp` of `pack` at its shown price.
pub fn top_up_msg(id: &str, pack: &CoinPack, card_number: &str) -> ClientMsg {
    ClientMsg::TopUp {
        id: id.into(),
        pack_id: pack.id.clone(),
        price: pack.price.clone(),
        card: card(card_number),
    }
}

/// A `SendGift` of `count` of a gift shown at `coins` each.
pub fn gift_msg(id: &str, gift_id: &str, count: u32, coins: u32) -> ClientMsg {
    ClientMsg::SendGift {
        id: id.into(),
        gift_id: gift_id.into(),
        count,
        coins,
    }
}

/// Buys `pack` with the approving card and returns the wallet's coins after it.
pub async fn top_up(socket: &mut Socket, id: &str, pack: &CoinPack) -> u64 {
    let reply = command(
        socket,
        &top_up_msg(id, pack, lapak_server::payment::APPROVE),
    )
    .await;
    wallet_of(&reply)
}

/// The wallet's coins in an `Ack`, panicking on anything else.
pub fn wallet_of(reply: &ServerMsg) -> u64 {
    match reply {
        ServerMsg::Ack {
            wallet: Some(wallet),
            ..
        } => wallet.coins,
        other => panic!("expected an Ack with a wallet, got {other:?}"),
    }
}

/// A ledger account's balance, read from the database (0 when it has none).
pub async fn db_balance(db: &mut sqlx::AnyConnection, account: &str) -> i64 {
    sqlx::query_scalar("SELECT coins FROM balances WHERE account = $1")
        .bind(account)
        .fetch_optional(db)
        .await
        .unwrap()
        .unwrap_or(0)
}

/// Everything wrong with the ledger, as sentences; empty when it is sound: the
/// entries of each transaction and of the whole ledger sum to zero, every
/// balance equals the sum of its entries, and only `coins_issued` is negative.
pub async fn ledger_problems(db: &mut sqlx::AnyConnection) -> Vec<String> {
    let checks = [
        (
            "transactions whose entries do not sum to zero",
            "SELECT COUNT(*) FROM (SELECT transaction_id FROM ledger_entries
             GROUP BY transaction_id HAVING CAST(SUM(coins) AS BIGINT) != 0) AS unbalanced",
        ),
        (
            "transactions without entries",
            "SELECT COUNT(*) FROM ledger_transactions t
             WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)",
        ),
        (
            "coins in the whole ledger (must be 0)",
            "SELECT CAST(COALESCE(SUM(coins), 0) AS BIGINT) FROM ledger_entries",
        ),
        (
            "balances that are not the sum of their entries",
            "SELECT COUNT(*) FROM balances b WHERE b.coins !=
             (SELECT CAST(COALESCE(SUM(e.coins), 0) AS BIGINT) FROM ledger_entries e WHERE e.account = b.account)",
        ),
        (
            "accounts with entries but no balance",
            "SELECT COUNT(DISTINCT account) FROM ledger_entries
             WHERE account NOT IN (SELECT account FROM balances)",
        ),
        (
            "negative balances other than coins_issued",
            "SELECT COUNT(*) FROM balances WHERE coins < 0 AND account != 'coins_issued'",
        ),
    ];
    let mut problems = Vec::new();
    for (what, sql) in checks {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *db).await.unwrap();
        if n != 0 {
            problems.push(format!("{what}: {n}"));
        }
    }
    problems
}

// ---- Community -----------------------------------------------------------------

/// A server playing another show of `tests/fixtures`.
pub async fn server_for(fixture: &str) -> TestServer {
    let show = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    server_with(|c| c.show = vec![show]).await
}

pub fn chat_msg(id: &str, text: &str) -> ClientMsg {
    ClientMsg::Chat {
        id: id.into(),
        text: text.into(),
    }
}

pub fn like_msg(id: &str, count: u32) -> ClientMsg {
    ClientMsg::Like {
        id: id.into(),
        count,
    }
}

/// Sends a command and checks that it is answered with a plain `Ack`.
pub async fn ack(socket: &mut Socket, cmd: &ClientMsg) {
    match command(socket, cmd).await {
        ServerMsg::Ack {
            cart: None,
            order: None,
            wallet: None,
            ..
        } => {}
        other => panic!("expected a plain Ack for {cmd:?}, got {other:?}"),
    }
}

/// The next `Progress`, with the missions it says were completed.
pub async fn next_progress(socket: &mut Socket) -> (Progress, Vec<String>) {
    wait_for(socket, |msg| match msg {
        ServerMsg::Progress {
            progress,
            completed,
        } => Some(((**progress).clone(), completed.clone())),
        _ => None,
    })
    .await
}

/// Chat lines as they arrive until `n` have come, and how many `Chat` events brought them.
pub async fn chat_lines(socket: &mut Socket, n: usize) -> (Vec<ChatMessage>, usize) {
    let mut lines = Vec::new();
    let mut events = 0;
    while lines.len() < n {
        let messages = wait_for(socket, |msg| match msg {
            ServerMsg::Chat { messages, .. } => Some(messages.clone()),
            _ => None,
        })
        .await;
        events += 1;
        lines.extend(messages);
    }
    (lines, events)
}

/// A mission's `(count, done)` in a progress.
pub fn mission(progress: &Progress, id: &str) -> (u32, bool) {
    progress
        .missions
        .iter()
        .find(|m| m.id == id)
        .map(|m| (m.count, m.done))
        .unwrap_or_else(|| panic!("no mission {id} in {progress:?}"))
}

/// A single number read from the database.
pub async fn db_number(db: &mut sqlx::AnyConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// The `p`-quantile (0..=1) of sorted `values`; 0 when there are none.
pub fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    let i = (sorted.len().saturating_sub(1) as f64 * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// Load runs: `client(n, socket, deadline)` for every socket at once, each in a
/// task of its own; the round trips (µs) they return, together and sorted.
pub async fn round_trips<F, Fut>(sockets: Vec<Socket>, deadline: Instant, client: F) -> Vec<u64>
where
    F: Fn(usize, Socket, Instant) -> Fut,
    Fut: Future<Output = Vec<u64>> + Send + 'static,
{
    let tasks: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(n, socket)| tokio::spawn(client(n, socket, deadline)))
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a client finishes"));
    }
    all.sort_unstable();
    all
}
