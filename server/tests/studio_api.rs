//! The studio API against the real server on 127.0.0.1:0 over real HTTP:
//! signing in (cookie, CSRF, throttling), API tokens (scoped, revocable,
//! kept as digests), every permission refused where it must be with nothing
//! changed, and a host's pin reaching viewers' sockets; what is checked before
//! a stored answer is replayed, changes from other sites' pages, and each
//! route's body limit.
mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::api::{db, signed_in, team, Api, Caller, Refusal, PASSWORD};
use common::{command, drain, restart, server, server_with, viewer, wait_for};
use lapak_protocol::{ClientMsg, OnAir, RejectCode, ServerMsg};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn pin_lamp() -> Option<Value> {
    Some(json!({ "product_id": "lamp", "x": 0.25, "y": 0.6 }))
}

async fn pins(api: &Api, owner: &Caller) -> Vec<String> {
    let (_, show) = api
        .call(owner, Method::GET, "/api/v1/shows/test", None)
        .await;
    show["pins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["product_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn signing_in_gives_a_strict_http_only_cookie_and_a_csrf_token() {
    let server = server().await;
    team(&server).await;
    let api = Api::of(&server);
    let response = api
        .http
        .post(format!("{}/studio/api/session", api.base))
        .json(&json!({ "email": " Owner@Demo.example", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lapak_studio="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["email"], "owner@demo.example");
    assert_eq!(me["role"], "owner");
    assert_eq!(me["brand"], "demo");

    let caller = Caller {
        cookie: Some(cookie.split(';').next().unwrap().to_owned()),
        ..Caller::default()
    };
    let (status, again) = api
        .call(&caller, Method::GET, "/studio/api/session", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        again["csrf"], me["csrf"],
        "a reloaded studio learns its token"
    );

    for (email, password) in [
        ("owner@demo.example", "wrong password"),
        ("nobody@demo.example", PASSWORD),
    ] {
        let (status, body) = api.sign_in(email, password).await.err().unwrap();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body["code"], "wrong_credentials",
            "the same answer either way"
        );
    }

    // Signing out needs the CSRF token too, and ends the session.
    let (status, _) = api
        .call(&caller, Method::DELETE, "/studio/api/session", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let signed_in = Caller {
        csrf: me["csrf"].as_str().map(str::to_owned),
        ..caller.clone()
    };
    let (status, _) = api
        .call(&signed_in, Method::DELETE, "/studio/api/session", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, after) = api
        .call(&caller, Method::GET, "/studio/api/session", None)
        .await;
    assert_eq!(
        (status, after),
        (StatusCode::OK, json!({ "signed_in": false })),
        "signed out: no one, and no token"
    );
}

#[tokio::test]
async fn asking_who_is_signed_in_is_never_an_error_and_tells_nothing_without_a_live_session() {
    let (_server, api, owner) = signed_in("owner@demo.example").await;
    let (status, me) = api
        .call(&owner, Method::GET, "/studio/api/session", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["signed_in"], true);
    assert_eq!(me["email"], "owner@demo.example");
    assert_eq!(me["csrf"].as_str(), owner.csrf.as_deref());

    let forged = Caller {
        cookie: Some("lapak_studio=not-a-session".into()),
        ..Caller::default()
    };
    for (who, caller) in [
        ("no cookie", &Caller::default()),
        ("a forged cookie", &forged),
    ] {
        let (status, answer) = api
            .call(caller, Method::GET, "/studio/api/session", None)
            .await;
        assert_eq!(
            (status, answer),
            (StatusCode::OK, json!({ "signed_in": false })),
            "{who}"
        );
    }
    // The rest of the API still refuses them.
    let (status, _) = api.call(&forged, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_and_the_address_for_a_while() {
    let server = server().await;
    team(&server).await;
    let api = Api::of(&server);
    for _ in 0..5 {
        let (status, _) = api
            .sign_in("host@demo.example", "guess")
            .await
            .err()
            .unwrap();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let response = api
        .http
        .post(format!("{}/studio/api/session", api.base))
        .json(&json!({ "email": "host@demo.example", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&retry), "about 15 minutes: {retry} s");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "throttled");
    let (status, _) = api
        .sign_in("owner@demo.example", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the same address, another account"
    );
}

#[tokio::test]
async fn every_permission_is_refused_where_it_must_be_and_nothing_changes() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let moderator = api.sign_in("mod@demo.example", PASSWORD).await.unwrap();
    let rival = api.sign_in("host@rival.example", PASSWORD).await.unwrap();
    let (_, read_only) = api.token(&owner, &["shows:read"]).await;
    let (revoked_id, revoked) = api.token(&owner, &["shows:write"]).await;
    let (status, _) = api
        .call(
            &owner,
            Method::DELETE,
            &format!("/api/v1/tokens/{revoked_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (mut target, welcome) = viewer(&server, None).await;
    let viewer_token = Caller {
        bearer: Some(welcome.session.token),
        ..Caller::default()
    };
    let no_csrf = Caller {
        csrf: None,
        ..host.clone()
    };
    let wrong_csrf = Caller {
        csrf: Some("not the token".into()),
        ..host.clone()
    };
    let forged = Caller {
        bearer: Some("lpk_forged".into()),
        ..Caller::default()
    };
    let (mut socket, _) = viewer(&server, None).await;
    drain(&mut socket, Duration::from_millis(300)).await;

    let post = Method::POST;
    let nobody = Caller::default();
    let revoke_path = format!("/api/v1/tokens/{revoked_id}");
    let ban_path = format!("/api/v1/shows/test/viewers/{}/sanction", welcome.you.id);
    let ban = || Some(json!({ "kind": "ban" }));
    let deal = || {
        Some(json!({
            "product_id": "jar", "price": 1, "quantity": 1, "per_buyer": 1, "duration_s": 60
        }))
    };
    let coupon =
        || Some(json!({ "code": "SNEAKY", "percent_off": 90, "valid_hours": 1, "max_claims": 9 }));
    let product = || {
        Some(json!({
            "id": "jar", "name": "Free jar", "image_url": "/j.svg", "price": 0, "currency": "IDR",
            "max_per_order": 1, "variants": [{ "id": "default", "label": "", "stock": 999 }]
        }))
    };
    let stock_path = "/api/v1/shows/test/stock/jar/default";
    let stock = || Some(json!({ "stock": 0 }));
    let refusals: Vec<Refusal> = vec![
        (
            "nobody",
            &nobody,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "nobody lists",
            &nobody,
            Method::GET,
            "/api/v1/shows",
            None,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a viewer's session",
            &viewer_token,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a forged token",
            &forged,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a revoked token",
            &revoked,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "no CSRF token",
            &no_csrf,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "a wrong CSRF token",
            &wrong_csrf,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "a moderator pins",
            &moderator,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a moderator ends",
            &moderator,
            post.clone(),
            "/api/v1/shows/test/end",
            None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a moderator reads the key",
            &moderator,
            Method::GET,
            "/api/v1/shows/test/ingest",
            None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a read-only token pins",
            &read_only,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host pins",
            &rival,
            post.clone(),
            "/api/v1/shows/test/pins",
            pin_lamp(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "another brand's host reads",
            &rival,
            Method::GET,
            "/api/v1/shows/test",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "another brand's host rotates",
            &rival,
            post.clone(),
            "/api/v1/shows/test/ingest/rotate",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "a host makes a token",
            &host,
            post.clone(),
            "/api/v1/tokens",
            Some(json!({"name": "x", "scopes": ["shows:write"]})),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a token makes a token",
            &read_only,
            post.clone(),
            "/api/v1/tokens",
            Some(json!({"name": "x", "scopes": ["shows:write"]})),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand revokes",
            &rival,
            Method::DELETE,
            &revoke_path,
            None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a read-only token reads the chat",
            &read_only,
            Method::GET,
            "/api/v1/shows/test/chat",
            None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a read-only token bans",
            &read_only,
            Method::PUT,
            &ban_path,
            ban(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host bans",
            &rival,
            Method::PUT,
            &ban_path,
            ban(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "another brand's host removes a line",
            &rival,
            Method::DELETE,
            "/api/v1/shows/test/chat/1",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "a viewer's session bans",
            &viewer_token,
            Method::PUT,
            &ban_path,
            ban(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a ban without CSRF",
            &no_csrf,
            Method::PUT,
            &ban_path,
            ban(),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "a moderator creates a coupon code",
            &moderator,
            post.clone(),
            "/api/v1/shows/test/coupons",
            coupon(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host creates a coupon code",
            &rival,
            post.clone(),
            "/api/v1/shows/test/coupons",
            coupon(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "a read-only token creates a coupon code",
            &read_only,
            post.clone(),
            "/api/v1/shows/test/coupons",
            coupon(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a viewer's session creates a coupon code",
            &viewer_token,
            post.clone(),
            "/api/v1/shows/test/coupons",
            coupon(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a coupon code without CSRF",
            &no_csrf,
            post.clone(),
            "/api/v1/shows/test/coupons",
            coupon(),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "a moderator edits the catalogue",
            &moderator,
            Method::PUT,
            "/api/v1/catalogue/jar",
            product(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a read-only token edits the catalogue",
            &read_only,
            Method::PUT,
            "/api/v1/catalogue/jar",
            product(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a viewer's session edits the catalogue",
            &viewer_token,
            Method::PUT,
            "/api/v1/catalogue/jar",
            product(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a catalogue edit without CSRF",
            &no_csrf,
            Method::PUT,
            "/api/v1/catalogue/jar",
            product(),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "a moderator starts a deal",
            &moderator,
            post.clone(),
            "/api/v1/shows/test/deals",
            deal(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host starts a deal",
            &rival,
            post.clone(),
            "/api/v1/shows/test/deals",
            deal(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "a read-only token starts a deal",
            &read_only,
            post.clone(),
            "/api/v1/shows/test/deals",
            deal(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a deal without CSRF",
            &no_csrf,
            post.clone(),
            "/api/v1/shows/test/deals",
            deal(),
            StatusCode::FORBIDDEN,
            "csrf",
        ),
        (
            "a viewer's session sets stock",
            &viewer_token,
            Method::PUT,
            stock_path,
            stock(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a moderator sets stock",
            &moderator,
            Method::PUT,
            stock_path,
            stock(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a revoked token sets stock",
            &revoked,
            Method::PUT,
            stock_path,
            stock(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a moderator changes the pinned message",
            &moderator,
            Method::PUT,
            "/api/v1/shows/test/message",
            Some(json!({ "text": "scam.example" })),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "a viewer's session changes the pinned message",
            &viewer_token,
            Method::PUT,
            "/api/v1/shows/test/message",
            Some(json!({ "text": "scam.example" })),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "a read-only token turns on slow mode",
            &read_only,
            Method::PUT,
            "/api/v1/shows/test/chat/rules",
            Some(json!({ "slow_mode_s": 300 })),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host turns on slow mode",
            &rival,
            Method::PUT,
            "/api/v1/shows/test/chat/rules",
            Some(json!({ "slow_mode_s": 300 })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "a moderator reads the dashboard",
            &moderator,
            Method::GET,
            "/api/v1/shows/test/metrics",
            None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "another brand's host reads the dashboard",
            &rival,
            Method::GET,
            "/api/v1/shows/test/metrics",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "nobody reads the dashboard",
            &nobody,
            Method::GET,
            "/api/v1/shows/test/metrics",
            None,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
    ];
    for (who, caller, method, path, body, status, code) in refusals {
        let (got, answer) = api.call(caller, method, path, body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{who}: {answer}"
        );
    }
    let (_, listed) = api.call(&rival, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(listed, json!([]), "another brand's shows are not listed");

    // Nothing changed: no tag, deal, stock or message, no token, no event a viewer saw.
    assert!(!pins(&api, &owner).await.contains(&"lamp".to_owned()));
    let (_, show) = api
        .call(&owner, Method::GET, "/api/v1/shows/test", None)
        .await;
    assert_ne!(show["pinned_message"], "scam.example");
    let (_, deals) = api
        .call(&owner, Method::GET, "/api/v1/shows/test/deals", None)
        .await;
    assert!(
        !deals
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["product_id"] == "jar"),
        "{deals}"
    );
    let (_, stock) = api
        .call(&owner, Method::GET, "/api/v1/shows/test/stock", None)
        .await;
    assert!(
        stock
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["product_id"] == "jar" && s["stock"] == 2),
        "{stock}"
    );
    let (_, tokens) = api.call(&owner, Method::GET, "/api/v1/tokens", None).await;
    assert_eq!(tokens.as_array().unwrap().len(), 2, "{tokens}");
    let (_, codes) = api
        .call(&owner, Method::GET, "/api/v1/shows/test/coupons", None)
        .await;
    assert_eq!(codes, json!([]), "no coupon code was created");
    let (_, catalogue) = api
        .call(&owner, Method::GET, "/api/v1/catalogue", None)
        .await;
    let jar = catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "jar");
    assert_eq!(
        jar.unwrap()["price"],
        4_500_000,
        "the catalogue's jar is as seeded"
    );
    let spoke = command(&mut target, &chat("n1", "still allowed")).await;
    assert!(
        matches!(spoke, ServerMsg::Ack { .. }),
        "no ban took: {spoke:?}"
    );
    let heard = drain(&mut socket, Duration::from_millis(500)).await;
    assert!(
        !heard
            .iter()
            .any(|m| matches!(m, ServerMsg::Pinned { pin, .. } if pin.product_id == "lamp")),
        "{heard:?}"
    );
}

#[tokio::test]
async fn a_host_pins_at_a_spot_and_every_viewer_sees_it_then_unpins() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let (mut first, _) = viewer(&server, None).await;
    let (mut second, _) = viewer(&server, None).await;
    let (status, pin) = api
        .call(&host, Method::POST, "/api/v1/shows/test/pins", pin_lamp())
        .await;
    assert_eq!(status, StatusCode::OK, "{pin}");
    for socket in [&mut first, &mut second] {
        let seen = wait_for(socket, |m| match m {
            ServerMsg::Pinned { pin, .. } if pin.product_id == "lamp" => Some(pin.clone()),
            _ => None,
        })
        .await;
        assert_eq!((seen.x, seen.y), (0.25, 0.6));
        assert_eq!(seen.at, pin["at"].as_i64().unwrap());
    }
    assert!(pins(&api, &host).await.contains(&"lamp".to_owned()));
    let (status, _) = api
        .call(&host, Method::DELETE, "/api/v1/shows/test/pins/lamp", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    wait_for(&mut first, |m| match m {
        ServerMsg::Unpinned { product_id, .. } if product_id == "lamp" => Some(()),
        _ => None,
    })
    .await;
    assert!(!pins(&api, &host).await.contains(&"lamp".to_owned()));
}

#[tokio::test]
async fn bad_input_gets_a_coded_4xx_and_nothing_is_pinned() {
    let (_server, api, host) = signed_in("host@demo.example").await;
    let pin = "/api/v1/shows/test/pins";
    let now = lapak_server::now_ms();
    let cases = [
        (
            json!({ "product_id": "lamp", "x": 1.5, "y": 0.5 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            json!({ "product_id": "lamp", "x": 0.5, "y": 0.5, "at": now - 3_600_000 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            json!({ "product_id": "no-such", "x": 0.5, "y": 0.5 }),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json!({ "product_id": "x".repeat(20_000), "x": 0.5, "y": 0.5 }),
            StatusCode::PAYLOAD_TOO_LARGE,
            "bad_request",
        ),
        (
            json!({ "product_id": "lamp", "x": 0.5 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
        (
            json!({ "product_id": "lamp", "x": 0.5, "y": 0.5, "extra": 1 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = api.call(&host, Method::POST, pin, Some(body)).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
    }
    let response = api
        .http
        .post(format!("{}{pin}", api.base))
        .header("cookie", host.cookie.as_deref().unwrap())
        .header("x-csrf-token", host.csrf.as_deref().unwrap())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["code"], "bad_request");
    assert!(!pins(&api, &host).await.contains(&"lamp".to_owned()));
}

#[tokio::test]
async fn tokens_are_shown_once_kept_as_digests_and_stop_when_revoked() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let (id, token) = api.token(&owner, &["shows:write"]).await;
    let (status, pin) = api
        .call(&token, Method::POST, "/api/v1/shows/test/pins", pin_lamp())
        .await;
    assert_eq!(status, StatusCode::OK, "a write token pins: {pin}");
    let (_, listed) = api.call(&owner, Method::GET, "/api/v1/tokens", None).await;
    assert_eq!(listed[0]["scopes"], json!(["shows:write"]));
    assert!(listed[0].get("token").is_none(), "never listed again");

    // The database holds no secret: neither the token nor any password.
    let secret = token.bearer.clone().unwrap();
    for needle in [secret.as_bytes(), PASSWORD.as_bytes()] {
        for file in &common::stored_bytes(&db(&server)) {
            assert!(!file.windows(needle.len()).any(|w| w == needle));
        }
    }

    api.revoke(&owner, id).await;
    let (status, _) = api.call(&token, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked at once");
}

#[tokio::test]
async fn a_tokens_last_use_is_noted_at_most_once_a_minute_and_a_revoked_one_is_refused() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let (id, token) = api.token(&owner, &["shows:read"]).await;
    let last_used = async || {
        let (_, listed) = api.call(&owner, Method::GET, "/api/v1/tokens", None).await;
        let token = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
            .unwrap();
        token["last_used_at_ms"].as_i64()
    };
    assert_eq!(last_used().await, None, "never used yet");

    let before = lapak_server::now_ms();
    let (status, _) = api.call(&token, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(status, StatusCode::OK);
    let first = last_used().await.expect("noted on its first use");
    assert!(first >= before, "{first} < {before}");
    for _ in 0..3 {
        api.call(&token, Method::GET, "/api/v1/shows", None).await;
    }
    assert_eq!(
        last_used().await,
        Some(first),
        "not written again within the minute"
    );

    // A minute on (the clock wound back in the database, as it cannot be here).
    let mut db = common::open_db_for_writing(&db(&server)).await;
    sqlx::query("UPDATE api_tokens SET last_used_at_ms = $1 WHERE id = $2")
        .bind(first - 61_000)
        .bind(id)
        .execute(&mut db)
        .await
        .unwrap();
    let again = lapak_server::now_ms();
    api.call(&token, Method::GET, "/api/v1/shows", None).await;
    let noted = last_used().await.unwrap();
    assert!(
        noted >= again,
        "noted again after a minute: {noted} < {again}"
    );

    api.revoke(&owner, id).await;
    let (status, refused) = api.call(&token, Method::GET, "/api/v1/shows", None).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    assert_eq!(
        last_used().await,
        Some(noted),
        "a refused token's try is no use"
    );
}

#[tokio::test]
async fn a_host_reads_and_rotates_the_ingest_key_and_ends_the_show() {
    let server = server_with(|config| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        config.show = vec![root.join("tests/fixtures/live-show.toml")];
    })
    .await;
    team(&server).await;
    let api = Api::of(&server);
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let (_, shows) = api.call(&host, Method::GET, "/api/v1/shows", None).await;
    let show = shows[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(shows[0]["video"], "ingest");
    let (status, ingest) = api
        .call(
            &host,
            Method::GET,
            &format!("/api/v1/shows/{show}/ingest"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rtmp = server.running.rtmp_addr.unwrap();
    assert_eq!(ingest["server"], format!("rtmp://{rtmp}/live"));
    assert_eq!(
        ingest["stream_key"],
        server.running.stream_key().await.unwrap()
    );
    let rotate = || {
        api.keyed(
            &host,
            &format!("/api/v1/shows/{show}/ingest/rotate"),
            "rotate-7f3a",
        )
    };
    let (_, rotated) = api.send(rotate()).await;
    let rotated: Value = serde_json::from_str(&rotated).unwrap();
    assert_ne!(rotated["stream_key"], ingest["stream_key"]);
    let key = server.running.stream_key().await.unwrap();
    assert_eq!(rotated["stream_key"], key);
    // A retry rotates nothing, and its answer says where the key is, not what.
    let (status, again) = api.send(rotate()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(again.contains(r#""already_rotated":true"#), "{again}");
    assert!(!again.contains(&key), "{again}");
    assert_eq!(server.running.stream_key().await.unwrap(), key);
    let mut stored = common::open_db(&db(&server)).await;
    let answers: Vec<Vec<u8>> = sqlx::query_scalar("SELECT body FROM api_answers")
        .fetch_all(&mut stored)
        .await
        .unwrap();
    assert_eq!(answers.len(), 1);
    assert!(!String::from_utf8_lossy(&answers[0]).contains(&key));

    let (mut socket, _) = viewer(&server, None).await;
    let (status, _) = api
        .call(
            &host,
            Method::POST,
            &format!("/api/v1/shows/{show}/end"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    wait_for(&mut socket, |m| match m {
        ServerMsg::OnAir {
            state: OnAir::Ended,
            ..
        } => Some(()),
        _ => None,
    })
    .await;
}

#[tokio::test]
async fn a_file_show_has_no_ingest_to_give() {
    let (_server, api, owner) = signed_in("owner@demo.example").await;
    let (status, answer) = api
        .call(&owner, Method::GET, "/api/v1/shows/test/ingest", None)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_ingest"))
    );
}

fn chat(id: &str, text: &str) -> ClientMsg {
    ClientMsg::Chat {
        id: id.into(),
        text: text.into(),
    }
}

/// Says `text` (command `id`): `Ok` on an `Ack`, else the refusal's code.
async fn say(socket: &mut common::Socket, id: &str, text: &str) -> Result<(), RejectCode> {
    match command(socket, &chat(id, text)).await {
        ServerMsg::Ack { .. } => Ok(()),
        ServerMsg::Reject { code, .. } => Err(code),
        other => panic!("expected an answer, got {other:?}"),
    }
}

/// Waits until `socket` hears the line `text`; its id.
async fn heard(socket: &mut common::Socket, text: &str) -> u64 {
    wait_for(socket, |m| match m {
        ServerMsg::Chat { messages, .. } => messages.iter().find(|l| l.text == text).map(|l| l.id),
        _ => None,
    })
    .await
}

async fn removed(socket: &mut common::Socket) -> Vec<u64> {
    wait_for(socket, |m| match m {
        ServerMsg::ChatRemoved { ids, .. } => Some(ids.clone()),
        _ => None,
    })
    .await
}

#[tokio::test]
async fn a_moderator_removes_a_line_for_every_viewer_and_for_those_who_join_later() {
    let (server, api, moderator) = signed_in("mod@demo.example").await;
    let (mut writer, _) = viewer(&server, None).await;
    let (mut reader, _) = viewer(&server, None).await;
    assert_eq!(
        say(&mut writer, "c1", "cheap pills at scam.example").await,
        Ok(()),
        ""
    );
    let line = heard(&mut reader, "cheap pills at scam.example").await;
    heard(&mut writer, "cheap pills at scam.example").await;

    let (_, recent) = api
        .call(&moderator, Method::GET, "/api/v1/shows/test/chat", None)
        .await;
    assert_eq!(recent[0]["id"], line);
    let remove = format!("/api/v1/shows/test/chat/{line}");
    let (status, _) = api.call(&moderator, Method::DELETE, &remove, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(removed(&mut reader).await, [line]);
    assert_eq!(removed(&mut writer).await, [line]);
    let (_, joiner) = viewer(&server, None).await;
    assert!(joiner.show.community.chat.iter().all(|l| l.id != line));
    let (status, answer) = api.call(&moderator, Method::DELETE, &remove, None).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn muted_and_banned_viewers_cannot_chat_until_lifted_even_after_a_restart() {
    let (server, api, moderator) = signed_in("mod@demo.example").await;
    let (mut troll, welcome) = viewer(&server, None).await;
    let (mut other, _) = viewer(&server, None).await;
    let token = welcome.session.token.clone();
    let troll_id = welcome.you.id;
    command(&mut troll, &chat("t1", "first")).await;
    let first = heard(&mut other, "first").await;
    let sanction = format!("/api/v1/shows/test/viewers/{troll_id}/sanction");

    let (status, muted) = api
        .call(
            &moderator,
            Method::PUT,
            &sanction,
            Some(json!({ "kind": "mute", "minutes": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{muted}");
    assert_eq!(muted["sanction"]["kind"], "muted");
    assert_eq!(
        say(&mut troll, "t2", "second").await,
        Err(RejectCode::Muted)
    );
    assert_eq!(say(&mut other, "o1", "others still talk").await, Ok(()), "");

    let (_, banned) = api
        .call(
            &moderator,
            Method::PUT,
            &sanction,
            Some(json!({ "kind": "ban" })),
        )
        .await;
    assert_eq!(
        banned["removed_lines"],
        json!([first]),
        "a ban takes their lines away"
    );
    assert_eq!(removed(&mut other).await, [first]);

    let server = common::restart(server).await;
    let (mut troll, _) = viewer(&server, Some(&token)).await;
    assert_eq!(
        say(&mut troll, "t3", "after the restart").await,
        Err(RejectCode::Banned),
        "a banned viewer is told banned, not muted"
    );

    let api = Api::of(&server);
    let moderator = api.sign_in("mod@demo.example", PASSWORD).await.unwrap();
    let (status, _) = api.call(&moderator, Method::DELETE, &sanction, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(say(&mut troll, "t4", "sorry").await, Ok(()), "");

    for (body, status, code) in [
        (
            json!({ "kind": "mute", "minutes": 0 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            json!({ "kind": "mute", "minutes": 100_000 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            json!({ "kind": "exile" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
    ] {
        let (got, answer) = api
            .call(&moderator, Method::PUT, &sanction, Some(body))
            .await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
    }
    let (status, _) = api
        .call(
            &moderator,
            Method::PUT,
            "/api/v1/shows/test/viewers/987654/sanction",
            Some(json!({ "kind": "ban" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nothing stored for a viewer who never was"
    );
}

#[tokio::test]
async fn slow_mode_and_blocked_words_hold_for_every_viewer_and_stay_after_a_restart() {
    let (server, api, moderator) = signed_in("mod@demo.example").await;
    let (mut talker, _) = viewer(&server, None).await;
    let (mut other, _) = viewer(&server, None).await;
    let rules = "/api/v1/shows/test/chat/rules";
    let (status, set) = api
        .call(
            &moderator,
            Method::PUT,
            rules,
            Some(json!({ "slow_mode_s": 30, "blocked_words": ["Scam"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["blocked_words"], json!(["scam"]));
    let every = wait_for(&mut other, |m| match m {
        ServerMsg::SlowMode { every_s, .. } => Some(*every_s),
        _ => None,
    })
    .await;
    assert_eq!(every, 30, "viewers hear slow mode at once");

    assert_eq!(say(&mut talker, "s1", "a scam link").await, Ok(()));
    heard(&mut other, "a **** link").await;
    assert_eq!(
        say(&mut talker, "s2", "again").await,
        Err(RejectCode::RateLimited),
        "one line per 30 s"
    );
    assert_eq!(
        say(&mut other, "o1", "my first").await,
        Ok(()),
        "each viewer has a clock"
    );

    for bad in [
        json!({ "slow_mode_s": 301 }),
        json!({ "blocked_words": ["two words"] }),
        json!({ "blocked_words": (0..201).map(|n| format!("w{n}")).collect::<Vec<_>>() }),
    ] {
        let (status, answer) = api
            .call(&moderator, Method::PUT, rules, Some(bad.clone()))
            .await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
            "{bad}"
        );
    }

    let server = restart(server).await;
    let (mut talker, welcome) = viewer(&server, None).await;
    assert_eq!(
        welcome.show.community.slow_mode_s, 30,
        "kept across a restart"
    );
    assert_eq!(say(&mut talker, "r1", "scam again").await, Ok(()));
    assert_eq!(
        say(&mut talker, "r2", "and again").await,
        Err(RejectCode::RateLimited)
    );
}

#[tokio::test]
async fn wrong_passwords_sent_at_once_are_counted_before_any_is_checked() {
    let server = server().await;
    team(&server).await;
    let api = Api::of(&server);
    let tries = (0..10).map(|_| api.sign_in("host@demo.example", "guess"));
    let statuses: Vec<StatusCode> = futures::future::join_all(tries)
        .await
        .into_iter()
        .map(|refused| refused.err().unwrap().0)
        .collect();
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(
        (
            count(StatusCode::UNAUTHORIZED),
            count(StatusCode::TOO_MANY_REQUESTS)
        ),
        (5, 5),
        "five passwords checked, the others refused unchecked: {statuses:?}"
    );
    let (status, _) = api
        .sign_in("host@demo.example", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_revoked_token_repeating_an_idempotency_key_is_refused_not_answered() {
    let (_server, api, owner) = signed_in("owner@demo.example").await;
    let (id, token) = api.token(&owner, &["shows:write"]).await;
    let pin = || {
        api.keyed(&token, "/api/v1/shows/test/pins", "pin-7f3a")
            .json(&pin_lamp().unwrap())
    };
    let first = pin().send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first = first.text().await.unwrap();
    let again = pin().send().await.unwrap();
    assert_eq!(
        again.headers()["idempotent-replayed"],
        "true",
        "a live token gets its answer again"
    );
    assert_eq!(again.text().await.unwrap(), first);

    api.revoke(&owner, id).await;
    let refused = pin().send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.headers().get("idempotent-replayed").is_none());
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["code"], "unauthorized");
}

#[tokio::test]
async fn a_token_made_with_an_idempotency_key_is_never_shown_or_kept_again() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let new_token = json!({ "name": "shop system", "scopes": ["shows:read"] });
    let make = |caller: &Caller| {
        api.keyed(caller, "/api/v1/tokens", "token-7f3a")
            .json(&new_token)
    };
    let made = make(&owner).send().await.unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    let secret = made["token"].as_str().unwrap().to_owned();

    let again = make(&owner).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "not made again");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["already_created"], true, "{again}");
    assert!(again["message"].as_str().unwrap().contains("already"));
    for field in ["id", "name", "scopes", "created_at_ms"] {
        assert_eq!(again[field], made[field], "{field}");
    }
    assert!(again.get("token").is_none(), "{again}");
    assert!(!again.to_string().contains(&secret));
    let (_, listed) = api.call(&owner, Method::GET, "/api/v1/tokens", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "one token: {listed}");
    for file in &common::stored_bytes(&db(&server)) {
        let needle = secret.as_bytes();
        assert!(
            !file.windows(needle.len()).any(|w| w == needle),
            "the secret is kept nowhere, answers included"
        );
    }

    // Without the CSRF token, the key gets no answer at all.
    let no_csrf = Caller {
        csrf: None,
        ..owner.clone()
    };
    let (status, refused) = api.send(make(&no_csrf)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(!refused.contains("already_created"), "{refused}");

    // Signed out, the cookie reads none of its answers.
    let (status, _) = api
        .call(&owner, Method::DELETE, "/studio/api/session", None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for caller in [&owner, &no_csrf] {
        let (status, refused) = api.send(make(caller)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
        assert!(!refused.contains(&secret) && !refused.contains("already_created"));
    }
}

#[tokio::test]
async fn a_cookie_change_from_another_sites_page_is_refused_even_with_its_csrf_token() {
    let (server, api, host) = signed_in("host@demo.example").await;
    let own = format!("http://{}", server.running.addr);
    let sibling = own.replace("127.0.0.1", "localhost");
    let pin_from = |caller: &Caller, origin: Option<&str>, site: Option<&str>| {
        let mut request = api
            .request(caller, Method::POST, "/api/v1/shows/test/pins")
            .json(&pin_lamp().unwrap());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request
    };
    for (origin, site) in [
        (Some("https://evil.example"), Some("cross-site")),
        (Some("https://evil.example"), None),
        (Some("null"), None),
        (Some(sibling.as_str()), Some("same-site")),
        (None, Some("cross-site")),
        (None, Some("same-site")),
    ] {
        for key in [None, Some("pin-7f3a")] {
            let mut request = pin_from(&host, origin, site);
            if let Some(key) = key {
                request = request.header("idempotency-key", key);
            }
            let (status, refused) = api.send(request).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{origin:?} {site:?} {key:?}: {refused}"
            );
            assert!(refused.contains(r#""code":"csrf""#), "{refused}");
        }
    }
    let sign_out = api
        .request(&host, Method::DELETE, "/studio/api/session")
        .header("origin", "https://evil.example");
    assert_eq!(api.send(sign_out).await.0, StatusCode::FORBIDDEN);
    let (status, session) = api
        .call(&host, Method::GET, "/studio/api/session", None)
        .await;
    assert_eq!(
        (status, &session["signed_in"]),
        (StatusCode::OK, &json!(true)),
        "still signed in"
    );
    assert!(!pins(&api, &host).await.contains(&"lamp".to_owned()));

    // The studio's own page, and a program that sends no Origin (curl with
    // a cookie jar), go through.
    for (origin, site) in [(Some(own.as_str()), Some("same-origin")), (None, None)] {
        let (status, answer) = api.send(pin_from(&host, origin, site)).await;
        assert_eq!(status, StatusCode::OK, "{origin:?} {site:?}: {answer}");
    }
    // A token is no cookie a browser sends by itself: Origin is not its guard.
    let owner = api.sign_in("owner@demo.example", PASSWORD).await.unwrap();
    let (_, token) = api.token(&owner, &["shows:write"]).await;
    let (status, answer) = api
        .send(pin_from(
            &token,
            Some("https://evil.example"),
            Some("cross-site"),
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

const IMPORT: &str = "/api/v1/catalogue/import";

/// A catalogue of `n` one-variant products, as CSV.
fn catalogue_csv(n: usize) -> String {
    let mut csv = "product_id,name,name_id,image_url,price,currency,max_per_order,variant_id,variant_label,variant_label_id,stock\n".to_owned();
    for i in 0..n {
        csv += &format!("tea-{i},Pulled Tea {i},Teh Tarik {i},/media/products/gayo-coffee.svg,25000,IDR,4,default,,,30\n");
    }
    csv
}

/// A show of `n` products to schedule.
fn show_of(id: &str, n: usize) -> Value {
    let mut show = common::api::new_show(id);
    let product = show["products"][0].clone();
    show["products"] = (0..n)
        .map(|i| {
            let mut product = product.clone();
            product["id"] = json!(format!("kopi-{i}"));
            product
        })
        .collect();
    show
}

/// Sends the head of a `POST` to `path` that says its body is 50 MiB, and
/// three bytes of it: the status line of the answer, read while the rest of
/// the body is never sent.
async fn declared_50_mib(api: &Api, token: &Caller, path: &str, key: Option<&str>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = api.base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n",
        token.bearer.as_deref().unwrap(),
        50 * 1024 * 1024
    );
    if let Some(key) = key {
        head += &format!("idempotency-key: {key}\r\n");
    }
    head += "\r\n[{\"";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = async {
        let mut buffer = [0; 1024];
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(common::PATIENCE, read)
        .await
        .expect("an answer while the declared body is still to come");
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn each_route_keeps_its_body_limit_with_or_without_an_idempotency_key() {
    let (_server, api, owner) = signed_in("owner@demo.example").await;
    let (_, token) = api.token(&owner, &["shows:write"]).await;
    let post = |path: &str, key: Option<&str>| match key {
        Some(key) => api.keyed(&token, path, key),
        None => api.request(&token, Method::POST, path),
    };

    // A 22 KiB import is well within its 1 MiB, and its retry is answered once.
    let csv = catalogue_csv(242);
    assert!((22 * 1024..23 * 1024).contains(&csv.len()), "{}", csv.len());
    let import = |key, csv: &str| {
        post(IMPORT, key)
            .header("content-type", "text/csv")
            .body(csv.to_owned())
    };
    let (status, first) = api.send(import(Some("import-7f3a"), &csv)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let again = import(Some("import-7f3a"), &csv).send().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first);
    let (status, without_key) = api.send(import(None, &csv)).await;
    assert_eq!(status, StatusCode::OK, "{without_key}");

    // A show of about 37 KiB is within its 128 KiB.
    let show = show_of("big-show", 200);
    let show_bytes = show.to_string().len();
    assert!(
        (32 * 1024..128 * 1024).contains(&show_bytes),
        "{show_bytes}"
    );
    let (status, first) = api
        .send(post("/api/v1/shows", Some("show-7f3a")).json(&show))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let again = post("/api/v1/shows", Some("show-7f3a"))
        .json(&show)
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");

    // Past each route's own limit, with a key or without.
    let padded_pin = format!("{}{}", pin_lamp().unwrap(), " ".repeat(17 * 1024));
    let over = [
        (IMPORT, catalogue_csv(12_000)),
        ("/api/v1/shows", show_of("huge-show", 1000).to_string()),
        ("/api/v1/shows/test/pins", padded_pin),
    ];
    for (path, body) in over {
        for key in [None, Some("over-7f3a")] {
            let request = post(path, key)
                .header("content-type", "application/json")
                .body(body.clone());
            let (status, refused) = api.send(request).await;
            assert_eq!(
                status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{path} {key:?}: {refused}"
            );
            assert!(refused.contains(r#""code":"bad_request""#), "{refused}");
        }
    }

    // A body that says it is huge is refused before it is sent.
    for (path, key) in [
        (IMPORT, Some("huge-7f3a")),
        ("/api/v1/shows", None),
        ("/api/v1/shows/test/pins", None),
        ("/api/v1/shows/test/pins", Some("huge-7f3b")),
    ] {
        let status = declared_50_mib(&api, &token, path, key).await;
        assert!(
            status.starts_with("HTTP/1.1 413"),
            "{path} {key:?}: {status}"
        );
    }
    assert!(!pins(&api, &owner).await.contains(&"lamp".to_owned()));
}
