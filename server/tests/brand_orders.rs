//! The brand's side of real money, against the real server and the test
//! provider over real HTTP and WebSockets: a show's orders listed newest
//! first; a paid order refunded in part and in full through its provider
//! (the shopper's tabs told, the dashboard's figures and `orders.csv`
//! following), never beyond its total, also when two refunds race; a waiting
//! QRIS order cancelled, its stock and coupon back and its payment closed so
//! it cannot be paid; one paid meanwhile settled paid instead; cash on delivery
//! delivered or returned; and every route refused to whom it must be. On
//! PostgreSQL too, with `LAPAK_TEST_POSTGRES`.
mod common;

use common::api::{signed_in, Api, Caller, PASSWORD};
use common::*;
use lapak_protocol::{Card, CheckoutRequest, ClientMsg, Order, OrderStatus, PayMethod, ServerMsg};
use lapak_server::payment::APPROVE;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ORDERS: &str = "/api/v1/shows/test/orders";
const METRICS: &str = "/api/v1/shows/test/metrics";

/// A shopper with one `drop` (10 in stock) in the cart, and the request to buy it by `method`.
async fn shopper(server: &TestServer, method: PayMethod) -> (Socket, CheckoutRequest) {
    let (mut socket, _) = viewer(server, None).await;
    acked(&mut socket, &add("a", "drop", "default", 1)).await;
    let quote = quote(&mut socket, "q").await;
    let card = if method == PayMethod::Card {
        APPROVE
    } else {
        ""
    };
    let mut request = request_from(&quote, "std", card);
    request.method = method;
    if request.method != PayMethod::Card {
        request.card = Card::default();
    }
    (socket, request)
}

/// A shopper's order placed by `method`, and the shopper's socket.
async fn ordered(server: &TestServer, method: PayMethod) -> (Socket, Order) {
    let (mut socket, request) = shopper(server, method).await;
    let order = placed(&checkout(&mut socket, "buy", &request).await).clone();
    (socket, order)
}

fn path(number: &str, what: &str) -> String {
    format!("{ORDERS}/{number}/{what}")
}

/// The next `OrderUpdated` the shopper's socket hears.
async fn updated(socket: &mut Socket) -> Order {
    wait_for(socket, |m| match m {
        ServerMsg::OrderUpdated { order } => Some((**order).clone()),
        _ => None,
    })
    .await
}

async fn column(server: &TestServer, sql: &str) -> i64 {
    let mut db = open_db(&server.db()).await;
    db_number(&mut db, sql).await
}

async fn stock(server: &TestServer) -> i64 {
    let mut db = open_db(&server.db()).await;
    db_stock(&mut db, "drop", "default").await
}

async fn metrics(api: &Api, who: &Caller) -> Value {
    let (status, metrics) = api.call(who, Method::GET, METRICS, None).await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    metrics
}

async fn orders_csv(api: &Api, who: &Caller) -> String {
    let request = api.request(who, Method::GET, "/api/v1/shows/test/metrics/orders.csv");
    let (status, csv) = api.send(request).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    csv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_paid_order_is_refunded_in_part_then_in_full_and_never_beyond_its_total() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut tab, order) = ordered(&server, PayMethod::Card).await;
    assert_eq!(order.status, OrderStatus::Paid);
    let total = order.totals.total.minor;
    let number = order.number.clone();

    let (status, page) = api.call(&host, Method::GET, ORDERS, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["orders"][0]["number"], number.as_str());
    assert_eq!(page["orders"][0]["status"], "paid");
    assert_eq!(page["orders"][0]["method"]["kind"], "card");
    assert_eq!(page["orders"][0]["totals"]["total"]["minor"], total);
    assert_eq!(page["orders"][0]["refunded"]["minor"], 0);

    // In part: the shopper's tab hears it, the order stays paid.
    let part = json!({ "amount": { "minor": 1_000_000, "currency": "IDR" } });
    let (status, refunded) = api
        .call(&host, Method::POST, &path(&number, "refund"), Some(part))
        .await;
    assert_eq!(status, StatusCode::OK, "{refunded}");
    assert_eq!(refunded["order"]["status"], "paid");
    assert_eq!(refunded["order"]["refunded"]["minor"], 1_000_000);
    assert!(refunded["reference"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    let heard = updated(&mut tab).await;
    assert_eq!(heard.refunded.map(|m| m.minor), Some(1_000_000));
    assert_eq!(heard.status, OrderStatus::Paid);
    let figures = metrics(&api, &host).await;
    assert_eq!(figures["statuses"]["paid"], 1, "{figures}");
    assert_eq!(figures["statuses"]["partly_refunded"], 1, "{figures}");
    assert_eq!(figures["net_sales"]["minor"], total - 1_000_000);
    assert_eq!(figures["refunds"]["minor"], 1_000_000);

    // More than is left, another currency, nothing: refused, nothing refunded.
    for amount in [
        json!({ "minor": total - 1_000_000 + 1, "currency": "IDR" }),
        json!({ "minor": 100, "currency": "USD" }),
        json!({ "minor": 0, "currency": "IDR" }),
    ] {
        let body = json!({ "amount": amount });
        let (status, answer) = api
            .call(&host, Method::POST, &path(&number, "refund"), Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    }

    // The rest, with no body: refunded in full.
    let (status, refunded) = api
        .call(&host, Method::POST, &path(&number, "refund"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{refunded}");
    assert_eq!(refunded["order"]["status"], "refunded");
    assert_eq!(refunded["order"]["refunded"]["minor"], total);
    assert_eq!(refunded["amount"]["minor"], total - 1_000_000);
    let heard = updated(&mut tab).await;
    assert_eq!(heard.status, OrderStatus::Refunded);

    // And the rest again: nothing is left.
    let (status, answer) = api
        .call(&host, Method::POST, &path(&number, "refund"), None)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("wrong_status")),
        "{answer}"
    );
    assert_eq!(
        column(&server, "SELECT COUNT(*) FROM refunds").await,
        2,
        "one row per refund"
    );
    let provider = "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM test_provider_refunds";
    assert_eq!(
        column(&server, provider).await,
        total,
        "the provider refunded the total"
    );
    let keys = format!("SELECT COUNT(*) FROM refunds WHERE refund_key IN ('{number}-refund-1', '{number}-refund-2')");
    assert_eq!(column(&server, &keys).await, 2);

    let figures = metrics(&api, &host).await;
    assert_eq!(figures["statuses"]["refunded"], 1, "{figures}");
    assert_eq!(figures["statuses"]["paid"], 0, "{figures}");
    assert_eq!(figures["net_sales"]["minor"], 0);
    assert_eq!(figures["refunds"]["minor"], total);
    assert_eq!(figures["orders"], 0, "a refunded order is no longer paid");

    let csv = orders_csv(&api, &host).await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("number,placed_at,status,method,provider,units,total_minor,refunded_minor,currency,flagged")
    );
    let row = lines.next().unwrap();
    assert!(row.starts_with(&format!("{number},")), "{csv}");
    assert!(
        row.contains(&format!(",refunded,card,test,1,{total},{total},IDR,")),
        "{csv}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_refunds_racing_do_not_exceed_the_total() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (_tab, order) = ordered(&server, PayMethod::Card).await;
    let total = order.totals.total.minor;
    // Each alone may be refunded; both together would exceed the total.
    let most = total * 6 / 10;
    let body = json!({ "amount": { "minor": most, "currency": "IDR" } });
    let refund = path(&order.number, "refund");
    let (first, second) = tokio::join!(
        api.call(&host, Method::POST, &refund, Some(body.clone())),
        api.call(&host, Method::POST, &refund, Some(body.clone())),
    );
    let statuses = [first.0, second.0];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "one refund goes through: {first:?} {second:?}"
    );
    assert!(statuses
        .iter()
        .any(|s| s.is_client_error() || s.is_server_error()));
    let refunded = format!(
        "SELECT refunded_minor FROM orders WHERE id = {}",
        &order.number[4..]
    );
    assert_eq!(column(&server, &refunded).await, most);
    assert_eq!(column(&server, "SELECT COUNT(*) FROM refunds").await, 1);
    let provider = "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM test_provider_refunds";
    assert_eq!(
        column(&server, provider).await,
        most,
        "refunded once at the provider"
    );

    // Two refunds of all that is left, at once: one refund, the order refunded in full.
    let (first, second) = tokio::join!(
        api.call(&host, Method::POST, &refund, None),
        api.call(&host, Method::POST, &refund, None),
    );
    let statuses = [first.0, second.0];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "one refund goes through: {first:?} {second:?}"
    );
    assert!(
        statuses.contains(&StatusCode::CONFLICT),
        "{first:?} {second:?}"
    );
    assert_eq!(column(&server, &refunded).await, total);
    assert_eq!(column(&server, "SELECT COUNT(*) FROM refunds").await, 2);
    assert_eq!(
        column(&server, provider).await,
        total,
        "never beyond the total"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelling_a_waiting_qris_order_gives_its_stock_and_coupon_back_and_it_cannot_be_paid_after(
) {
    let (server, api, host) = signed_in("host@demo.example").await;
    let code =
        json!({ "code": "BACK-AGAIN", "amount_off": 1000, "valid_hours": 24, "max_claims": 5 });
    let (status, made) = api
        .call(
            &host,
            Method::POST,
            "/api/v1/shows/test/coupons",
            Some(code),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (mut tab, _) = viewer(&server, None).await;
    let claim = ClientMsg::ClaimCoupon {
        id: "claim".into(),
        code: "BACK-AGAIN".into(),
    };
    assert!(matches!(
        command(&mut tab, &claim).await,
        ServerMsg::Ack { .. }
    ));
    let coupon_back = |m: &ServerMsg| match m {
        ServerMsg::WalletChanged { wallet } => wallet
            .coupons
            .iter()
            .any(|c| c.code == "BACK-AGAIN" && !c.used)
            .then_some(()),
        _ => None,
    };
    wait_for(&mut tab, coupon_back).await;
    acked(&mut tab, &add("a", "drop", "default", 1)).await;
    let ask = ClientMsg::Quote {
        id: "q".into(),
        coupon: Some("BACK-AGAIN".into()),
    };
    let ServerMsg::Quoted { quote, .. } = command(&mut tab, &ask).await else {
        panic!("a quote");
    };
    let mut request = request_from(&quote, "std", "");
    (request.method, request.card) = (PayMethod::Qris, Card::default());
    request.coupon = Some("BACK-AGAIN".into());
    let order = placed(&checkout(&mut tab, "buy", &request).await).clone();
    assert_eq!(order.status, OrderStatus::AwaitingPayment);
    assert_eq!(order.totals.coupon.as_ref().map(|c| c.minor), Some(1000));
    assert_eq!(stock(&server).await, 9, "held while it waits");
    let used = "SELECT COUNT(*) FROM coupons WHERE order_id IS NOT NULL";
    assert_eq!(column(&server, used).await, 1, "the coupon is held too");

    let (status, cancelled) = api
        .call(&host, Method::POST, &path(&order.number, "cancel"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    // The wallet hears the coupon back, then the tabs the order cancelled.
    wait_for(&mut tab, coupon_back).await;
    assert_eq!(updated(&mut tab).await.status, OrderStatus::Cancelled);
    assert_eq!(stock(&server).await, 10, "given back");
    assert_eq!(column(&server, used).await, 0, "the coupon is back");
    let cart = "SELECT COUNT(*) FROM cart_lines";
    assert_eq!(column(&server, cart).await, 0, "not into the cart");

    // The shopper's bank app pays afterwards: the provider takes nothing.
    let paid: Value = api
        .http
        .post(format!(
            "{}/api/v1/payments/test/pay/{}",
            api.base, order.number
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid["paid"], false);
    let (status, answer) = api
        .call(&host, Method::POST, &path(&order.number, "cancel"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let figures = metrics(&api, &host).await;
    assert_eq!(figures["statuses"]["cancelled"], 1, "{figures}");
    assert_eq!(figures["statuses"]["waiting"], 0, "{figures}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_paid_at_the_provider_before_its_cancel_is_settled_paid() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut tab, order) = ordered(&server, PayMethod::Qris).await;
    let _other = ordered(&server, PayMethod::Qris).await;
    let figures = metrics(&api, &host).await;
    assert_eq!(figures["statuses"]["waiting"], 2, "{figures}");
    // The money reached the provider; its callback has not reached Lapak yet.
    let mut db = open_db_for_writing(&server.db()).await;
    sqlx::query(
        "INSERT INTO test_provider_charges (key, reference, amount_minor, currency) VALUES ($1, $2, $3, 'IDR')",
    )
    .bind(&order.number)
    .bind(format!("test_ch_{}", order.number))
    .bind(order.totals.total.minor)
    .execute(&mut db)
    .await
    .unwrap();
    drop(db);
    let (status, answer) = api
        .call(&host, Method::POST, &path(&order.number, "cancel"), None)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("paid_meanwhile")),
        "{answer}"
    );
    assert_eq!(updated(&mut tab).await.status, OrderStatus::Paid);
    assert_eq!(stock(&server).await, 8, "sold, and the other still held");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cash_on_delivery_is_delivered_and_paid_or_returned_with_its_stock_back() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut first, delivered) = ordered(&server, PayMethod::CashOnDelivery).await;
    let (_, returned) = ordered(&server, PayMethod::CashOnDelivery).await;
    assert_eq!(delivered.status, OrderStatus::PayOnDelivery);
    assert_eq!(stock(&server).await, 8);
    let figures = metrics(&api, &host).await;
    assert_eq!(figures["statuses"]["pay_on_delivery"], 2, "{figures}");
    assert_eq!(figures["net_sales"]["minor"], 0, "nothing collected yet");

    let (status, answer) = api
        .call(
            &host,
            Method::POST,
            &path(&delivered.number, "delivered"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "paid");
    assert_eq!(updated(&mut first).await.status, OrderStatus::Paid);
    let reference = format!(
        "SELECT COUNT(*) FROM orders WHERE payment_ref = 'cod' AND id = {}",
        &delivered.number[4..]
    );
    assert_eq!(column(&server, &reference).await, 1);

    let (status, answer) = api
        .call(
            &host,
            Method::POST,
            &path(&returned.number, "returned"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "returned");
    assert_eq!(stock(&server).await, 9, "the returned unit is back");

    // Neither moves again, and money paid to a courier is not refunded through a provider.
    for (number, what) in [
        (&delivered.number, "delivered"),
        (&delivered.number, "returned"),
        (&returned.number, "delivered"),
        (&returned.number, "cancel"),
    ] {
        let (status, answer) = api
            .call(&host, Method::POST, &path(number, what), None)
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{what} {number}: {answer}");
    }
    let (status, answer) = api
        .call(
            &host,
            Method::POST,
            &path(&delivered.number, "refund"),
            None,
        )
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("no_provider")),
        "{answer}"
    );

    let figures = metrics(&api, &host).await;
    assert_eq!(figures["statuses"]["paid"], 1, "{figures}");
    assert_eq!(figures["statuses"]["returned"], 1, "{figures}");
    assert_eq!(figures["statuses"]["pay_on_delivery"], 0, "{figures}");
    assert_eq!(figures["net_sales"]["minor"], delivered.totals.total.minor);
    assert_eq!(figures["orders"], 1);
    let csv = orders_csv(&api, &host).await;
    assert!(csv.contains(",returned,cash_on_delivery,,1,"), "{csv}");
    assert!(csv.contains(",paid,cash_on_delivery,,1,"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_route_is_refused_to_whom_it_must_be_and_changes_nothing() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let (_tab, order) = ordered(&server, PayMethod::Card).await;
    let moderator = api.sign_in("mod@demo.example", PASSWORD).await.unwrap();
    let rival = api.sign_in("host@rival.example", PASSWORD).await.unwrap();
    let (_, reader) = api.token(&owner, &["shows:read"]).await;
    let (_, writer) = api.token(&owner, &["shows:write"]).await;
    let nobody = Caller::default();
    let number = order.number.as_str();
    let commands = ["refund", "cancel", "delivered", "returned"];

    for (who, caller, expected) in [
        ("nobody", &nobody, StatusCode::UNAUTHORIZED),
        ("a moderator", &moderator, StatusCode::FORBIDDEN),
        ("another brand's host", &rival, StatusCode::NOT_FOUND),
    ] {
        let (status, answer) = api.call(caller, Method::GET, ORDERS, None).await;
        assert_eq!(status, expected, "{who} lists: {answer}");
        for what in commands {
            let (status, answer) = api
                .call(caller, Method::POST, &path(number, what), None)
                .await;
            assert_eq!(status, expected, "{who} {what}: {answer}");
        }
    }
    // A read-only token lists, and changes nothing.
    let (status, _) = api.call(&reader, Method::GET, ORDERS, None).await;
    assert_eq!(status, StatusCode::OK);
    for what in commands {
        let (status, answer) = api
            .call(&reader, Method::POST, &path(number, what), None)
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "read-only token {what}: {answer}"
        );
    }
    let untouched = format!(
        "SELECT COUNT(*) FROM orders WHERE status = 'paid' AND refunded_minor = 0 AND id = {}",
        &number[4..]
    );
    assert_eq!(column(&server, &untouched).await, 1);
    assert_eq!(column(&server, "SELECT COUNT(*) FROM refunds").await, 0);

    // Unknown orders, bad paging, a body that is not a refund.
    for bad in ["LPK-999999", "nonsense"] {
        let (status, _) = api
            .call(&writer, Method::POST, &path(bad, "refund"), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
    for query in ["?limit=0", "?limit=1000", "?before=nonsense"] {
        let (status, _) = api
            .call(&writer, Method::GET, &format!("{ORDERS}{query}"), None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    let (status, answer) = api
        .call(
            &writer,
            Method::POST,
            &path(number, "refund"),
            Some(json!({ "sum": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["code"], "bad_request");
    let (status, answer) = api
        .call(&writer, Method::GET, &format!("{ORDERS}?limit=many"), None)
        .await;
    assert_eq!(
        (status, &answer["code"]),
        (StatusCode::BAD_REQUEST, &json!("bad_request"))
    );
    // A paid order is not cancelled.
    let (status, answer) = api
        .call(&writer, Method::POST, &path(number, "cancel"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");

    // A refund retried with its Idempotency-Key refunds once.
    let request = || {
        api.keyed(&writer, &path(number, "refund"), "refund-once")
            .json(&json!({ "amount": { "minor": 500_000, "currency": "IDR" } }))
    };
    let (first, _) = api.send(request()).await;
    let (again, _) = api.send(request()).await;
    assert_eq!((first, again), (StatusCode::OK, StatusCode::OK));
    assert_eq!(column(&server, "SELECT COUNT(*) FROM refunds").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_are_listed_newest_first_a_page_at_a_time_and_the_providers_named() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        numbers.push(ordered(&server, PayMethod::Card).await.1.number);
    }
    let (status, page) = api
        .call(&host, Method::GET, &format!("{ORDERS}?limit=2"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let listed: Vec<&str> = page["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [numbers[2].as_str(), numbers[1].as_str()]);
    let before = page["before"].as_str().unwrap();
    let (_, rest) = api
        .call(
            &host,
            Method::GET,
            &format!("{ORDERS}?limit=2&before={before}"),
            None,
        )
        .await;
    assert_eq!(rest["orders"].as_array().unwrap().len(), 1);
    assert_eq!(rest["orders"][0]["number"], numbers[0].as_str());
    assert!(rest.get("before").is_none(), "the last page: {rest}");

    let (status, setup) = api.call(&host, Method::GET, "/api/v1/payments", None).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    assert_eq!(
        setup["providers"],
        json!([{ "name": "test", "callback_path": "/api/v1/payments/test/callback" }])
    );
    assert_eq!(setup["offered"]["qris"], true);
    let (status, _) = api
        .call(&Caller::default(), Method::GET, "/api/v1/payments", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "only the brand's team");
}
