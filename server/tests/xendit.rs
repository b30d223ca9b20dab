//! The Xendit provider against the contract fake (`scripts/fakes/xendit.py`,
//! a real HTTP server on 127.0.0.1:0), with its callbacks received on a real
//! socket; and the contract itself: the examples from Xendit's reference
//! (`tests/xendit/*.json`) hold every field the provider reads, and the fake
//! answers in their shapes.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use axum::http::HeaderMap;
use lapak_protocol::{Bank, Contact, Ewallet, Money, PayAction, PayMethod};
use lapak_server::payment::{
    Forged, Lookup, Outcome, PaymentProvider, Requested, XenditConfig, XenditProvider,
};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
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

        let mut fake = Command::new("python3")
            .arg(repo().join("scripts/fakes/xendit.py"))
            .args([
                "--port",
                "0",
                "--secret-key",
                SECRET,
                "--callback-token",
                TOKEN,
            ])
            .args(["--callback-url", &callback_url])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs the fake");
        let mut line = String::new();
        BufReader::new(fake.stdout.take().expect("its output"))
            .read_line(&mut line)
            .await
            .expect("the fake's first line");
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the fake says where it listens, not {line:?}"));
        let base = format!("http://{address}");
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
        xendit.provider.close("LPK-LATE").await,
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
        xendit.provider.close("LPK-OPEN").await,
        Some(Lookup::NotCharged)
    );
    assert_eq!(
        xendit.simulate("pay", "LPK-OPEN").await,
        409,
        "a closed request takes no payment"
    );
    assert_eq!(
        xendit.provider.close("LPK-OPEN").await,
        Some(Lookup::NotCharged)
    );

    let (reference, _, _) = waiting(
        xendit
            .request("LPK-DONE", 5_000_000, &PayMethod::Qris)
            .await,
    );
    assert_eq!(xendit.simulate("pay", "LPK-DONE").await, 200);
    assert_eq!(
        xendit.provider.close("LPK-DONE").await,
        Some(Lookup::Approved { reference })
    );

    // A key Xendit never saw: nothing was taken.
    assert_eq!(
        xendit.provider.close("LPK-NEVER").await,
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
    assert_eq!(away.close("LPK-AWAY").await, None);
    assert!(away
        .refund("LPK-AWAY", "pr-x", &rupiah(5_000_000), "LPK-AWAY-r1")
        .await
        .is_err());
}
