//! Several shows on one server, over real HTTP and WebSocket: each show has
//! its own catalogue, stock, carts, sessions, pins, chat and team; a socket
//! joins the show its address names; the schedule lists them live, upcoming
//! and ended.
mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::api::{team, Api, PASSWORD};
use common::{
    add, command, connect, drain, refused, send, server_with, wait_for, Socket, TestServer,
};
use futures::StreamExt;
use lapak_protocol::{ClientMsg, OnAir, RejectCode, ServerMsg, Welcome, PROTOCOL_VERSION};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite;

/// 2099-01-01T19:00:00+07:00, the later show's start, in unix ms.
const LATER_STARTS_AT_MS: i64 = 4_070_952_000_000;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}-show.toml"))
}

/// The test show (the default) and `more` beside it, with the test brand's
/// team and a host of brand `rival`.
async fn shows(more: &[&str]) -> TestServer {
    let server = server_with(|c| c.show.extend(more.iter().map(|name| fixture(name)))).await;
    team(&server).await;
    server
}

/// A greeted viewer of `show`, keeping `token`'s session if it is that show's.
async fn watch(server: &TestServer, show: &str, token: Option<&str>) -> (Socket, Welcome) {
    let mut socket = connect(&format!("{}?show={show}", server.url())).await;
    send(
        &mut socket,
        &ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: token.map(Into::into),
            show: Some(show.into()),
            resume: None,
        },
    )
    .await;
    let welcome = wait_for(&mut socket, |m| match m {
        ServerMsg::Welcome(welcome) => Some(welcome.clone()),
        _ => None,
    })
    .await;
    (socket, *welcome)
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_show_has_its_own_catalogue_stock_carts_and_sessions() {
    let server = shows(&["rival"]).await;
    let (mut test, at_test) = watch(&server, "test", None).await;
    let (mut rival, at_rival) = watch(&server, "rival", None).await;
    assert_eq!(at_test.show.id, "test");
    assert_eq!(at_rival.show.id, "rival");
    let products = |w: &Welcome| {
        w.show
            .products
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(products(&at_rival), ["kopi"]);
    assert!(!products(&at_test).contains(&"kopi".to_owned()));
    assert_eq!(common::welcome_stock(&at_rival, "kopi", "default"), 7);

    // The rival show's product is not the test show's to sell.
    let reply = command(&mut test, &add("c1", "kopi", "default", 1)).await;
    assert_eq!(refused(&reply), RejectCode::UnknownProduct);
    let cart = common::acked(&mut rival, &add("c1", "kopi", "default", 2)).await;
    assert_eq!(
        common::quantities(&cart),
        [("kopi".into(), "default".into(), 2)]
    );

    // A session belongs to its show: the rival token on the test show opens a
    // new, empty session; back on the rival show, the cart is there.
    let token = at_rival.session.token.clone();
    let (_other, elsewhere) = watch(&server, "test", Some(&token)).await;
    assert_ne!(elsewhere.session.token, token);
    assert!(elsewhere.cart.lines.is_empty());
    let (_again, back) = watch(&server, "rival", Some(&token)).await;
    assert_eq!(back.session.token, token);
    assert_eq!(
        common::quantities(&back.cart),
        [("kopi".into(), "default".into(), 2)]
    );
}

#[tokio::test]
async fn a_pin_and_a_chat_line_reach_only_their_own_shows_viewers() {
    let server = shows(&["rival"]).await;
    let (mut test, _) = watch(&server, "test", None).await;
    let (mut rival, _) = watch(&server, "rival", None).await;
    let api = Api::of(&server);
    let host = api.sign_in("host@rival.example", PASSWORD).await.unwrap();
    let pin = json!({ "product_id": "kopi", "x": 0.2, "y": 0.3 });
    let (status, body) = api
        .call(&host, Method::POST, "/api/v1/shows/rival/pins", Some(pin))
        .await;
    assert!(status.is_success(), "{status} {body}");
    wait_for(&mut rival, |m| match m {
        ServerMsg::Pinned { pin, .. } if pin.product_id == "kopi" && pin.x == 0.2 => Some(()),
        _ => None,
    })
    .await;
    send(&mut rival, &common::chat_msg("l1", "kopinya enak")).await;
    wait_for(&mut rival, |m| match m {
        ServerMsg::Chat { messages, .. } if messages.iter().any(|l| l.text == "kopinya enak") => {
            Some(())
        }
        _ => None,
    })
    .await;
    // The test show's viewer heard none of it.
    for msg in drain(&mut test, Duration::from_millis(800)).await {
        match msg {
            ServerMsg::Pinned { pin, .. } => assert_ne!(pin.product_id, "kopi"),
            ServerMsg::Chat { messages, .. } => {
                assert!(messages.iter().all(|l| l.text != "kopinya enak"))
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_team_sees_and_runs_only_its_own_brands_shows() {
    let server = shows(&["rival", "later"]).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let rival = api.sign_in("host@rival.example", PASSWORD).await.unwrap();

    let (status, mine) = api.call(&owner, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut listed = ids(&mine);
    listed.sort();
    assert_eq!(listed, ["later", "test"]);
    let (_, theirs) = api.call(&rival, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(ids(&theirs), ["rival"]);

    // Another brand's show is not found, as if it did not exist, and stays as it was.
    let pin = json!({ "product_id": "kopi", "x": 0.9, "y": 0.9 });
    let attempts = [
        (Method::GET, "/api/v1/shows/rival", None),
        (Method::POST, "/api/v1/shows/rival/pins", Some(pin)),
        (Method::GET, "/api/v1/shows/rival/metrics", None),
        (Method::DELETE, "/api/v1/shows/rival/pins/kopi", None),
    ];
    for (method, path, body) in attempts {
        let (status, body) = api.call(&owner, method, path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["code"], "not_found");
    }
    let (status, _) = api
        .call(&rival, Method::GET, "/api/v1/shows/test/metrics", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, show) = api
        .call(&rival, Method::GET, "/api/v1/shows/rival", None)
        .await;
    let pins: Vec<(&str, f64)> = show["pins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["product_id"].as_str().unwrap(), p["x"].as_f64().unwrap()))
        .collect();
    assert_eq!(pins, [("kopi", 0.5)], "the timeline's pin, untouched");
}

#[tokio::test]
async fn the_schedule_lists_live_shows_then_upcoming_then_ended() {
    let server = shows(&["later", "live", "rival"]).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let (mut viewer, _) = watch(&server, "live", None).await;
    let (status, _) = api
        .call(&owner, Method::POST, "/api/v1/shows/live/end", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The ended show's viewers hear it; by then the schedule says it too.
    wait_for(&mut viewer, |m| match m {
        ServerMsg::OnAir {
            state: OnAir::Ended,
            ..
        } => Some(()),
        _ => None,
    })
    .await;

    let response = api
        .http
        .get(format!("{}/api/v1/schedule", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let schedule: Value = response.json().await.unwrap();
    let rows: Vec<(&str, &str)> = schedule
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    let live: Vec<_> = rows.iter().take(2).map(|r| r.1).collect();
    assert_eq!(live, ["live", "live"], "{rows:?}");
    assert_eq!(
        rows[2..],
        [("later", "upcoming"), ("live", "ended")],
        "{rows:?}"
    );
    let later = schedule
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "later")
        .unwrap();
    assert_eq!(later["starts_at_ms"], LATER_STARTS_AT_MS);
    assert_eq!(later["host"], "Tester");

    let (_, rivals) = api
        .call(
            &Default::default(),
            Method::GET,
            "/api/v1/schedule?brand=rival",
            None,
        )
        .await;
    assert_eq!(ids(&rivals), ["rival"]);

    // A viewer who opens the upcoming show early is told it starts soon.
    let (_, early) = watch(&server, "later", None).await;
    assert_eq!(early.show.on_air, OnAir::Waiting);
    assert_eq!(early.show.starts_at_ms, Some(LATER_STARTS_AT_MS));
    let (_, begun) = watch(&server, "test", None).await;
    assert_eq!(
        (begun.show.on_air, begun.show.starts_at_ms),
        (OnAir::Live, None)
    );

    // "Remind me": the upcoming show as a calendar event; none for a show begun or unknown.
    let calendar = |show: &str| {
        let url = format!(
            "http://{}{}",
            server.running.addr,
            lapak_protocol::calendar_path(show)
        );
        async move { reqwest::get(url).await.expect("an answer") }
    };
    let event = calendar("later").await;
    assert_eq!(event.status(), StatusCode::OK);
    assert_eq!(
        event.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = event.text().await.unwrap();
    assert!(text.contains("DTSTART:20990101T120000Z\r\n"), "{text}");
    assert!(text.contains("SUMMARY:Later show\r\n"), "{text}");
    assert!(text.contains("UID:show-later@lapak\r\n"), "{text}");
    assert_eq!(calendar("test").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(calendar("nope").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_show_is_not_found_and_a_hello_for_another_show_is_refused() {
    let server = shows(&["rival"]).await;
    let refused_upgrade =
        tokio_tungstenite::connect_async(format!("{}?show=nope", server.url())).await;
    match refused_upgrade {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 404),
        other => panic!("expected 404, got {other:?}"),
    }

    // The default socket is the test show's: a Hello for the rival show is refused and closed.
    let mut socket = connect(&server.url()).await;
    send(
        &mut socket,
        &ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: None,
            show: Some("rival".into()),
            resume: None,
        },
    )
    .await;
    let reply = common::recv(&mut socket).await;
    assert_eq!(refused(&reply), RejectCode::BadRequest);
    let closed = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap();
    assert!(
        matches!(closed, Some(Ok(tungstenite::Message::Close(_))) | None),
        "{closed:?}"
    );
}

/// The test show's server where its owner has scheduled "brunch": the owner,
/// signed in, and the show as the answer gave it.
async fn with_brunch() -> (TestServer, Api, common::api::Caller, Value) {
    let server = shows(&[]).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let (status, made) = api
        .call(
            &owner,
            Method::POST,
            "/api/v1/shows",
            Some(common::api::new_show("brunch")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    (server, api, owner, made)
}

#[tokio::test]
async fn an_owner_schedules_a_show_that_runs_at_once_and_after_a_restart() {
    let (server, api, owner, made) = with_brunch().await;
    assert_eq!(
        (made["id"].as_str(), made["brand"].as_str()),
        (Some("brunch"), Some("demo"))
    );
    assert_eq!(made["status"], "upcoming");
    let (_, schedule) = api
        .call(&Default::default(), Method::GET, "/api/v1/schedule", None)
        .await;
    assert_eq!(ids(&schedule), ["test", "brunch"]);
    let (_, early) = watch(&server, "brunch", None).await;
    assert_eq!(early.show.title, "Sunday Brunch Drop");
    assert_eq!(early.show.on_air, OnAir::Waiting);
    assert_eq!(common::welcome_stock(&early, "kopi", "default"), 9);

    // Ids are unique on the server, the show files' included.
    for taken in ["brunch", "test"] {
        let (status, body) = api
            .call(
                &owner,
                Method::POST,
                "/api/v1/shows",
                Some(common::api::new_show(taken)),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("show_exists"))
        );
    }

    // A show with a large catalogue is more than a command's 16 KiB, and still fits.
    let mut big = common::api::new_show("big");
    let product = big["products"][0].clone();
    big["products"] = (0..150)
        .map(|n| {
            let mut p = product.clone();
            p["id"] = format!("kopi-{n}").into();
            p["name"] = format!("Kopi {n}: single origin, washed, roasted this week").into();
            p
        })
        .collect();
    assert!(big.to_string().len() > 16 * 1024);
    let (status, body) = api
        .call(&owner, Method::POST, "/api/v1/shows", Some(big))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let server = common::restart(server).await;
    let (_, again) = watch(&server, "brunch", None).await;
    assert_eq!(common::welcome_stock(&again, "kopi", "default"), 9);
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let (_, mine) = api.call(&owner, Method::GET, "/api/v1/shows", None).await;
    let mut listed = ids(&mine);
    listed.sort();
    assert_eq!(listed, ["big", "brunch", "test"]);
}

#[tokio::test]
async fn scheduling_a_show_is_refused_where_it_must_be_and_nothing_is_kept() {
    let server = shows(&[]).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let moderator = api.sign_in("mod@demo.example", PASSWORD).await.unwrap();
    let rival = api.sign_in("host@rival.example", PASSWORD).await.unwrap();
    let (_, reader) = api.token(&owner, &["shows:read"]).await;
    let no_csrf = common::api::Caller {
        csrf: None,
        ..owner.clone()
    };
    let mut other_brand = common::api::new_show("theirs");
    other_brand["brand"] = "rival".into();
    let mut bad_currency = common::api::new_show("bad");
    bad_currency["currency"] = "rupiah".into();
    let attempts = [
        (
            "a host",
            &host,
            common::api::new_show("a"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a moderator",
            &moderator,
            common::api::new_show("b"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host",
            &rival,
            common::api::new_show("c"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a read-only token",
            &reader,
            common::api::new_show("d"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "no CSRF token",
            &no_csrf,
            common::api::new_show("e"),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "nobody",
            &Default::default(),
            common::api::new_show("f"),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "another brand's show",
            &owner,
            other_brand,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            "a bad currency",
            &owner,
            bad_currency,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            "not an object",
            &owner,
            json!(["show"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
    ];
    for (who, caller, body, status, code) in attempts {
        let (got, answer) = api
            .call(caller, Method::POST, "/api/v1/shows", Some(body))
            .await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{who}: {answer}"
        );
    }
    let (_, bad) = api
        .call(
            &owner,
            Method::POST,
            "/api/v1/shows",
            Some(json!({ "id": "x", "currency": "rupiah" })),
        )
        .await;
    assert!(
        bad["message"].as_str().unwrap().contains("missing field"),
        "{bad}"
    );
    nothing_scheduled(&server, &api).await;

    // A token that runs shows may schedule them.
    let (_, writer) = api.token(&owner, &["shows:write"]).await;
    let (status, body) = api
        .call(
            &writer,
            Method::POST,
            "/api/v1/shows",
            Some(common::api::new_show("g")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// No show was scheduled: none is stored and the schedule holds the server's own.
async fn nothing_scheduled(server: &TestServer, api: &Api) {
    let mut db = common::open_db(&server.db()).await;
    assert_eq!(common::db_count(&mut db, "created_shows").await, 0);
    let (_, schedule) = api
        .call(&Default::default(), Method::GET, "/api/v1/schedule", None)
        .await;
    assert_eq!(ids(&schedule), ["test"]);
}

#[tokio::test]
async fn a_show_whose_products_hold_control_or_direction_characters_is_refused_and_not_kept() {
    let server = shows(&[]).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    for c in common::api::HOSTILE_CHARS {
        for (field, place) in [
            ("name", "/products/0/name"),
            ("names.id", "/products/0/names/id"),
            ("variants[0].id", "/products/0/variants/0/id"),
            ("variants[0].label", "/products/0/variants/0/label"),
        ] {
            let mut show = common::api::new_show("hostile");
            *show.pointer_mut(place).unwrap() = format!("Ko{c}pi").into();
            let (status, answer) = api
                .call(&owner, Method::POST, "/api/v1/shows", Some(show))
                .await;
            common::api::assert_text_refused(status, &answer, field, c);
        }
    }
    nothing_scheduled(&server, &api).await;
    let (status, _) = api
        .call(&owner, Method::GET, "/api/v1/shows/hostile/file", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_stored_show_that_no_longer_reads_is_skipped_and_the_others_run() {
    let (server, ..) = with_brunch().await;
    // While it is stopped, a row a newer server's rules would refuse (a
    // currency that is no ISO code) joins the stored shows.
    let TestServer { running, dir } = server;
    running.stop().await;
    let db = dir.path().join("lapak.db");
    let mut bad = common::api::new_show("broken");
    bad["currency"] = "rupiah".into();
    let mut conn = common::open_db_for_writing(&db).await;
    sqlx::query("INSERT INTO created_shows (id, brand, body, created_at_ms) VALUES ('broken', 'demo', $1, 0)")
        .bind(bad.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let running = lapak_server::start(common::config(db)).await.unwrap();
    let server = TestServer { running, dir };
    let (_, schedule) = Api::of(&server)
        .call(&Default::default(), Method::GET, "/api/v1/schedule", None)
        .await;
    assert_eq!(ids(&schedule), ["test", "brunch"]);
    let refused = tokio_tungstenite::connect_async(format!("{}?show=broken", server.url())).await;
    assert!(matches!(refused, Err(tungstenite::Error::Http(r)) if r.status() == 404));
}

#[tokio::test]
async fn a_deal_scripted_alike_in_two_shows_sells_each_shows_own_units() {
    // The pricing show and a copy of it scheduled through the API: both put the
    // tote on a 6-unit deal at stream time 0, so the two deals share an id.
    let server = server_with(|c| c.show = vec![fixture("pricing")]).await;
    team(&server).await;
    let api = Api::of(&server);
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let (_, mut copy) = api
        .call(&owner, Method::GET, "/api/v1/shows/pricing/file", None)
        .await;
    copy["id"] = "pricing-2".into();
    let (status, body) = api
        .call(&owner, Method::POST, "/api/v1/shows", Some(copy))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (mut buyer, _) = watch(&server, "pricing", None).await;
    common::acked(&mut buyer, &add("c1", "tote", "indigo", 2)).await;
    let quote = common::quote(&mut buyer, "q1").await;
    let request = common::request_from(&quote, "std", "4242 4242 4242 4242");
    common::placed(&common::checkout(&mut buyer, "o1", &request).await);

    let remaining = |w: &Welcome| w.show.deals.iter().map(|d| d.remaining).collect::<Vec<_>>();
    let (_, same) = watch(&server, "pricing", None).await;
    assert_eq!(remaining(&same), [4]);
    let (_, other) = watch(&server, "pricing-2", None).await;
    assert_eq!(remaining(&other), [6], "the other show's deal sold nothing");
}
