//! Orders paid outside the widget (QRIS, e-wallets, virtual accounts) and
//! cash on delivery, against the real server and the test provider over real
//! WebSockets and HTTP: an order waits with its stock held, its callback
//! turns it paid on every tab exactly once, a forged or unknown callback
//! changes nothing, an amount that differs is flagged and not confirmed, an
//! expired request gives the stock back, and a card number is never taken
//! where the provider's own fields take it. On PostgreSQL too, with
//! `LAPAK_TEST_POSTGRES`.
mod common;

use std::time::Duration;

use common::*;
use lapak_protocol::{
    Bank, Card, CheckoutRequest, Money, OrderStatus, PayAction, PayMethod, RejectCode, ServerMsg,
};
use lapak_server::payment::{TEST_CALLBACK_TOKEN, TEST_TOKEN_HEADER};

/// A shopper with one `drop` (10 in stock) in the cart, and the request to buy it by `method`.
async fn shopper(server: &TestServer, method: PayMethod) -> (Socket, String, CheckoutRequest) {
    let (mut socket, welcome) = viewer(server, None).await;
    acked(&mut socket, &add("a", "drop", "default", 1)).await;
    let quote = quote(&mut socket, "q").await;
    let request = CheckoutRequest {
        method,
        card: Card::default(),
        ..request_from(&quote, "std", "")
    };
    (socket, welcome.session.token, request)
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

fn base(server: &TestServer) -> String {
    format!("http://{}", server.running.addr)
}

/// Posts a test-provider callback for `order` with `token`: the HTTP status.
async fn callback(server: &TestServer, token: &str, body: serde_json::Value) -> u16 {
    http()
        .post(format!("{}/api/v1/payments/test/callback", base(server)))
        .header(TEST_TOKEN_HEADER, token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn paid(event: &str, order: &str, minor: i64) -> serde_json::Value {
    serde_json::json!({
        "id": event, "key": order, "status": "paid",
        "amount": { "minor": minor, "currency": "IDR" },
    })
}

async fn status_of(server: &TestServer, number: &str) -> String {
    let id: i64 = number.trim_start_matches("LPK-").parse().unwrap();
    let mut db = open_db(&server.db()).await;
    sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(&mut db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_qris_order_waits_with_its_stock_held_and_its_callback_pays_it_once_on_every_tab() {
    let server = server().await;
    let (mut tab, token, request) = shopper(&server, PayMethod::Qris).await;
    let reply = checkout(&mut tab, "buy", &request).await;
    let order = placed(&reply).clone();
    assert_eq!(order.status, OrderStatus::AwaitingPayment, "{reply:?}");
    let due = order.payment.clone().expect("what to pay");
    assert!(matches!(due.action, PayAction::Qr { ref qr_string } if !qr_string.is_empty()));
    assert_eq!(due.amount, order.totals.total);
    assert!(due.expires_at_ms.is_some());
    let mut db = open_db(&server.db()).await;
    assert_eq!(
        db_stock(&mut db, "drop", "default").await,
        9,
        "held while it waits"
    );

    // A second tab of the same session sees the waiting order, and hears it paid.
    let mut other = connect(&server.url()).await;
    let again = hello(&mut other, Some(&token)).await;
    assert!(again.orders.iter().any(|o| o.number == order.number
        && o.status == OrderStatus::AwaitingPayment
        && o.payment.is_some()));

    // Forged: a wrong token, a malformed body, an unknown order: 4xx, nothing changes.
    let total = order.totals.total.minor;
    assert_eq!(
        callback(&server, "wrong", paid("e1", &order.number, total)).await,
        401
    );
    assert_eq!(
        callback(&server, TEST_CALLBACK_TOKEN, serde_json::json!({"id": 1})).await,
        422
    );
    assert_eq!(
        callback(
            &server,
            TEST_CALLBACK_TOKEN,
            paid("e1", "LPK-999999", total)
        )
        .await,
        404
    );
    assert_eq!(status_of(&server, &order.number).await, "awaiting_payment");

    // The callback, twice: paid once.
    assert_eq!(
        callback(
            &server,
            TEST_CALLBACK_TOKEN,
            paid("e1", &order.number, total)
        )
        .await,
        200
    );
    assert_eq!(
        callback(
            &server,
            TEST_CALLBACK_TOKEN,
            paid("e1", &order.number, total)
        )
        .await,
        200
    );
    for socket in [&mut tab, &mut other] {
        let update = wait_for(socket, |m| match m {
            ServerMsg::OrderUpdated { order } => Some(order.clone()),
            _ => None,
        })
        .await;
        assert_eq!(update.status, OrderStatus::Paid);
    }
    assert_eq!(status_of(&server, &order.number).await, "paid");
    assert_eq!(
        db_number(&mut db, "SELECT COUNT(*) FROM payment_events").await,
        1
    );
    assert_eq!(
        db_stock(&mut db, "drop", "default").await,
        9,
        "sold, not given back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_callback_for_another_amount_is_flagged_and_not_confirmed() {
    let server = server().await;
    let (mut tab, _, request) = shopper(&server, PayMethod::Qris).await;
    let order = placed(&checkout(&mut tab, "buy", &request).await).clone();
    let short = order.totals.total.minor - 100;
    assert_eq!(
        callback(
            &server,
            TEST_CALLBACK_TOKEN,
            paid("e1", &order.number, short)
        )
        .await,
        200
    );
    assert_eq!(status_of(&server, &order.number).await, "awaiting_payment");
    let mut db = open_db(&server.db()).await;
    let flagged: Option<String> = sqlx::query_scalar("SELECT flagged FROM orders")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert!(flagged.is_some_and(|why| why.contains(&short.to_string())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unpaid_virtual_account_expires_and_gives_its_stock_back() {
    let server = server_with(|config| config.payment_window_secs = 1).await;
    let (mut tab, _, request) =
        shopper(&server, PayMethod::VirtualAccount { bank: Bank::Bca }).await;
    let order = placed(&checkout(&mut tab, "buy", &request).await).clone();
    assert!(matches!(
        order.payment.as_ref().map(|p| &p.action),
        Some(PayAction::Transfer { bank: Bank::Bca, account_number }) if account_number.len() >= 10
    ));
    let mut db = open_db(&server.db()).await;
    assert_eq!(db_stock(&mut db, "drop", "default").await, 9);
    let update = wait_for(&mut tab, |m| match m {
        ServerMsg::OrderUpdated { order } => Some(order.clone()),
        _ => None,
    })
    .await;
    assert_eq!(update.status, OrderStatus::Expired);
    assert_eq!(db_stock(&mut db, "drop", "default").await, 10, "given back");
    // Paying after the expiry takes nothing, and the order stays expired.
    let paid: serde_json::Value = http()
        .post(format!(
            "{}/api/v1/payments/test/pay/{}",
            base(&server),
            order.number
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid["paid"], false);
    assert_eq!(status_of(&server, &order.number).await, "expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_test_pay_page_pays_an_e_wallet_order() {
    let server = server().await;
    let method = PayMethod::Ewallet {
        wallet: lapak_protocol::Ewallet::Gopay,
        phone: None,
    };
    let (mut tab, _, request) = shopper(&server, method).await;
    let order = placed(&checkout(&mut tab, "buy", &request).await).clone();
    let Some(PayAction::Open { url, .. }) = order.payment.map(|p| p.action) else {
        panic!("an e-wallet order opens the wallet");
    };
    let answer = http()
        .post(format!("{}{url}", base(&server)))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let update = wait_for(&mut tab, |m| match m {
        ServerMsg::OrderUpdated { order } => Some(order.clone()),
        _ => None,
    })
    .await;
    assert_eq!(update.status, OrderStatus::Paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cash_on_delivery_is_confirmed_up_to_the_limit_and_refused_over_it() {
    let server = server().await;
    let (mut tab, _, request) = shopper(&server, PayMethod::CashOnDelivery).await;
    let order = placed(&checkout(&mut tab, "buy", &request).await).clone();
    assert_eq!(order.status, OrderStatus::PayOnDelivery);
    assert!(matches!(
        order.payment.map(|p| p.action),
        Some(PayAction::OnDelivery)
    ));

    let (mut big, _, mut request) = shopper(&server, PayMethod::CashOnDelivery).await;
    let over = lapak_server::payment::TEST_COD_LIMIT + 1;
    request.total = Money {
        minor: over,
        currency: "IDR".into(),
    };
    let reply = checkout(&mut big, "buy", &request).await;
    assert_eq!(refused(&reply), RejectCode::PaymentUnavailable, "{reply:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_card_number_sent_with_another_method_is_refused_and_not_stored() {
    let server = server().await;
    let (mut tab, _, mut request) = shopper(&server, PayMethod::Qris).await;
    request.card = card("4242424242424242");
    let reply = checkout(&mut tab, "buy", &request).await;
    assert_eq!(refused(&reply), RejectCode::BadRequest, "{reply:?}");
    let mut db = open_db(&server.db()).await;
    assert_eq!(db_count(&mut db, "orders").await, 0);
    // And the test cards still need their card.
    let (mut tab, _, mut request) = shopper(&server, PayMethod::Card).await;
    request.card = Card::default();
    let reply = checkout(&mut tab, "buy", &request).await;
    assert_eq!(refused(&reply), RejectCode::InvalidDetails, "{reply:?}");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// The provider took the money, and Lapak never heard (its callback was
/// lost, or the server was down): after a restart, the sweeper asks the
/// provider when the request expires, and the order is paid, not released.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_payment_taken_while_the_server_was_down_is_reconciled_by_asking_the_provider() {
    let server = server_with(|config| config.payment_window_secs = 2).await;
    let (mut tab, token, request) = shopper(&server, PayMethod::Qris).await;
    let order = placed(&checkout(&mut tab, "buy", &request).await).clone();
    drop(tab);
    let TestServer { running, dir } = server;
    running.stop().await;
    // Meanwhile, at the provider: the shopper paid.
    let mut db = open_db_for_writing(&dir.path().join("lapak.db")).await;
    sqlx::query(
        "INSERT INTO test_provider_charges (key, reference, amount_minor, currency) VALUES ($1, $2, $3, $4)",
    )
    .bind(&order.number)
    .bind(format!("test_ch_{}", order.number))
    .bind(order.totals.total.minor)
    .bind("IDR")
    .execute(&mut db)
    .await
    .unwrap();
    drop(db);
    let mut config = config(dir.path().join("lapak.db"));
    config.payment_window_secs = 2;
    let server = TestServer {
        running: lapak_server::start(config).await.unwrap(),
        dir,
    };
    let mut tab = connect(&server.url()).await;
    hello(&mut tab, Some(&token)).await;
    let update = wait_for(&mut tab, |m| match m {
        ServerMsg::OrderUpdated { order } => Some(order.clone()),
        _ => None,
    })
    .await;
    assert_eq!(update.status, OrderStatus::Paid);
    let mut db = open_db(&server.db()).await;
    assert_eq!(
        db_stock(&mut db, "drop", "default").await,
        9,
        "sold, not released"
    );
}

/// A flood of callbacks is cut off before any is verified: past the burst, 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_callbacks_is_rate_limited() {
    let server = server().await;
    let client = http();
    let url = format!("{}/api/v1/payments/test/callback", base(&server));
    let sends = (0..3 * lapak_server::CALLBACK_BURST).map(|_| {
        client
            .post(&url)
            .header(TEST_TOKEN_HEADER, "forged")
            .body("{}")
            .send()
    });
    let answers = futures::future::join_all(sends).await;
    let limited = answers
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|a| a.status().as_u16() == 429))
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|a| a.status().as_u16() == 401))
        .count();
    assert!(limited > 0, "some are cut off");
    assert!(
        refused <= lapak_server::CALLBACK_BURST as usize * 2,
        "no more than the burst and what refilled meanwhile are read: {refused}"
    );
}
