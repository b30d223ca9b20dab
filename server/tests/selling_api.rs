//! Selling from the studio API against the real server over real HTTP and
//! WebSocket: a host's flash deal reaches viewers and carts and checkout charge
//! its price until it is stopped; stock set by a host reaches viewers and
//! limits carts; the pinned message changes for every viewer and stays; the
//! dashboard's orders and GMV equal the orders table. Tag taps are counted once per command.
mod common;

use std::time::Duration;

use common::api::{signed_in, Api, Caller};
use common::{
    add, checkout_msg, command, open_db, placed, quote, refused, request_from, viewer, wait_for,
    Socket,
};
use lapak_protocol::{ClientMsg, Deal, RejectCode, ServerMsg};
use lapak_server::payment::APPROVE;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const DEALS: &str = "/api/v1/shows/test/deals";

fn jar_deal() -> Option<Value> {
    Some(json!({
        "product_id": "jar", "price": 3_000_000, "quantity": 2, "per_buyer": 1, "duration_s": 600
    }))
}

/// The price an acknowledged cart gives `product`'s line.
fn line_price(reply: &ServerMsg, product: &str) -> i64 {
    let ServerMsg::Ack {
        cart: Some(cart), ..
    } = reply
    else {
        panic!("not an acknowledged cart: {reply:?}");
    };
    cart.lines
        .iter()
        .find(|l| l.product_id == product)
        .map(|l| l.unit_price.minor)
        .expect("the product's line")
}

async fn started(socket: &mut Socket, id: &str) -> Deal {
    wait_for(socket, |m| match m {
        ServerMsg::DealStarted { deal, .. } if deal.id == id => Some(deal.clone()),
        _ => None,
    })
    .await
}

async fn host_deals(api: &Api, caller: &Caller) -> Vec<String> {
    let (_, deals) = api.call(caller, Method::GET, DEALS, None).await;
    deals
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["id"].as_str())
        .filter(|id| id.starts_with("host-"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_hosts_deal_is_charged_at_its_price_until_stopped() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut shopper, _) = viewer(&server, None).await;
    let (status, deal) = api.call(&host, Method::POST, DEALS, jar_deal()).await;
    assert_eq!(status, StatusCode::CREATED, "{deal}");
    let id = deal["id"].as_str().unwrap().to_owned();
    let heard = started(&mut shopper, &id).await;
    assert_eq!(
        (heard.price.minor, heard.quantity, heard.per_buyer),
        (3_000_000, 2, 1)
    );
    assert_eq!(heard.ends_at_ms - heard.starts_at_ms, 600_000);

    let (status, again) = api.call(&host, Method::POST, DEALS, jar_deal()).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("deal_running")),
        "one deal per product at a time"
    );

    // The cart and the order both carry the deal price.
    let reply = command(&mut shopper, &add("a", "jar", "default", 1)).await;
    assert_eq!(line_price(&reply, "jar"), 3_000_000);
    let quote = quote(&mut shopper, "q").await;
    let request = request_from(&quote, "std", APPROVE);
    let reply = command(&mut shopper, &checkout_msg("co", &request)).await;
    let order = placed(&reply);
    assert_eq!(order.lines[0].unit_price.minor, 3_000_000);
    wait_for(&mut shopper, |m| match m {
        ServerMsg::DealChanged {
            deal_id, remaining, ..
        } if *deal_id == id => Some(*remaining),
        _ => None,
    })
    .await;

    let (status, _) = api
        .call(&host, Method::DELETE, &format!("{DEALS}/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    wait_for(&mut shopper, |m| match m {
        ServerMsg::DealEnded { deal_id, .. } if *deal_id == id => Some(()),
        _ => None,
    })
    .await;
    assert!(host_deals(&api, &host).await.is_empty());
    let (mut late, _) = viewer(&server, None).await;
    let reply = command(&mut late, &add("b", "jar", "default", 1)).await;
    assert_eq!(
        line_price(&reply, "jar"),
        4_500_000,
        "the deal's price is gone"
    );
    let (status, gone) = api
        .call(&host, Method::DELETE, &format!("{DEALS}/{id}"), None)
        .await;
    assert_eq!(
        (status, gone["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn a_product_takes_a_new_deal_once_its_deal_is_stopped_or_has_ended() {
    // At 20× speed a deal of 10 s ends in half a second.
    let server = common::server_with(|c| c.speed = 20).await;
    common::api::team(&server).await;
    let api = Api::of(&server);
    let host = api
        .sign_in("host@demo.example", common::api::PASSWORD)
        .await
        .unwrap();
    let (mut watcher, _) = viewer(&server, None).await;
    let deal = |duration_s: u64| {
        Some(json!({
            "product_id": "jar", "price": 3_000_000, "quantity": 2, "per_buyer": 1,
            "duration_s": duration_s
        }))
    };
    let (status, first) = api.call(&host, Method::POST, DEALS, deal(600)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, refused) = api.call(&host, Method::POST, DEALS, deal(600)).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("deal_running"))
    );
    let first = first["id"].as_str().unwrap();
    let (status, _) = api
        .call(&host, Method::DELETE, &format!("{DEALS}/{first}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, second) = api.call(&host, Method::POST, DEALS, deal(10)).await;
    assert_eq!(status, StatusCode::CREATED, "stopped: {second}");
    let second = second["id"].as_str().unwrap().to_owned();
    wait_for(&mut watcher, |m| match m {
        ServerMsg::DealEnded { deal_id, .. } if *deal_id == second => Some(()),
        _ => None,
    })
    .await;
    let (status, third) = api.call(&host, Method::POST, DEALS, deal(600)).await;
    assert_eq!(status, StatusCode::CREATED, "ended: {third}");
    assert_eq!(
        host_deals(&api, &host).await,
        [third["id"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn a_hosts_deal_survives_a_restart_with_its_units_counted() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (status, deal) = api.call(&host, Method::POST, DEALS, jar_deal()).await;
    assert_eq!(status, StatusCode::CREATED, "{deal}");
    let server = common::restart(server).await;
    let (mut shopper, welcome) = viewer(&server, None).await;
    let running = welcome
        .show
        .deals
        .iter()
        .find(|d| Some(d.id.as_str()) == deal["id"].as_str())
        .expect("the deal runs on after a restart");
    assert_eq!(running.price.minor, 3_000_000);
    let reply = command(&mut shopper, &add("a", "jar", "default", 1)).await;
    assert_eq!(line_price(&reply, "jar"), 3_000_000);
    drop(api);
}

#[tokio::test]
async fn bad_deals_get_a_coded_4xx_and_nothing_starts() {
    let (_server, api, host) = signed_in("owner@demo.example").await;
    let deal = |overrides: Value| {
        let mut body = jar_deal().unwrap();
        for (key, value) in overrides.as_object().unwrap() {
            body[key] = value.clone();
        }
        Some(body)
    };
    let cases = [
        (
            deal(json!({ "price": 4_500_000 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            deal(json!({ "price": -1 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            deal(json!({ "quantity": 0 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            deal(json!({ "quantity": 100_001 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            deal(json!({ "per_buyer": 3 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            deal(json!({ "duration_s": 5 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            deal(json!({ "product_id": "nope" })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            deal(json!({ "extra": 1 })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = api.call(&host, Method::POST, DEALS, body.clone()).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{body:?}: {answer}"
        );
    }
    assert!(host_deals(&api, &host).await.is_empty());
}

#[tokio::test]
async fn stock_set_by_a_host_reaches_viewers_and_limits_carts() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut shopper, _) = viewer(&server, None).await;
    let jar = "/api/v1/shows/test/stock/jar/default";
    let (status, set) = api
        .call(&host, Method::PUT, jar, Some(json!({ "stock": 0 })))
        .await;
    assert_eq!((status, set["stock"].as_u64()), (StatusCode::OK, Some(0)));
    wait_for(&mut shopper, |m| match m {
        ServerMsg::StockChanged {
            product_id,
            stock: 0,
            ..
        } if product_id == "jar" => Some(()),
        _ => None,
    })
    .await;
    let reply = command(&mut shopper, &add("a", "jar", "default", 1)).await;
    assert_eq!(refused(&reply), RejectCode::OutOfStock);

    let (status, _) = api
        .call(&host, Method::PUT, jar, Some(json!({ "stock": 5 })))
        .await;
    assert_eq!(status, StatusCode::OK);
    let reply = command(&mut shopper, &add("b", "jar", "default", 1)).await;
    assert!(matches!(reply, ServerMsg::Ack { .. }), "{reply:?}");

    for (path, body, status) in [
        (
            "/api/v1/shows/test/stock/jar/nope",
            json!({ "stock": 1 }),
            StatusCode::NOT_FOUND,
        ),
        (
            jar,
            json!({ "stock": 1_000_001 }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            jar,
            json!({ "stock": -1 }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (got, answer) = api.call(&host, Method::PUT, path, Some(body)).await;
        assert_eq!(got, status, "{path}: {answer}");
    }
    let (_, stock) = api
        .call(&host, Method::GET, "/api/v1/shows/test/stock", None)
        .await;
    let jar_units = stock
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["product_id"] == "jar")
        .map(|s| s["stock"].as_u64());
    assert_eq!(
        jar_units,
        Some(Some(5)),
        "refused changes wrote nothing: {stock}"
    );
}

/// Adds `units` of a variant and checks out with a card that is approved.
async fn buy(socket: &mut Socket, product: &str, variant: &str, units: u32) {
    command(socket, &add("a", product, variant, units)).await;
    let quote = quote(socket, "q").await;
    let request = request_from(&quote, "std", APPROVE);
    let reply = command(socket, &checkout_msg("co", &request)).await;
    placed(&reply);
}

#[tokio::test]
async fn the_dashboards_orders_and_gmv_equal_the_orders_table() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut first, _) = viewer(&server, None).await;
    let (mut second, _) = viewer(&server, None).await;
    buy(&mut first, "shirt", "m", 2).await;
    buy(&mut second, "jar", "default", 1).await;
    tokio::time::sleep(Duration::from_millis(400)).await;

    let (status, metrics) = api
        .call(&host, Method::GET, "/api/v1/shows/test/metrics", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    let mut db = open_db(&server.db()).await;
    let (orders, gmv): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(subtotal_minor - discount_minor + coupon_minor) AS BIGINT) FROM orders WHERE status = 'paid'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(metrics["orders"].as_i64(), Some(orders));
    assert_eq!(metrics["gmv"]["minor"].as_i64(), Some(gmv));
    assert_eq!(orders, 2);
    let product = |id: &str| {
        metrics["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(product("shirt")["units"], 2);
    assert_eq!(product("shirt")["adds_to_cart"], 2);
    assert!(
        product("shirt")["impressions"].as_u64() >= Some(2),
        "the shirt's tag was up while both watched: {metrics}"
    );
    assert_eq!(product("drop")["impressions"], 0, "never pinned");
    assert_eq!(product("shirt")["gmv"]["minor"], 2 * 18_900_000);
    assert_eq!(product("jar")["orders"], 1);
    assert_eq!(metrics["units"], 3);
    assert_eq!(metrics["viewers"]["now"], 2);
    assert!(metrics["viewers"]["peak"].as_u64() >= Some(2), "{metrics}");
    let minutes = metrics["minutes"].as_array().unwrap();
    let sold: i64 = minutes
        .iter()
        .map(|m| m["gmv_minor"].as_i64().unwrap())
        .sum();
    assert_eq!(sold, gmv, "the minutes add up to the total: {metrics}");
    assert!(
        minutes
            .iter()
            .any(|m| m["pinned"].as_array().unwrap().contains(&json!("shirt"))),
        "the band says what was pinned: {metrics}"
    );

    // The export after the show: the same figures as CSV.
    let csv = |what: &'static str| {
        let request = api
            .http
            .get(format!("{}/api/v1/shows/test/metrics/{what}.csv", api.base))
            .header("cookie", host.cookie.clone().unwrap());
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let kind = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(kind.starts_with("text/csv"), "{kind}");
            response.text().await.unwrap()
        }
    };
    let products = csv("products").await;
    assert!(
        products.starts_with(
            "product_id,name,impressions,taps,tappers,adds_to_cart,orders,units,sales_minor,currency\n"
        ),
        "{products}"
    );
    assert!(products.contains(",0,0,2,1,2,37800000,IDR\n"), "{products}");
    let minutes = csv("minutes").await;
    let sales: i64 = minutes
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(5).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sales, gmv, "{minutes}");
}

#[tokio::test]
async fn tag_taps_count_once_per_command_and_only_for_the_shows_products() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut first, _) = viewer(&server, None).await;
    let (mut second, _) = viewer(&server, None).await;
    let tap = |id: &str, product: &str| ClientMsg::TagTap {
        id: id.into(),
        product_id: product.into(),
    };
    for (socket, id) in [(0, "t1"), (0, "t2"), (1, "t1")] {
        let socket = if socket == 0 { &mut first } else { &mut second };
        let reply = command(socket, &tap(id, "shirt")).await;
        assert!(matches!(reply, ServerMsg::Ack { .. }), "{reply:?}");
    }
    // A retry of the same command counts nothing more.
    command(&mut first, &tap("t2", "shirt")).await;
    let reply = command(&mut first, &tap("t3", "no-such-thing")).await;
    assert!(
        matches!(
            &reply,
            ServerMsg::Reject {
                code: RejectCode::UnknownProduct,
                ..
            }
        ),
        "{reply:?}"
    );

    let (status, metrics) = api
        .call(&host, Method::GET, "/api/v1/shows/test/metrics", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    let shirt = metrics["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product_id"] == "shirt")
        .cloned()
        .unwrap();
    assert_eq!(shirt["taps"], 3, "{shirt}");
    assert_eq!(shirt["tappers"], 2, "{shirt}");
    let mut db = open_db(&server.db()).await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tag_taps")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(
        rows, 2,
        "one row per shopper and product; the unknown product wrote nothing"
    );
}

#[tokio::test]
async fn the_pinned_message_and_its_translations_change_for_every_viewer_and_stay_after_a_restart()
{
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut watching, _) = viewer(&server, None).await;
    let message = "/api/v1/shows/test/message";
    let (status, set) = api
        .call(
            &host,
            Method::PUT,
            message,
            Some(json!({ "text": " Flash sale at 8\u{202E} ", "translations": { "id": "Flash sale jam 8 " } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        set["text"], "Flash sale at 8",
        "trimmed, the bidi override dropped"
    );
    assert_eq!(set["translations"]["id"], "Flash sale jam 8");
    let heard = wait_for(&mut watching, |m| match m {
        ServerMsg::PinnedMessage {
            text, translations, ..
        } => Some((text.clone(), translations.clone())),
        _ => None,
    })
    .await;
    assert_eq!(heard.0.as_deref(), Some("Flash sale at 8"));
    assert_eq!(heard.1["id"], "Flash sale jam 8");

    for bad in [
        json!({ "text": "" }),
        json!({ "text": "a\u{0000}b" }),
        json!({ "text": "x".repeat(1000) }),
        json!({ "text": "Sale", "translations": { "fr": "Soldes" } }),
        json!({ "text": "Sale", "translations": { "id": "" } }),
        json!({ "text": "Sale", "translations": { "id": "x".repeat(1000) } }),
    ] {
        let (status, answer) = api
            .call(&host, Method::PUT, message, Some(bad.clone()))
            .await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
            "{bad}"
        );
    }
    let server = common::restart(server).await;
    let (_, welcome) = viewer(&server, None).await;
    assert_eq!(
        welcome.show.community.pinned.as_deref(),
        Some("Flash sale at 8"),
        "kept, and no bad text replaced it"
    );
    assert_eq!(
        welcome.show.community.pinned_translations["id"],
        "Flash sale jam 8"
    );

    let api = Api::of(&server);
    let host = api
        .sign_in("host@demo.example", common::api::PASSWORD)
        .await
        .unwrap();
    let (status, _) = api
        .call(&host, Method::PUT, message, Some(json!({ "text": null })))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, welcome) = viewer(&server, None).await;
    assert_eq!(welcome.show.community.pinned, None, "taken down");
    assert!(welcome.show.community.pinned_translations.is_empty());
}

#[tokio::test]
async fn a_retried_post_with_its_idempotency_key_starts_one_deal() {
    let (_server, api, host) = signed_in("host@demo.example").await;
    let post = |key: &str, body: Value| {
        api.http
            .post(format!("{}{DEALS}", api.base))
            .header("cookie", host.cookie.clone().unwrap())
            .header("x-csrf-token", host.csrf.clone().unwrap())
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first = post("deal-7f3a", jar_deal().unwrap()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = post("deal-7f3a", jar_deal().unwrap()).await.unwrap();
    assert_eq!(
        again.status(),
        StatusCode::CREATED,
        "the first answer, not deal_running"
    );
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(
        host_deals(&api, &host).await,
        [first["id"].as_str().unwrap()]
    );

    let mut other = jar_deal().unwrap();
    other["price"] = json!(2_000_000);
    let reused = post("deal-7f3a", other).await.unwrap();
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    let reused: Value = reused.json().await.unwrap();
    assert_eq!(reused["code"], "idempotency_key_in_use");
    let too_long = post(
        Box::leak("k".repeat(101).into_boxed_str()),
        jar_deal().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        host_deals(&api, &host).await.len(),
        1,
        "nothing else started"
    );
}
