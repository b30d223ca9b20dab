//! An ended show's results, against the real server over real HTTP and
//! WebSockets: after the host ends it, its dashboard keeps the orders and
//! sales it had while live and says when it ended and that its replay plays;
//! the host's earnings from gifts are in money at the show's own rate, and the
//! top gifters are named as shoppers saw them in the gift lane, with their
//! coins and money, alike in JSON and in `gifters.csv`, also after a restart;
//! the peak, the minutes and the adds to cart are those of the live show, not
//! raised by the replay's viewers, and kept across a restart.
//! Another brand's host reads none of it. On PostgreSQL too, with
//! `LAPAK_TEST_POSTGRES`.
mod common;

use std::path::PathBuf;

use common::api::{team, Api, Caller, PASSWORD};
use common::*;
use lapak_protocol::{ClientMsg, OrderStatus, ServerMsg, Welcome};
use lapak_server::payment::APPROVE;
use reqwest::{Method, StatusCode};
use serde_json::Value;

const METRICS: &str = "/api/v1/shows/live/metrics";
/// The live test show's `host_credit_per_coin`: Rp80 a coin.
const PER_COIN: i64 = 8_000;

/// The live test show (its host's encoder publishes here, so it can be ended) with its team.
async fn live_server() -> TestServer {
    let server = server_with(|config| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        config.show = vec![root.join("tests/fixtures/live-show.toml")];
    })
    .await;
    team(&server).await;
    server
}

/// A shopper named `name` who buys coins and sends `gifts` (gift id, count, coins each).
async fn gifter(server: &TestServer, name: &str, gifts: &[(&str, u32, u32)]) -> (Socket, Welcome) {
    let (mut socket, welcome) = viewer(server, None).await;
    let named = ClientMsg::SetName {
        id: "name".into(),
        name: name.into(),
    };
    assert!(matches!(
        command(&mut socket, &named).await,
        ServerMsg::Ack { .. }
    ));
    top_up(&mut socket, "coins", &pack(&welcome, "coins-100")).await;
    for (at, (gift, count, coins)) in gifts.iter().enumerate() {
        let sent = command(
            &mut socket,
            &gift_msg(&format!("g-{at}"), gift, *count, *coins),
        )
        .await;
        assert!(matches!(sent, ServerMsg::Ack { .. }), "{sent:?}");
    }
    (socket, welcome)
}

async fn metrics(api: &Api, who: &Caller) -> Value {
    let (status, metrics) = api.call(who, Method::GET, METRICS, None).await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    metrics
}

async fn csv(api: &Api, who: &Caller, file: &str) -> (StatusCode, String) {
    let request = api.request(who, Method::GET, &format!("{METRICS}/{file}"));
    api.send(request).await
}

/// The gifters and the earnings, as the dashboard and `gifters.csv` give them.
async fn assert_gifts(api: &Api, host: &Caller, figures: &Value) {
    let gifts = &figures["gifts"];
    // Rina: 5 roses and an Iced Coffee (15 coins); Budi: a Batik Fan (50).
    assert_eq!(gifts["coins"], 65, "{gifts}");
    assert_eq!(gifts["earned"]["minor"], 65 * PER_COIN, "{gifts}");
    assert_eq!(gifts["earned"]["currency"], "IDR");
    let top: Vec<(&str, u64, i64)> = gifts["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap(),
                g["coins"].as_u64().unwrap(),
                g["earned"]["minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [("Budi", 50, 50 * PER_COIN), ("Rina", 15, 15 * PER_COIN)]
    );
    let (status, file) = csv(api, host, "gifters.csv").await;
    assert_eq!(status, StatusCode::OK, "{file}");
    let budi = gifts["top"][0]["viewer_id"].as_u64().unwrap();
    let rina = gifts["top"][1]["viewer_id"].as_u64().unwrap();
    assert_eq!(
        file,
        format!(
            "rank,viewer_id,name,coins,earned_minor,currency\n\
             1,{budi},Budi,50,400000,IDR\n\
             2,{rina},Rina,15,120000,IDR\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_ended_show_keeps_its_figures_and_tells_the_host_what_gifts_earned() {
    let server = live_server().await;
    let api = Api::of(&server);
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();

    let (mut rina, rina_welcome) =
        gifter(&server, "Rina", &[("rose", 5, 1), ("coffee", 1, 10)]).await;
    let (_budi, _) = gifter(&server, "Budi", &[("fan", 1, 50)]).await;
    // What the gift lane showed shoppers: the sender's chosen name.
    let streak = wait_for(&mut rina, |m| match m {
        ServerMsg::Gifted { streak, .. } if streak.gift_id == "fan" => Some(streak.clone()),
        _ => None,
    })
    .await;
    assert_eq!(streak.from.name, "Budi");
    let added = command(&mut rina, &add("a", "jar", "default", 2)).await;
    assert!(matches!(added, ServerMsg::Ack { .. }), "{added:?}");
    let quote = quote(&mut rina, "q").await;
    let order =
        placed(&checkout(&mut rina, "buy", &request_from(&quote, "std", APPROVE)).await).clone();
    assert_eq!(order.status, OrderStatus::Paid);
    let gmv = 2 * 4_500_000;

    let live = metrics(&api, &host).await;
    assert!(live.get("ended").is_none(), "not ended yet: {live}");
    assert_eq!(live["orders"], 1);
    assert_eq!(live["gmv"]["minor"], gmv);

    let (status, _) = api
        .call(&host, Method::POST, "/api/v1/shows/live/end", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let ended = metrics(&api, &host).await;
    let at = ended["ended"]["at_ms"].as_i64().expect("when it ended");
    let peak = ended["viewers"]["peak"].as_u64().unwrap();
    assert!(peak >= 2, "Rina and Budi watched: {ended}");
    let jar = &ended["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product_id"] == "jar")
        .unwrap();
    assert_eq!(jar["adds_to_cart"], 2, "{jar}");
    assert!(at >= live["at_ms"].as_i64().unwrap() && at <= ended["at_ms"].as_i64().unwrap());
    assert_eq!(ended["ended"]["replay"], true, "{ended}");
    for figure in [
        "orders",
        "units",
        "gmv",
        "net_sales",
        "statuses",
        "products",
        "gifts",
    ] {
        assert_eq!(ended[figure], live[figure], "{figure} kept once ended");
    }
    assert_eq!(ended["net_sales"]["minor"], order.totals.total.minor);
    assert_gifts(&api, &host, &ended).await;
    // The replay's viewers are not the live show's: its peak and minutes stay.
    let mut replay_viewers = Vec::new();
    for _ in 0..=peak {
        replay_viewers.push(viewer(&server, None).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let later = metrics(&api, &host).await;
    assert!(later["viewers"]["now"].as_u64().unwrap() > peak, "{later}");
    for figure in ["minutes", "products"] {
        assert_eq!(later[figure], ended[figure], "{figure} as it ended");
    }
    assert_eq!(later["viewers"]["peak"], peak);
    drop(replay_viewers);
    let (status, orders) = csv(&api, &host, "orders.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(orders.contains(&format!("{},", order.number)), "{orders}");
    assert_eq!(rina_welcome.show.id, "live");

    // The database keeps them: a restart changes none of it.
    let server = restart_with_team(server).await;
    let api = Api::of(&server);
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let after = metrics(&api, &host).await;
    assert_eq!(after["ended"]["at_ms"], at);
    assert_eq!(after["viewers"]["peak"], peak);
    for figure in ["orders", "gmv", "net_sales", "gifts", "minutes", "products"] {
        assert_eq!(
            after[figure], ended[figure],
            "{figure} kept after a restart"
        );
    }
    assert_gifts(&api, &host, &after).await;
    server.running.stop().await;
}

async fn restart_with_team(server: TestServer) -> TestServer {
    let TestServer { running, dir } = server;
    running.stop().await;
    let mut config = config(dir.path().join("lapak.db"));
    config.show =
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/live-show.toml")];
    let running = lapak_server::start(config).await.unwrap();
    TestServer { running, dir }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_brand_reads_no_figures_earnings_or_gifters() {
    let server = live_server().await;
    let api = Api::of(&server);
    gifter(&server, "Rina", &[("coffee", 1, 10)]).await;
    let rival = api.sign_in("host@rival.example", PASSWORD).await.unwrap();
    let moderator = api.sign_in("mod@demo.example", PASSWORD).await.unwrap();
    for file in ["", "/gifters.csv", "/orders.csv"] {
        let path = format!("{METRICS}{file}");
        let (status, body) = api.send(api.request(&rival, Method::GET, &path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.contains("Rina") && !body.contains("80000"), "{body}");
        let (status, body) = api.send(api.request(&moderator, Method::GET, &path)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert!(!body.contains("Rina"), "{body}");
    }
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let (status, file) = csv(&api, &host, "gifters.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(file.contains(",Rina,10,80000,IDR"), "{file}");
    server.running.stop().await;
}
