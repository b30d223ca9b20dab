//! The studio's event stream (`GET /api/v1/shows/{show}/events`) against the
//! real server on 127.0.0.1:0 over real HTTP: a host's pin and a viewer's
//! chat line arrive as named Server-Sent Events, the stream is refused to
//! whoever may not read the show's figures, and it is no viewer.
mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::api::{signed_in, Api, Caller, PASSWORD};
use common::{add, checkout_msg, command, placed, quote, request_from, viewer};
use lapak_protocol::{ClientMsg, ServerMsg};
use lapak_server::payment::APPROVE;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const EVENTS: &str = "/api/v1/shows/test/events";

/// Reads `response`'s event stream until every name in `wanted` came as an
/// `event:` line; the names seen.
async fn until_named(response: &mut reqwest::Response, wanted: &[&str]) -> BTreeSet<String> {
    let mut text = String::new();
    let mut seen = BTreeSet::new();
    let read = async {
        while !wanted.iter().all(|w| seen.contains(*w)) {
            let chunk = response
                .chunk()
                .await
                .unwrap()
                .expect("the stream stays open");
            text.push_str(std::str::from_utf8(&chunk).unwrap());
            // Only whole events (a blank line ends one).
            while let Some(end) = text.find("\n\n") {
                let event: String = text.drain(..end + 2).collect();
                seen.extend(
                    event
                        .lines()
                        .filter_map(|l| l.strip_prefix("event: "))
                        .map(str::to_owned),
                );
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("{wanted:?} never came"));
    seen
}

async fn viewers_now(api: &Api, owner: &Caller) -> u64 {
    let (status, metrics) = api
        .call(owner, Method::GET, "/api/v1/shows/test/metrics", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{metrics}");
    metrics["viewers"]["now"].as_u64().unwrap()
}

#[tokio::test]
async fn a_hosts_pin_and_a_viewers_chat_line_arrive_as_named_events() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let host = api.sign_in("host@demo.example", PASSWORD).await.unwrap();
    let mut stream = api
        .request(&host, Method::GET, EVENTS)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    assert_eq!(
        viewers_now(&api, &owner).await,
        0,
        "the stream is no viewer"
    );

    let (mut socket, _) = viewer(&server, None).await;
    assert_eq!(
        viewers_now(&api, &owner).await,
        1,
        "the viewer alone counts"
    );
    let (status, answer) = api
        .call(
            &host,
            Method::POST,
            "/api/v1/shows/test/pins",
            Some(json!({ "product_id": "lamp", "x": 0.25, "y": 0.6 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let said = ClientMsg::Chat {
        id: "hello".into(),
        text: "is the lamp dimmable?".into(),
    };
    assert!(matches!(
        command(&mut socket, &said).await,
        ServerMsg::Ack { .. }
    ));
    let seen = until_named(&mut stream, &["pins", "chat"]).await;
    assert!(seen.is_subset(&names()), "only documented names: {seen:?}");
    assert_eq!(viewers_now(&api, &owner).await, 1, "still one viewer");
}

#[tokio::test]
async fn a_paid_order_arrives_as_orders_and_stock() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let mut stream = api
        .request(&owner, Method::GET, EVENTS)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let (mut shopper, _) = viewer(&server, None).await;
    command(&mut shopper, &add("a", "lamp", "default", 1)).await;
    let quote = quote(&mut shopper, "q").await;
    let request = request_from(&quote, "std", APPROVE);
    placed(&command(&mut shopper, &checkout_msg("co", &request)).await);
    until_named(&mut stream, &["orders", "stock"]).await;
}

/// The names docs/api.md lists.
fn names() -> BTreeSet<String> {
    [
        "chat", "likes", "gifts", "missions", "pins", "on_air", "stock", "deal", "viewers",
        "orders", "resync",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

#[tokio::test]
async fn whoever_may_not_read_the_figures_gets_no_stream() {
    let (server, api, owner) = signed_in("owner@demo.example").await;
    let moderator = api.sign_in("mod@demo.example", PASSWORD).await.unwrap();
    let rival = api.sign_in("host@rival.example", PASSWORD).await.unwrap();
    let (_socket, welcome) = viewer(&server, None).await;
    let viewer_token = Caller {
        bearer: Some(welcome.session.token),
        ..Caller::default()
    };
    let refusals = [
        ("nobody", Caller::default(), StatusCode::UNAUTHORIZED),
        ("a viewer's session", viewer_token, StatusCode::UNAUTHORIZED),
        ("a moderator", moderator, StatusCode::FORBIDDEN),
        // As for every route of a show: another brand's is not told to exist.
        ("another brand's host", rival, StatusCode::NOT_FOUND),
    ];
    for (who, caller, status) in refusals {
        let response = api
            .request(&caller, Method::GET, EVENTS)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{who}");
        assert_ne!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"text/event-stream"[..]),
            "{who}"
        );
        let answer: Value = response.json().await.unwrap();
        assert!(
            answer["code"].is_string(),
            "{who}: a refusal, not a stream: {answer}"
        );
    }
    let (_, read_only) = api.token(&owner, &["shows:read"]).await;
    let response = api
        .request(&read_only, Method::GET, EVENTS)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "a token with shows:read");
}
