//! Several servers on one PostgreSQL database: what one server promises about
//! money holds when three take orders at once, and when one is killed; and
//! sign-in throttling counts the tries made on all of them.
//!
//! These run on PostgreSQL runs only (`LAPAK_TEST_POSTGRES`, as `./x test`
//! runs the server suite a second time): an SQLite file is one server's.
mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::api::{Api, PASSWORD};
use common::*;
use lapak_protocol::{OrderStatus, RejectCode, ServerMsg};
use lapak_server::access::Role;
use lapak_server::payment::{APPROVE, NO_ANSWER};
use reqwest::StatusCode;
use sqlx::Connection;

/// Buyers racing for the ten units of the test show's `drop`.
const BUYERS: usize = 50;
const UNITS: i64 = 10;

/// `n` server processes on one new database, or `None` on an SQLite run.
fn servers(dir: &Path, n: usize) -> Option<Vec<Process>> {
    if !on_postgres() {
        eprintln!("several servers share a PostgreSQL database only: skipped on SQLite");
        return None;
    }
    let config = config(dir.join("lapak.db"));
    assert!(config.database.is_some());
    let binary = Path::new(env!("CARGO_BIN_EXE_lapak-server"));
    Some(
        (0..n)
            .map(|_| Process::start(binary, &config, Stdio::null()))
            .collect(),
    )
}

/// A buyer with one `drop` in the cart and a quote for it, on `url`.
async fn buyer(url: &str, i: usize) -> (Socket, String, lapak_protocol::CheckoutRequest) {
    let mut socket = connect(url).await;
    let token = hello(&mut socket, None).await.session.token;
    command(&mut socket, &add(&format!("add-{i}"), "drop", "default", 1)).await;
    let quote = quote(&mut socket, "q").await;
    (socket, token, request_from(&quote, "std", APPROVE))
}

/// Orders by status, charges, units sold and units left, read from the database.
async fn books(db: &mut sqlx::AnyConnection) -> (i64, i64, i64, i64, i64) {
    let status = |s: &'static str| format!("SELECT COUNT(*) FROM orders WHERE status = '{s}'");
    (
        db_number(db, &status("paid")).await,
        db_number(db, &status("payment_pending")).await,
        db_count(db, "test_provider_charges").await,
        db_number(
            db,
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l
             JOIN orders o ON o.id = l.order_id WHERE o.status != 'failed'",
        )
        .await,
        db_stock(db, "drop", "default").await,
    )
}

/// Waits until no payment is pending; the books then.
async fn settled(db: &mut sqlx::AnyConnection) -> (i64, i64, i64, i64, i64) {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let books = books(db).await;
        if books.1 == 0 {
            return books;
        }
        assert!(
            Instant::now() < deadline,
            "payments still pending: {books:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn fifty_buyers_on_three_servers_race_for_ten_units_and_exactly_ten_are_sold() {
    let dir = tempfile::tempdir().unwrap();
    let Some(servers) = servers(dir.path(), 3) else {
        return;
    };
    let ready = Arc::new(tokio::sync::Barrier::new(BUYERS));
    let tasks: Vec<_> = (0..BUYERS)
        .map(|i| {
            let (url, ready) = (servers[i % 3].url.clone(), ready.clone());
            tokio::spawn(async move {
                let (mut socket, token, request) = buyer(&url, i).await;
                ready.wait().await;
                (token, checkout(&mut socket, "buy", &request).await)
            })
        })
        .collect();
    let answers = tokio::time::timeout(PATIENCE * 6, futures::future::join_all(tasks))
        .await
        .expect("every buyer is answered");
    let mut winners = HashSet::new();
    for answer in answers {
        let (token, reply) = answer.unwrap();
        match &reply {
            ServerMsg::Ack { order: Some(o), .. } if o.status == OrderStatus::Paid => {
                winners.insert(token);
            }
            ServerMsg::Reject {
                code: RejectCode::OutOfStock,
                ..
            } => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(winners.len(), 10, "ten buyers get a unit");
    let mut db = open_db(&dir.path().join("lapak.db")).await;
    // Paid, pending, charges, units sold, units left.
    assert_eq!(books(&mut db).await, (10, 0, 10, UNITS, 0));
}

#[tokio::test]
async fn a_server_killed_during_the_race_sells_nothing_twice_and_its_buyers_finish_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut servers) = servers(dir.path(), 3) else {
        return;
    };
    let mut buyers = Vec::new();
    for i in 0..BUYERS {
        let (socket, token, request) = buyer(&servers[i % 3].url, i).await;
        buyers.push((i % 3, socket, token, request));
    }
    // Everyone sends, then the first server dies while its checkouts are under way.
    for (_, socket, _, request) in &mut buyers {
        send(socket, &checkout_msg("buy", request)).await;
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    servers.remove(0).kill();

    let mut holders = 0;
    for (server, mut socket, token, request) in buyers {
        let reply = if server == 0 {
            // The killed server's buyers come back on another, with the same
            // session and the command they never heard back about.
            let mut again = connect(&servers[0].url).await;
            hello(&mut again, Some(&token)).await;
            checkout(&mut again, "buy", &request).await
        } else {
            answer(&mut socket, "buy").await
        };
        match &reply {
            ServerMsg::Ack { order: Some(_), .. } => holders += 1,
            ServerMsg::Reject {
                code: RejectCode::OutOfStock,
                ..
            } => {}
            other => panic!("buyer on server {server}: unexpected answer {other:?}"),
        }
    }
    assert!(holders <= 10, "{holders} orders for ten units");

    let mut db = open_db(&dir.path().join("lapak.db")).await;
    let (paid, _, charges, sold, left) = settled(&mut db).await;
    assert_eq!(
        paid, charges,
        "every paid order charged once, no charge without one"
    );
    assert_eq!(
        sold, paid,
        "one unit per paid order, failed ones gave theirs back"
    );
    assert_eq!(sold + left, UNITS, "no unit sold twice or lost");
    let most: i64 = db_number(
        &mut db,
        "SELECT CAST(COALESCE(MAX(n), 0) AS BIGINT) FROM
           (SELECT COUNT(*) AS n FROM orders GROUP BY session_id) AS per_buyer",
    )
    .await;
    assert!(most <= 1, "one checkout id, one order");
}

#[tokio::test]
async fn a_payment_under_way_on_one_server_is_left_to_it_by_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let Some(servers) = servers(dir.path(), 2) else {
        return;
    };
    let (mut socket, _token, request) = buyer(&servers[0].url, 0).await;
    let unanswered = lapak_protocol::CheckoutRequest {
        card: card(NO_ANSWER),
        ..request
    };
    // The provider never answers: the first server waits for it (10 s).
    send(&mut socket, &checkout_msg("buy", &unanswered)).await;
    let mut db = open_db(&dir.path().join("lapak.db")).await;
    let placed_at = Instant::now();
    while books(&mut db).await.1 == 0 {
        assert!(placed_at.elapsed() < PATIENCE, "the order is written");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The second server sweeps every second; it must not settle a payment
    // whose charge the first is still waiting for.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let status: String = sqlx::query_scalar("SELECT status FROM orders")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(
        status, "payment_pending",
        "still the first server's to settle"
    );
    // Once its wait is over, it is settled (failed: nothing was charged).
    let (paid, pending, charges, sold, left) = settled(&mut db).await;
    assert_eq!((paid, pending, charges, sold, left), (0, 0, 0, 0, UNITS));
    // The first server answered when it stopped waiting: the order, unpaid.
    let reply = answer(&mut socket, "buy").await;
    assert_eq!(placed(&reply).status, OrderStatus::PaymentPending);
}

/// A PostgreSQL cluster of the test's own, which it may stop and start.
struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn script(&self, command: &str) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh");
        let out = std::process::Command::new(script)
            .arg(command)
            .arg(self.dir.path())
            .arg(self.port.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.script("stop");
    }
}

/// Takes `show`'s writers' turn on `db`, as another server mid-command does,
/// until the transaction ends.
async fn hold_turn<'c>(
    db: &'c mut sqlx::AnyConnection,
    show: &str,
) -> sqlx::Transaction<'c, sqlx::Any> {
    let mut held = db.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(show)
        .execute(&mut *held)
        .await
        .unwrap();
    held
}

/// A viewer of `show` on `url`.
async fn watching(url: &str, show: &str) -> Socket {
    let mut socket = connect(&format!("{url}?show={show}")).await;
    send(
        &mut socket,
        &lapak_protocol::ClientMsg::Hello {
            protocol: lapak_protocol::PROTOCOL_VERSION,
            token: None,
            show: Some(show.into()),
            resume: None,
        },
    )
    .await;
    assert!(matches!(recv(&mut socket).await, ServerMsg::Welcome(_)));
    socket
}

#[tokio::test]
async fn writers_take_turns_per_show_so_one_shows_rush_never_holds_up_another() {
    if !on_postgres() {
        eprintln!("turns across servers are PostgreSQL's: skipped on SQLite");
        return;
    }
    let rival = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rival-show.toml");
    let server = server_with(|c| c.show.push(rival)).await;
    let (mut test, mut other) = (
        watching(&server.url(), "test").await,
        watching(&server.url(), "rival").await,
    );
    // Another server is mid-command on the test show: it holds the show's turn.
    let mut elsewhere = open_db_for_writing(&server.db()).await;
    let held = hold_turn(&mut elsewhere, "test").await;

    send(&mut test, &add("waits", "shirt", "m", 1)).await;
    let cart = acked(&mut other, &add("goes", "kopi", "default", 1)).await;
    assert_eq!(quantities(&cart), [("kopi".into(), "default".into(), 1)]);
    let early = tokio::time::timeout(Duration::from_millis(500), answer(&mut test, "waits")).await;
    assert!(early.is_err(), "the test show's command waits for its turn");

    held.commit().await.unwrap();
    assert!(matches!(
        answer(&mut test, "waits").await,
        ServerMsg::Ack { .. }
    ));
    server.running.stop().await;
}

#[tokio::test]
async fn a_checkout_for_a_sold_out_deal_is_refused_without_waiting_for_the_shows_turn() {
    if !on_postgres() {
        eprintln!("turns across servers are PostgreSQL's: skipped on SQLite");
        return;
    }
    // The race's show, with one unit at the deal's price.
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deal-show.toml");
    let show = dir.path().join("one-unit.toml");
    let toml = std::fs::read_to_string(fixture).unwrap();
    std::fs::write(&show, toml.replace("quantity = 100", "quantity = 1")).unwrap();
    let server = server_with(|c| c.show = vec![show]).await;
    let shopper = || async {
        let mut socket = connect(&server.url()).await;
        hello(&mut socket, None).await;
        command(&mut socket, &add("a", "drop", "default", 1)).await;
        let request = request_from(&quote(&mut socket, "q").await, "std", APPROVE);
        assert_eq!(request.lines[0].deal_units, 1, "quoted at the deal's price");
        (socket, request)
    };
    let (mut first, bought) = shopper().await;
    let (mut late, too_late) = shopper().await;
    assert!(matches!(
        checkout(&mut first, "buy", &bought).await,
        ServerMsg::Ack { .. }
    ));

    // Another server is mid-command on the show: it holds the show's turn.
    let mut elsewhere = open_db_for_writing(&server.db()).await;
    let held = hold_turn(&mut elsewhere, "deal").await;
    let refused = tokio::time::timeout(
        Duration::from_secs(2),
        checkout(&mut late, "buy", &too_late),
    )
    .await
    .expect("answered while the turn is held");
    assert_eq!(common::refused(&refused), RejectCode::PriceChanged);
    held.rollback().await.unwrap();

    // The paid order is still its buyer's, asked again.
    let again = checkout(&mut first, "buy", &bought).await;
    assert!(
        matches!(again, ServerMsg::Ack { order: Some(_), .. }),
        "{again:?}"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn while_postgresql_is_down_commands_fail_cleanly_and_succeed_once_it_is_back() {
    if !on_postgres() {
        return eprintln!("a PostgreSQL restart: skipped on SQLite");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cluster = Cluster {
        dir: tempfile::tempdir().unwrap(),
        port,
    };
    let url = format!("{}/postgres", cluster.script("start"));
    let dir = tempfile::tempdir().unwrap();
    let config = lapak_server::Config {
        database: Some(url.clone()),
        ..config(dir.path().join("lapak.db"))
    };
    let binary = Path::new(env!("CARGO_BIN_EXE_lapak-server"));
    let server = Process::start(binary, &config, Stdio::null());
    let mut socket = connect(&server.url).await;
    let token = hello(&mut socket, None).await.session.token;
    command(&mut socket, &add("a-1", "shirt", "m", 1)).await;
    let quote = quote(&mut socket, "q").await;
    let request = request_from(&quote, "std", APPROVE);

    cluster.script("stop");
    send(&mut socket, &checkout_msg("k-1", &request)).await;
    let refusal = tokio::time::timeout(Duration::from_secs(30), answer_late(&mut socket, "k-1"))
        .await
        .expect("answered while the database is down");
    assert_eq!(refused(&refusal), RejectCode::Internal);
    // The socket stays open; a command gets a refusal to retry, not silence.
    send(&mut socket, &add("a-2", "jar", "default", 1)).await;
    let refusal = tokio::time::timeout(Duration::from_secs(30), answer_late(&mut socket, "a-2"))
        .await
        .expect("answered while the database is down");
    assert_eq!(refused(&refusal), RejectCode::Internal);

    cluster.script("start");
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(&url).await.unwrap();
    let lines = "SELECT COUNT(*) FROM cart_lines";
    assert_eq!(
        db_number(&mut db, lines).await,
        1,
        "nothing of a-2 was written"
    );
    assert_eq!(db_count(&mut db, "orders").await, 0, "nor of k-1");
    assert_eq!(
        db_count(&mut db, "processed_commands").await,
        1,
        "a-2 has no stored answer, so its retry runs"
    );
    // The checkout refused during the outage, again once the database is back
    // (the pool reconnects): it goes through once, for the cart it saw.
    let deadline = Instant::now() + Duration::from_secs(30);
    let order = loop {
        match checkout(&mut socket, "k-1", &request).await {
            ServerMsg::Ack {
                order: Some(order), ..
            } => break order,
            other => assert!(Instant::now() < deadline, "still refused: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.lines.len(), 1);
    let again = checkout(&mut socket, "k-1", &request).await;
    assert_eq!(placed(&again).number, order.number);
    assert_eq!(db_count(&mut db, "orders").await, 1);
    assert_eq!(db_count(&mut db, "test_provider_charges").await, 1);
    // So does the cart command.
    let cart = match command(&mut socket, &add("a-2", "jar", "default", 1)).await {
        ServerMsg::Ack {
            cart: Some(cart), ..
        } => cart,
        other => panic!("a-2 again: {other:?}"),
    };
    assert_eq!(cart.lines.len(), 1);
    let (_, again) = {
        let mut other = connect(&server.url).await;
        let welcome = hello(&mut other, Some(&token)).await;
        (other, welcome)
    };
    assert_eq!(
        again.cart.lines.len(),
        1,
        "the jar, kept once; the shirt was bought"
    );
}

/// The answer to `id`, however long it takes.
async fn answer_late(socket: &mut Socket, id: &str) -> ServerMsg {
    use futures::StreamExt;
    loop {
        let Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) = socket.next().await
        else {
            panic!("the socket closed");
        };
        let msg: ServerMsg = serde_json::from_str(&text).unwrap();
        match &msg {
            ServerMsg::Ack { id: got, .. } | ServerMsg::Reject { id: got, .. } if got == id => {
                return msg
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn five_wrong_passwords_over_three_servers_lock_the_account_on_every_server() {
    let dir = tempfile::tempdir().unwrap();
    let Some(servers) = servers(dir.path(), 3) else {
        return;
    };
    let config = config(dir.path().join("lapak.db"));
    let email = "host@demo.example";
    lapak_server::add_user(&config, Some("demo"), email, Role::Host, PASSWORD)
        .await
        .unwrap();
    let apis: Vec<Api> = servers.iter().map(|s| Api::at(s.addr())).collect();
    for i in 0..5 {
        let (status, _) = apis[i % 3].sign_in(email, "guess").await.err().unwrap();
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "try {} on server {}",
            i + 1,
            i % 3
        );
    }
    for (n, api) in apis.iter().enumerate() {
        for password in ["guess", PASSWORD] {
            let (status, answer) = api.sign_in(email, password).await.err().unwrap();
            assert_eq!(
                (status, answer["code"].as_str()),
                (StatusCode::TOO_MANY_REQUESTS, Some("throttled")),
                "server {n}, password {password:?}"
            );
        }
    }
}

/// Two servers receive the same provider callback at the same moment: the
/// order is paid once, the event recorded once, and both answer 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_given_the_same_callback_at_once_pay_the_order_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some(servers) = servers(dir.path(), 2) else {
        return;
    };
    let (mut socket, _token, request) = buyer(&servers[0].url, 0).await;
    let qris = lapak_protocol::CheckoutRequest {
        method: lapak_protocol::PayMethod::Qris,
        card: lapak_protocol::Card::default(),
        ..request
    };
    let order = placed(&checkout(&mut socket, "buy", &qris).await).clone();
    assert_eq!(order.status, lapak_protocol::OrderStatus::AwaitingPayment);
    let body = serde_json::json!({
        "id": "evt-1", "key": order.number, "status": "paid",
        "amount": order.totals.total,
    });
    let client = reqwest::Client::new();
    let post = |addr: &str| {
        client
            .post(format!("http://{addr}/api/v1/payments/test/callback"))
            .header(
                lapak_server::payment::TEST_TOKEN_HEADER,
                lapak_server::payment::TEST_CALLBACK_TOKEN,
            )
            .json(&body)
            .send()
    };
    let (a, b) = tokio::join!(post(servers[0].addr()), post(servers[1].addr()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    let applied = |v: serde_json::Value| v["applied"].as_u64().unwrap();
    let total = applied(a.json().await.unwrap()) + applied(b.json().await.unwrap());
    assert_eq!(total, 1, "applied by one server only");
    let mut db = open_db(&dir.path().join("lapak.db")).await;
    assert_eq!(db_count(&mut db, "payment_events").await, 1);
    assert_eq!(
        db_number(&mut db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
}
