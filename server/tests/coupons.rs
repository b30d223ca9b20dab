//! Coupons against the real server over real WebSocket and HTTP: a mission's
//! coupon and a host's code go into the wallet, a quote applies one by the
//! one pricing rule, checkout charges exactly that and uses it once whatever
//! the retries, a failed payment gives it back, and a used, expired, unknown
//! or too-small-a-cart coupon is refused with its reason and nothing written.
mod common;

use common::api::signed_in;
use common::{
    acked, add, checkout, command, db_count, db_number, open_db, placed, refused, request_from,
    viewer, wait_for, Socket,
};
use lapak_protocol::{ClientMsg, CouponProblem, Off, Quote, RejectCode, ServerMsg, Wallet};
use lapak_server::payment::{APPROVE, DECLINE};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The test show's share mission grants 10 % off from Rp100.000 of merchandise.
const SHARE_COUPON: &str = "mission:share-1:show";

/// Runs `sql` on the server's database, as an operator would: to move a
/// coupon's expiry into the past without waiting for it.
async fn operator(server: &common::TestServer, sql: &str) {
    let mut conn = common::open_db_for_writing(&server.db()).await;
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

async fn wallet_changed(socket: &mut Socket) -> Wallet {
    wait_for(socket, |m| match m {
        ServerMsg::WalletChanged { wallet } => Some(wallet.clone()),
        _ => None,
    })
    .await
}

async fn quote_with(socket: &mut Socket, id: &str, coupon: &str) -> Quote {
    let ask = ClientMsg::Quote {
        id: id.into(),
        coupon: Some(coupon.into()),
    };
    match command(socket, &ask).await {
        ServerMsg::Quoted { quote, .. } => quote,
        other => panic!("expected Quoted, got {other:?}"),
    }
}

/// Shares the show and waits for the share mission's coupon in the wallet.
async fn earn_share_coupon(socket: &mut Socket) {
    let share = ClientMsg::Share { id: "share".into() };
    assert!(matches!(
        command(socket, &share).await,
        ServerMsg::Ack { .. }
    ));
    let wallet = wallet_changed(socket).await;
    let coupon = &wallet.coupons[0];
    assert_eq!(coupon.code, SHARE_COUPON);
    assert_eq!(coupon.terms.off, Off::Percent { percent: 10 });
    assert_eq!(coupon.mission_id.as_deref(), Some("share-1"));
    assert!(!coupon.used);
}

#[tokio::test]
async fn a_missions_coupon_takes_its_percent_once_whatever_the_retries() {
    let server = common::server().await;
    let (mut tab, _) = viewer(&server, None).await;
    earn_share_coupon(&mut tab).await;
    acked(&mut tab, &add("a-1", "shirt", "m", 1)).await;

    let quote = quote_with(&mut tab, "q-1", SHARE_COUPON).await;
    let totals = quote.totals("std").unwrap();
    // Rp189.000 less 10 %, plus shipping.
    assert_eq!(totals.coupon.as_ref().map(|c| c.minor), Some(1_890_000));
    assert_eq!(
        totals.total.minor,
        18_900_000 - 1_890_000 + totals.shipping.minor
    );
    let mut request = request_from(&quote, "std", APPROVE);
    request.coupon = Some(SHARE_COUPON.into());
    let first = checkout(&mut tab, "buy-1", &request).await;
    let order = placed(&first).clone();
    assert_eq!(order.totals, totals, "the order is charged as quoted");
    // The receipt keeps the names in the shopper's language as they were.
    let line = &order.lines[0];
    let receipt = order.clone().in_language("id");
    assert_eq!(
        (line.name.as_str(), line.variant_label.as_str()),
        ("Shirt", "M")
    );
    let id_line = &receipt.lines[0];
    assert_eq!(
        (id_line.name.as_str(), id_line.variant_label.as_str()),
        ("Kemeja", "Sedang")
    );
    let used = wallet_changed(&mut tab).await;
    assert!(used.coupons[0].used, "{used:?}");

    // The same checkout again: the same order, the coupon still used once.
    let again = checkout(&mut tab, "buy-1", &request).await;
    assert_eq!(placed(&again).number, order.number);
    let mut db = open_db(&server.db()).await;
    let sql = "SELECT COUNT(*) FROM orders WHERE coupon_code IS NOT NULL";
    assert_eq!(db_number(&mut db, sql).await, 1);
    let sql = "SELECT coupon_minor FROM orders";
    assert_eq!(db_number(&mut db, sql).await, 1_890_000);

    // A second cart cannot use it again: refused with the reason, nothing written.
    acked(&mut tab, &add("a-2", "shirt", "m", 1)).await;
    let quote = quote_with(&mut tab, "q-2", SHARE_COUPON).await;
    assert_eq!(quote.coupon_problem, Some(CouponProblem::Used));
    assert_eq!(quote.coupon, None);
    let mut stale = request_from(&quote, "std", APPROVE);
    stale.coupon = Some(SHARE_COUPON.into());
    let reply = checkout(&mut tab, "buy-2", &stale).await;
    assert_eq!(refused(&reply), RejectCode::CouponUsed);
    assert_eq!(db_count(&mut db, "orders").await, 1);
    server.running.stop().await;
}

#[tokio::test]
async fn a_declined_card_gives_the_coupon_back() {
    let server = common::server().await;
    let (mut tab, _) = viewer(&server, None).await;
    earn_share_coupon(&mut tab).await;
    acked(&mut tab, &add("a-1", "lamp", "default", 1)).await;
    let quote = quote_with(&mut tab, "q", SHARE_COUPON).await;
    let mut request = request_from(&quote, "std", DECLINE);
    request.coupon = Some(SHARE_COUPON.into());
    let reply = checkout(&mut tab, "declined", &request).await;
    assert_eq!(refused(&reply), RejectCode::PaymentDeclined);
    // Taken for the order, then given back when the card is declined.
    let used = wallet_changed(&mut tab).await;
    assert!(used.coupons[0].used, "{used:?}");
    let back = wallet_changed(&mut tab).await;
    assert!(!back.coupons[0].used, "given back: {back:?}");

    request.card.number = APPROVE.into();
    let reply = checkout(&mut tab, "approved", &request).await;
    // The lamp is on a flash deal at Rp200.000: the coupon takes 10 % of that.
    let totals = &placed(&reply).totals;
    assert!(totals.discount.minor > 0, "{totals:?}");
    assert_eq!(totals.coupon.as_ref().map(|c| c.minor), Some(2_000_000));
    server.running.stop().await;
}

#[tokio::test]
async fn a_coupon_below_its_spend_unknown_or_expired_is_refused_with_its_reason() {
    let server = common::server().await;
    let (mut tab, _) = viewer(&server, None).await;
    earn_share_coupon(&mut tab).await;
    // Rp45.000 of jam is below the Rp100.000 the coupon needs.
    acked(&mut tab, &add("a-1", "jar", "default", 1)).await;
    let small = quote_with(&mut tab, "q-1", SHARE_COUPON).await;
    assert_eq!(
        small.coupon_problem,
        Some(CouponProblem::MinSpend {
            min_spend: 10_000_000
        })
    );
    let mut request = request_from(&small, "std", APPROVE);
    request.coupon = Some(SHARE_COUPON.into());
    let reply = checkout(&mut tab, "small", &request).await;
    assert_eq!(refused(&reply), RejectCode::CouponMinSpend);

    let unknown = quote_with(&mut tab, "q-2", "GIVEAWAY").await;
    assert_eq!(unknown.coupon_problem, Some(CouponProblem::Unknown));
    request.coupon = Some("GIVEAWAY".into());
    let reply = checkout(&mut tab, "unknown", &request).await;
    assert_eq!(refused(&reply), RejectCode::CouponUnknown);

    acked(&mut tab, &add("a-2", "lamp", "default", 1)).await;
    operator(&server, "UPDATE coupons SET expires_at_ms = 1").await;
    let mut db = open_db(&server.db()).await;
    let late = quote_with(&mut tab, "q-3", SHARE_COUPON).await;
    assert_eq!(late.coupon_problem, Some(CouponProblem::Expired));
    let mut request = request_from(&late, "std", APPROVE);
    request.coupon = Some(SHARE_COUPON.into());
    let reply = checkout(&mut tab, "late", &request).await;
    assert_eq!(refused(&reply), RejectCode::CouponExpired);
    assert_eq!(db_count(&mut db, "orders").await, 0, "nothing was written");
    server.running.stop().await;
}

#[tokio::test]
async fn a_hosts_code_is_claimed_within_its_limit_and_used_for_its_amount() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let path = "/api/v1/shows/test/coupons";
    let code = json!({
        "code": "batik-25k", "amount_off": 2_500_000, "min_spend": 0,
        "valid_hours": 24, "max_claims": 1
    });
    let (status, made) = api
        .call(&host, Method::POST, path, Some(code.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["code"], "BATIK-25K");
    let (status, twice) = api.call(&host, Method::POST, path, Some(code)).await;
    assert_eq!(
        (status, twice["code"].as_str()),
        (StatusCode::CONFLICT, Some("coupon_exists"))
    );
    let bad = json!({ "code": "X", "percent_off": 95, "valid_hours": 24, "max_claims": 1 });
    let (status, _) = api.call(&host, Method::POST, path, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (mut first, _) = viewer(&server, None).await;
    let claim = |id: &str, code: &str| ClientMsg::ClaimCoupon {
        id: id.into(),
        code: code.into(),
    };
    let reply = command(&mut first, &claim("c-1", " batik-25k ")).await;
    assert!(matches!(reply, ServerMsg::Ack { .. }), "{reply:?}");
    let wallet = wallet_changed(&mut first).await;
    assert_eq!(wallet.coupons[0].code, "BATIK-25K");
    // A retried claim is the same claim.
    let reply = command(&mut first, &claim("c-1", "batik-25k")).await;
    assert!(matches!(reply, ServerMsg::Ack { .. }), "{reply:?}");

    let (mut second, _) = viewer(&server, None).await;
    let reply = command(&mut second, &claim("c-2", "BATIK-25K")).await;
    assert_eq!(refused(&reply), RejectCode::CouponAllClaimed);
    let reply = command(&mut second, &claim("c-3", "NOPE-NOPE")).await;
    assert_eq!(refused(&reply), RejectCode::CouponUnknown);

    acked(&mut first, &add("a-1", "jar", "default", 1)).await;
    let quote = quote_with(&mut first, "q", "BATIK-25K").await;
    let mut request = request_from(&quote, "std", APPROVE);
    request.coupon = Some("BATIK-25K".into());
    let order = placed(&checkout(&mut first, "buy", &request).await).clone();
    assert_eq!(
        order.totals.total.minor,
        4_500_000 - 2_500_000 + order.totals.shipping.minor
    );
    let (_, codes) = api.call(&host, Method::GET, path, None).await;
    assert_eq!(
        (&codes[0]["code"], &codes[0]["claims"], &codes[0]["orders"]),
        (&json!("BATIK-25K"), &json!(1), &json!(1)),
        "{codes}"
    );
    let (metrics_status, metrics) = api
        .call(&host, Method::GET, "/api/v1/shows/test/metrics", None)
        .await;
    assert_eq!(metrics_status, StatusCode::OK);
    assert_eq!(
        metrics["gmv"]["minor"], 4_500_000,
        "GMV is the merchandise, before the coupon"
    );
    assert_eq!(
        (
            &metrics["coupon_orders"],
            &metrics["coupon_discounts"]["minor"]
        ),
        (&json!(1), &json!(2_500_000)),
        "what coupons cost the brand, apart"
    );

    operator(
        &server,
        "UPDATE coupon_codes SET expires_at_ms = 1, max_claims = 5",
    )
    .await;
    let reply = command(&mut second, &claim("c-4", "BATIK-25K")).await;
    assert_eq!(refused(&reply), RejectCode::CouponExpired);
    server.running.stop().await;
}
