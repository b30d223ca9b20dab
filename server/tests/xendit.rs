//! The Xendit provider against the contract fake (`scripts/fakes/xendit.py`,
//! a real HTTP server on 127.0.0.1:0), with its callbacks received on a real
//! socket; and the contract itself: the examples from Xendit's reference
//! (`tests/xendit/*.json`) hold every field the provider reads, and the fake
//! answers in their shapes, and the provider sends what they show.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::HeaderMap;
use lapak_protocol::{Bank, Contact, Ewallet, Money, PayAction, PayMethod};
use lapak_server::payment::{
    Forged, Lookup, Outcome, PaymentProvider, Requested, XenditConfig, XenditProvider,
};
use serde_json::{json, Value};
use tokio::process::Child;
use tokio::sync::mpsc;

/// Unix time in milliseconds.
fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_millis() as i64)
}

const SECRET: &str = "xnd_development_lapak_test";
const TOKEN: &str = "callback-t0ken";

/// The fake, Lapak's provider against it, and the callbacks it posted.
struct Xendit {
    base: String,
    provider: XenditProvider,
    callbacks: mpsc::UnboundedReceiver<(HeaderMap, Vec<u8>)>,
    http: reqwest::Client,
    _fake: Child,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Xendit {
    /// Starts the fake on a port of its choosing, posting its callbacks to a
    /// listener of this test's own.
    async fn start() -> Xendit {
        let (tx, callbacks) = mpsc::unbounded_channel();
        let app = axum::Router::new().route(
            "/api/v1/payments/xendit/callback",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send((headers, body.to_vec()));
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for callbacks");
        let callback_url = format!(
            "http://{}/api/v1/payments/xendit/callback",
            listener.local_addr().expect("an address")
        );
        tokio::spawn(async move { axum::serve(listener, app).await });

        let (base, fake) = common::xendit::start_fake(SECRET, TOKEN, Some(&callback_url)).await;
        let mut config = XenditConfig::new(&base, SECRET, TOKEN);
        config.return_url = Some("https://shop.example/after-payment".into());
        Xendit {
            provider: XenditProvider::new(config).expect("a provider"),
            base,
            callbacks,
            http: reqwest::Client::new(),
            _fake: fake,
        }
    }

    /// Asks the fake, through its test-only routes, to pay (`pay`), fail or
    /// expire the request under `key`: its HTTP status.
    async fn simulate(&self, what: &str, key: &str) -> u16 {
        self.http
            .post(format!("{}/_fake/{what}", self.base))
            .json(&json!({ "reference_id": key }))
            .send()
            .await
            .expect("the fake answers")
            .status()
            .as_u16()
    }

    /// The next callback the fake posted.
    async fn callback(&mut self) -> (HeaderMap, Vec<u8>) {
        tokio::time::timeout(Duration::from_secs(10), self.callbacks.recv())
            .await
            .expect("a callback within 10 s")
            .expect("the listener runs")
    }

    /// What the fake was sent and what it posted.
    async fn received(&self) -> Value {
        self.http
            .get(format!("{}/_fake/received", self.base))
            .send()
            .await
            .expect("the fake answers")
            .json()
            .await
            .expect("JSON")
    }

    async fn request(&self, key: &str, amount: i64, method: &PayMethod) -> Requested {
        self.provider
            .request(key, &rupiah(amount), method, &buyer(), in_an_hour())
            .await
    }
}

/// An amount in Lapak's IDR minor units (sen).
fn rupiah(minor: i64) -> Money {
    Money {
        minor,
        currency: "IDR".into(),
    }
}

fn buyer() -> Contact {
    Contact {
        name: "Sari Dewi".into(),
        email: "sari@example.com".into(),
        phone: "081234567890".into(),
    }
}

/// An hour from now, in whole seconds (as Xendit's date-times carry it).
fn in_an_hour() -> i64 {
    (now_ms() / 1000 + 3600) * 1000
}

fn waiting(requested: Requested) -> (String, PayAction, i64) {
    match requested {
        Requested::Waiting {
            reference,
            action,
            expires_at_ms,
        } => (reference, action, expires_at_ms),
        other => panic!("expected a waiting request, got {other:?}"),
    }
}

#[tokio::test]
async fn qris_a_virtual_account_and_both_kinds_of_e_wallet_come_back_waiting_with_their_action() {
    let xendit = Xendit::start().await;

    let (reference, action, expires_at_ms) =
        waiting(xendit.request("LPK-QR", 18_900_000, &PayMethod::Qris).await);
    assert!(reference.starts_with("pr-"), "{reference}");
    assert!(matches!(&action, PayAction::Qr { qr_string } if qr_string.starts_with("000201")));
    assert_eq!(expires_at_ms, in_an_hour());

    let bca = PayMethod::VirtualAccount { bank: Bank::Bca };
    let (_, action, _) = waiting(xendit.request("LPK-VA", 18_900_000, &bca).await);
    match action {
        PayAction::Transfer {
            bank,
            account_number,
        } => {
            assert_eq!(bank, Bank::Bca);
            assert!(
                account_number.len() >= 10 && account_number.bytes().all(|b| b.is_ascii_digit())
            );
        }
        other => panic!("a transfer, not {other:?}"),
    }

    let gopay = PayMethod::Ewallet {
        wallet: Ewallet::Gopay,
        phone: None,
    };
    let (reference, action, _) = waiting(xendit.request("LPK-GP", 18_900_000, &gopay).await);
    match action {
        PayAction::Open {
            wallet,
            url,
            deep_link,
        } => {
            assert_eq!(wallet, Ewallet::Gopay);
            assert_eq!(url, format!("{}/_fake/checkout/{reference}", xendit.base));
            assert!(deep_link.is_some_and(|link| link.starts_with("gojek://")));
        }
        other => panic!("a page to open, not {other:?}"),
    }

    let ovo = PayMethod::Ewallet {
        wallet: Ewallet::Ovo,
        phone: Some("0812 3456 7890".into()),
    };
    let (_, action, _) = waiting(xendit.request("LPK-OVO", 18_900_000, &ovo).await);
    assert_eq!(
        action,
        PayAction::Approve {
            wallet: Ewallet::Ovo,
            phone: "+6281234567890".into()
        }
    );

    // What Xendit was sent: whole rupiah, the key as idempotency key and reference.
    let received = xendit.received().await;
    let creates: Vec<&Value> = received["requests"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/v3/payment_requests")
        .collect();
    assert_eq!(creates.len(), 4);
    for create in creates {
        assert_eq!(create["body"]["request_amount"], 189_000);
        assert_eq!(create["idempotency_key"], create["body"]["reference_id"]);
        assert_eq!(create["api_version"], "2024-11-11");
    }
}

#[tokio::test]
async fn a_payment_calls_back_and_reads_as_paid_only_with_the_token_and_within_bounds() {
    let mut xendit = Xendit::start().await;
    let method = PayMethod::VirtualAccount { bank: Bank::Bri };
    let (reference, _, _) = waiting(xendit.request("LPK-PAID", 5_000_000, &method).await);
    assert_eq!(xendit.simulate("pay", "LPK-PAID").await, 200);
    let (headers, body) = xendit.callback().await;

    let notices = xendit
        .provider
        .verify(&headers, &body, now_ms())
        .expect("Xendit's own callback");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].key, "LPK-PAID");
    assert!(notices[0].event.starts_with("payment.capture:py-"));
    assert_eq!(
        notices[0].outcome,
        Outcome::Paid {
            reference,
            amount: rupiah(5_000_000)
        }
    );

    let mut forged = headers.clone();
    forged.insert(
        "x-callback-token",
        "callback-t0kem".parse().expect("a value"),
    );
    assert_eq!(
        xendit.provider.verify(&forged, &body, now_ms()),
        Err(Forged::Signature)
    );
    let mut none = headers.clone();
    none.remove("x-callback-token");
    assert_eq!(
        xendit.provider.verify(&none, &body, now_ms()),
        Err(Forged::Signature)
    );
    assert!(matches!(
        xendit
            .provider
            .verify(&headers, &body[..body.len() / 2], now_ms()),
        Err(Forged::Malformed(_))
    ));
    let mut oversized = body.clone();
    oversized.resize(64 * 1024 + 1, b' ');
    assert!(matches!(
        xendit.provider.verify(&headers, &oversized, now_ms()),
        Err(Forged::Malformed(_))
    ));
}

#[tokio::test]
async fn a_failed_or_expired_request_reads_as_failed() {
    let mut xendit = Xendit::start().await;
    let dana = PayMethod::Ewallet {
        wallet: Ewallet::Dana,
        phone: None,
    };
    waiting(xendit.request("LPK-FAIL", 5_000_000, &dana).await);
    assert_eq!(xendit.simulate("fail", "LPK-FAIL").await, 200);
    let (headers, body) = xendit.callback().await;
    let notices = xendit
        .provider
        .verify(&headers, &body, now_ms())
        .expect("genuine");
    assert_eq!(notices[0].key, "LPK-FAIL");
    assert!(matches!(notices[0].outcome, Outcome::Failed { .. }));

    // A QRIS code that expires two seconds from now: Xendit expires it and says so.
    let soon = (now_ms() / 1000 + 2) * 1000;
    let requested = xendit
        .provider
        .request(
            "LPK-LATE",
            &rupiah(5_000_000),
            &PayMethod::Qris,
            &buyer(),
            soon,
        )
        .await;
    waiting(requested);
    let (headers, body) = xendit.callback().await;
    let notices = xendit
        .provider
        .verify(&headers, &body, now_ms())
        .expect("genuine");
    assert_eq!(notices[0].key, "LPK-LATE");
    assert_eq!(
        notices[0].outcome,
        Outcome::Failed {
            reason: "expired".into()
        }
    );
    assert_eq!(xendit.simulate("pay", "LPK-LATE").await, 409);
    assert_eq!(
        xendit.provider.close("LPK-LATE", None).await,
        Some(Lookup::NotCharged)
    );
}

#[tokio::test]
async fn closing_an_unpaid_request_makes_it_unpayable_and_a_paid_one_reads_approved() {
    let xendit = Xendit::start().await;
    let mandiri = PayMethod::VirtualAccount {
        bank: Bank::Mandiri,
    };
    waiting(xendit.request("LPK-OPEN", 5_000_000, &mandiri).await);
    assert_eq!(
        xendit.provider.close("LPK-OPEN", None).await,
        Some(Lookup::NotCharged)
    );
    assert_eq!(
        xendit.simulate("pay", "LPK-OPEN").await,
        409,
        "a closed request takes no payment"
    );
    assert_eq!(
        xendit.provider.close("LPK-OPEN", None).await,
        Some(Lookup::NotCharged)
    );

    let (reference, _, _) = waiting(
        xendit
            .request("LPK-DONE", 5_000_000, &PayMethod::Qris)
            .await,
    );
    assert_eq!(xendit.simulate("pay", "LPK-DONE").await, 200);
    assert_eq!(
        xendit.provider.close("LPK-DONE", None).await,
        Some(Lookup::Approved { reference })
    );

    // A key Xendit never saw: nothing was taken.
    assert_eq!(
        xendit.provider.close("LPK-NEVER", None).await,
        Some(Lookup::NotCharged)
    );
}

#[tokio::test]
async fn a_refund_goes_through_once_per_refund_key() {
    let xendit = Xendit::start().await;
    let (reference, _, _) = waiting(xendit.request("LPK-RF", 5_000_000, &PayMethod::Qris).await);
    let early = xendit
        .provider
        .refund("LPK-RF", &reference, &rupiah(1_000_000), "LPK-RF-r0")
        .await;
    assert!(
        early.is_err(),
        "an unpaid request cannot be refunded: {early:?}"
    );
    assert_eq!(xendit.simulate("pay", "LPK-RF").await, 200);

    let refund = xendit
        .provider
        .refund("LPK-RF", &reference, &rupiah(1_000_000), "LPK-RF-r1")
        .await
        .expect("a refund");
    assert!(refund.starts_with("rfd-"), "{refund}");
    let again = xendit
        .provider
        .refund("LPK-RF", &reference, &rupiah(1_000_000), "LPK-RF-r1")
        .await;
    assert_eq!(again, Ok(refund), "the same refund key is the same refund");
    let too_much = xendit
        .provider
        .refund("LPK-RF", &reference, &rupiah(5_000_000), "LPK-RF-r2")
        .await;
    assert!(too_much.is_err(), "more than is left: {too_much:?}");
    let refunds = xendit.received().await["requests"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|r| r["path"] == "/refunds")
        .map(|r| r["body"]["amount"].clone())
        .collect::<Vec<_>>();
    assert_eq!(
        refunds,
        [10_000, 10_000, 10_000, 50_000].map(|rupiah| json!(rupiah))
    );
}

#[tokio::test]
async fn one_key_makes_one_request() {
    let xendit = Xendit::start().await;
    let (first, _, _) = waiting(xendit.request("LPK-ONE", 5_000_000, &PayMethod::Qris).await);
    let (second, _, _) = waiting(xendit.request("LPK-ONE", 5_000_000, &PayMethod::Qris).await);
    assert_eq!(first, second);
    let other = xendit.request("LPK-ONE", 6_000_000, &PayMethod::Qris).await;
    assert!(
        matches!(&other, Requested::Refused { reason } if reason.contains("DUPLICATE_ERROR")),
        "{other:?}"
    );
    let listed: Value = xendit
        .http
        .get(format!("{}/v3/payment_requests", xendit.base))
        .query(&[("reference_id", "LPK-ONE")])
        .basic_auth(SECRET, Some(""))
        .send()
        .await
        .expect("the fake answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_amount_with_sen_or_an_unreachable_xendit_takes_nothing() {
    let xendit = Xendit::start().await;
    let sen = xendit.request("LPK-SEN", 5_000_050, &PayMethod::Qris).await;
    assert!(matches!(sen, Requested::Refused { .. }), "{sen:?}");

    // A port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", closed.local_addr().expect("an address"));
    drop(closed);
    let away = XenditProvider::new(XenditConfig::new(&base, SECRET, TOKEN)).expect("a provider");
    let requested = away
        .request(
            "LPK-AWAY",
            &rupiah(5_000_000),
            &PayMethod::Qris,
            &buyer(),
            in_an_hour(),
        )
        .await;
    assert_eq!(requested, Requested::Timeout);
    assert_eq!(away.close("LPK-AWAY", None).await, None);
    assert!(away
        .refund("LPK-AWAY", "pr-x", &rupiah(5_000_000), "LPK-AWAY-r1")
        .await
        .is_err());
}

// The contract: Xendit's reference, the provider and the fake agree.

/// An example from Xendit's reference, kept in `tests/xendit/` with its source.
fn example(name: &str) -> Value {
    let path = repo().join("tests/xendit").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let example: Value = serde_json::from_str(&text).expect("JSON");
    assert!(
        example["source"]
            .as_str()
            .is_some_and(|source| source.starts_with("https://")),
        "{name} names its source"
    );
    example
}

/// Every path in `value` with its JSON type (`/actions[]/value string`,
/// `/customer_id null`).
fn shape(value: &Value) -> BTreeSet<String> {
    fn walk(value: &Value, at: String, out: &mut BTreeSet<String>) {
        let kind = match value {
            Value::Null => "null",
            Value::Object(map) => {
                for (key, value) in map {
                    walk(value, format!("{at}/{key}"), out);
                }
                "object"
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, format!("{at}[]"), out);
                }
                "array"
            }
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
        };
        out.insert(format!("{at} {kind}"));
    }
    let mut out = BTreeSet::new();
    walk(value, String::new(), &mut out);
    out
}

/// Asserts `answer` has every field of `example`, with its type or null.
/// `channel_properties` echo what the request sent for its channel, so only
/// the object itself is compared.
fn assert_shaped_like(example: &Value, answer: &Value, what: &str) {
    let answered = shape(answer);
    let missing: Vec<_> = shape(example)
        .difference(&answered)
        .filter(|field| !field.contains("/channel_properties/"))
        .filter(|field| {
            let path = field
                .rsplit_once(' ')
                .map_or(field.as_str(), |(path, _)| path);
            !field.ends_with(" null") && !answered.contains(&format!("{path} null"))
        })
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: the fake lacks {missing:?} in {answer}"
    );
}

/// What the provider reads of each answer and callback (server/src/payment/xendit.rs).
const READS: &[(&str, &[&str])] = &[
    (
        "create_qris.json",
        &[
            "/response/payment_request_id string",
            "/response/status string",
            "/response/actions[]/descriptor string",
            "/response/actions[]/value string",
            "/response/channel_properties/expires_at string",
        ],
    ),
    (
        "create_virtual_account.json",
        &[
            "/response/payment_request_id string",
            "/response/status string",
            "/response/actions[]/descriptor string",
            "/response/actions[]/value string",
        ],
    ),
    (
        "create_ewallet_redirect.json",
        &[
            "/response/payment_request_id string",
            "/response/status string",
            "/response/actions[]/descriptor string",
            "/response/actions[]/value string",
        ],
    ),
    (
        "create_ewallet_ovo.json",
        &[
            "/response/payment_request_id string",
            "/response/status string",
        ],
    ),
    (
        "list_payment_requests.json",
        &[
            "/response/data array",
            "/response/data[]/payment_request_id string",
            "/response/data[]/status string",
        ],
    ),
    ("cancel_payment_request.json", &["/response/status string"]),
    (
        "refund.json",
        &["/response/id string", "/response/status string"],
    ),
    (
        "callback_payment_capture.json",
        &[
            "/callback/event string",
            "/callback/data/payment_id string",
            "/callback/data/payment_request_id string",
            "/callback/data/reference_id string",
            "/callback/data/status string",
            "/callback/data/request_amount number",
            "/callback/data/currency string",
        ],
    ),
    (
        "callback_payment_failure.json",
        &[
            "/callback/event string",
            "/callback/data/payment_id string",
            "/callback/data/reference_id string",
            "/callback/data/failure_code string",
        ],
    ),
    (
        "callback_payment_request_expiry.json",
        &[
            "/callback/event string",
            "/callback/data/payment_request_id string",
            "/callback/data/reference_id string",
        ],
    ),
    (
        "error_duplicate.json",
        &["/response/error_code string", "/response/message string"],
    ),
];

#[test]
fn every_field_the_provider_reads_is_in_xendits_examples() {
    for (name, reads) in READS {
        let shape = shape(&example(name));
        for read in *reads {
            assert!(shape.contains(*read), "{name} lacks {read}");
        }
    }
    let kept = std::fs::read_dir(repo().join("tests/xendit")).expect("the examples");
    assert_eq!(kept.count(), READS.len(), "every example is checked");
}

impl Xendit {
    /// Calls the fake as Xendit's API, with the secret key: status and body.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: &Value,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(SECRET, Some(""))
            .json(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let answer = request.send().await.expect("the fake answers");
        let status = answer.status().as_u16();
        (status, answer.json().await.expect("JSON"))
    }

    /// The payment request under `key`.
    async fn under(&self, key: &str) -> Value {
        let path = format!("/v3/payment_requests?reference_id={key}");
        let (_, listed) = self
            .call(reqwest::Method::GET, &path, None, &Value::Null)
            .await;
        listed["data"][0].clone()
    }
}

#[tokio::test]
async fn the_fake_answers_in_the_shapes_of_xendits_examples_and_lapak_sends_what_they_show() {
    let mut xendit = Xendit::start().await;
    let post = reqwest::Method::POST;
    let methods = [
        ("create_qris.json", PayMethod::Qris),
        (
            "create_virtual_account.json",
            PayMethod::VirtualAccount { bank: Bank::Bca },
        ),
        (
            "create_ewallet_redirect.json",
            PayMethod::Ewallet {
                wallet: Ewallet::Gopay,
                phone: None,
            },
        ),
        (
            "create_ewallet_ovo.json",
            PayMethod::Ewallet {
                wallet: Ewallet::Ovo,
                phone: Some("081234567890".into()),
            },
        ),
    ];
    for (i, (name, method)) in methods.iter().enumerate() {
        let example = example(name);
        // The reference's own request is taken, and answered in its shape.
        let mut request = example["request"].clone();
        request["reference_id"] = json!(format!("REF-{i}"));
        if request["channel_properties"]["expires_at"].is_string() {
            request["channel_properties"]["expires_at"] = json!("2099-01-01T00:00:00Z");
        }
        let (status, answer) = xendit
            .call(
                post.clone(),
                "/v3/payment_requests",
                Some(&format!("REF-{i}")),
                &request,
            )
            .await;
        assert_eq!(status, 201, "{name}: {answer}");
        assert_shaped_like(&example["response"], &answer, name);
        // Lapak's request has the reference's shape.
        let key = format!("LPK-{i}");
        waiting(xendit.request(&key, 1_000_000, method).await);
        let received = xendit.received().await;
        let sent = received["requests"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|r| r["body"]["reference_id"] == key.as_str())
            .expect("Lapak's request");
        assert_eq!(
            shape(&sent["body"]),
            shape(&example["request"]),
            "{name}: what Lapak sends"
        );
    }

    let (_, listed) = xendit
        .call(
            reqwest::Method::GET,
            "/v3/payment_requests?reference_id=LPK-0",
            None,
            &Value::Null,
        )
        .await;
    assert_shaped_like(
        &example("list_payment_requests.json")["response"],
        &listed,
        "list",
    );

    let va = xendit.under("LPK-1").await;
    let path = format!(
        "/v3/payment_requests/{}/cancel",
        va["payment_request_id"].as_str().expect("an id")
    );
    let (_, cancelled) = xendit.call(post.clone(), &path, None, &json!({})).await;
    assert_shaped_like(
        &example("cancel_payment_request.json")["response"],
        &cancelled,
        "cancel",
    );

    for (what, key, name) in [
        ("pay", "LPK-0", "callback_payment_capture.json"),
        ("fail", "LPK-3", "callback_payment_failure.json"),
        ("expire", "LPK-2", "callback_payment_request_expiry.json"),
    ] {
        assert_eq!(xendit.simulate(what, key).await, 200);
        let (headers, body) = xendit.callback().await;
        assert_eq!(headers["x-callback-token"], TOKEN);
        let callback: Value = serde_json::from_slice(&body).expect("JSON");
        assert_shaped_like(&example(name)["callback"], &callback, name);
    }

    let refund = example("refund.json");
    let mut request = refund["request"].clone();
    request["payment_request_id"] = xendit.under("LPK-0").await["payment_request_id"].clone();
    let (status, answer) = xendit
        .call(post.clone(), "/refunds", Some("RF-1"), &request)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_shaped_like(&refund["response"], &answer, "refund");

    let duplicate = example("error_duplicate.json");
    let mut request = example("create_qris.json")["request"].clone();
    request["request_amount"] = json!(20_000);
    let (status, answer) = xendit
        .call(post, "/v3/payment_requests", Some("REF-0"), &request)
        .await;
    assert_eq!(json!(status), duplicate["status"]);
    assert_shaped_like(&duplicate["response"], &answer, "duplicate");
    assert_eq!(answer["error_code"], duplicate["response"]["error_code"]);
}
