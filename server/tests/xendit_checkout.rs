//! A shop configured with Xendit (`--payments`), end to end against the
//! contract fake (`scripts/fakes/xendit.py`): the real server, a shopper on a
//! real WebSocket paying by QRIS, the QR string from Xendit's answer, and
//! Xendit's callback — posted by the fake to the server's callback URL with
//! the brand's token — turning the order paid on the shopper's socket.
mod common;

use common::*;
use lapak_protocol::{Card, CheckoutRequest, OrderStatus, PayAction, PayMethod, ServerMsg};

const SECRET: &str = "xnd_development_lapak_checkout";
const TOKEN: &str = "callback-t0ken-checkout";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_shop_with_xendit_takes_qris_and_xendits_callback_pays_the_order() {
    let (base, _fake) = common::xendit::start_fake(SECRET, TOKEN, None).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("xendit.key");
    let token = dir.path().join("xendit.token");
    std::fs::write(&secret, SECRET).unwrap();
    std::fs::write(&token, TOKEN).unwrap();
    let payments = dir.path().join("payments.toml");
    std::fs::write(
        &payments,
        format!(
            "[methods]\nprovider = \"xendit\"\nqris = true\nbanks = [\"bca\"]\n\n\
             [xendit]\napi_base = \"{base}\"\nsecret_key_file = {secret:?}\ncallback_token_file = {token:?}\n"
        ),
    )
    .unwrap();
    let server = server_with(|config| config.payments = Some(payments)).await;

    let (mut socket, welcome) = viewer(&server, None).await;
    assert!(welcome.show.payments.qris, "the show offers QRIS");
    assert!(
        welcome.show.payments.cod_limit.is_none(),
        "and not what the file leaves out"
    );
    acked(&mut socket, &add("a", "drop", "default", 1)).await;
    let quote = quote(&mut socket, "q").await;
    let request = CheckoutRequest {
        method: PayMethod::Qris,
        card: Card::default(),
        ..request_from(&quote, "std", "")
    };
    let order = placed(&checkout(&mut socket, "buy", &request).await).clone();
    assert_eq!(order.status, OrderStatus::AwaitingPayment);
    let Some(PayAction::Qr { qr_string }) = order.payment.as_ref().map(|p| &p.action) else {
        panic!("a QR to scan: {order:?}");
    };
    assert!(!qr_string.is_empty());

    // The shopper pays in their bank app; Xendit calls the shop back.
    let callback_url = format!(
        "http://{}/api/v1/payments/xendit/callback",
        server.running.addr
    );
    let paid = reqwest::Client::new()
        .post(format!("{base}/_fake/pay"))
        .json(&serde_json::json!({ "reference_id": order.number, "callback_url": callback_url }))
        .send()
        .await
        .unwrap();
    assert!(paid.status().is_success(), "{}", paid.status());
    let update = wait_for(&mut socket, |m| match m {
        ServerMsg::OrderUpdated { order } => Some(order.clone()),
        _ => None,
    })
    .await;
    assert_eq!(update.status, OrderStatus::Paid);
}
