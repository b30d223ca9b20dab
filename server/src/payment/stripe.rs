//! Cards through Stripe: the shopper types the card into Stripe's own fields
//! (Stripe.js) in the widget, so no card number reaches Lapak. The server asks
//! Stripe for a PaymentIntent per order (its client secret goes to the widget,
//! which confirms it, 3-D Secure included), Stripe's signed webhooks settle the
//! order, and an intent left unpaid is cancelled when the order expires.
//!
//! The four API calls are made by hand over `reqwest` (form-encoded, as Stripe
//! takes them), each with an idempotency key. why: async-stripe's generated
//! crates (PaymentIntents, refunds, webhook events) take about three minutes
//! of one core to compile; reqwest adds a few seconds, and was built for the
//! tests already.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use lapak_protocol::{CardFields, Contact, Money, PayAction, PayMethod};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::secret::{self, SecretError};
use super::{Forged, Lookup, Notice, Outcome, PaymentProvider, Requested};

/// The largest webhook body read: Stripe's PaymentIntent events are a few KiB.
pub const MAX_WEBHOOK_BYTES: usize = 64 * 1024;
/// How far a webhook's signed timestamp may be from now, in seconds (Stripe's
/// own libraries' default): an older one is a replay.
pub const TOLERANCE_SECS: i64 = 300;

/// How to reach the brand's Stripe account.
#[derive(Clone)]
pub struct StripeConfig {
    /// Stripe's API, `https://api.stripe.com` (a fake's URL in tests).
    pub api_base: String,
    /// The secret API key (`sk_…`): server side only.
    pub secret_key: String,
    /// The publishable key (`pk_…`), public by design: Stripe.js uses it in the widget.
    pub publishable_key: String,
    /// The webhook endpoint's signing secret (`whsec_…`).
    pub webhook_secret: String,
    /// Where the widget loads Stripe.js from.
    pub js_url: String,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // why: configurations end up in logs; the secrets must not.
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .field("secret_key", &"<redacted>")
            .field("publishable_key", &self.publishable_key)
            .field("webhook_secret", &"<redacted>")
            .field("js_url", &self.js_url)
            .finish()
    }
}

/// Why a `[stripe]` table could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum StripeConfigError {
    /// The table does not have the expected keys.
    #[error("the stripe table is malformed: {0}")]
    Malformed(String),
    /// A secret cannot be read.
    #[error("stripe: {0}")]
    Secret(#[from] SecretError),
}

/// The `[stripe]` table as written: secrets are named, never inlined, so the
/// file can be kept with the brand's other settings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StripeTable {
    #[serde(default)]
    api_base: Option<String>,
    publishable_key: String,
    #[serde(default)]
    js_url: Option<String>,
    #[serde(default)]
    secret_key_env: Option<String>,
    #[serde(default)]
    secret_key_file: Option<String>,
    #[serde(default)]
    webhook_secret_env: Option<String>,
    #[serde(default)]
    webhook_secret_file: Option<String>,
}

impl StripeConfig {
    /// Reads a `[stripe]` table, taking the secrets from the environment
    /// variables or files it names.
    pub fn from_toml(table: &toml::Table) -> Result<StripeConfig, StripeConfigError> {
        StripeConfig::from_toml_with(table, |name| std::env::var(name).ok())
    }

    /// [`StripeConfig::from_toml`], reading the environment through `env`.
    pub fn from_toml_with(
        table: &toml::Table,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<StripeConfig, StripeConfigError> {
        let table: StripeTable = table
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| StripeConfigError::Malformed(e.message().to_owned()))?;
        let secret = |name, var: Option<String>, file: Option<String>| {
            secret::read(name, var.as_deref(), file.as_deref(), &env)
        };
        Ok(StripeConfig {
            api_base: table
                .api_base
                .unwrap_or_else(|| "https://api.stripe.com".into()),
            secret_key: secret("secret_key", table.secret_key_env, table.secret_key_file)?,
            publishable_key: table.publishable_key,
            webhook_secret: secret(
                "webhook_secret",
                table.webhook_secret_env,
                table.webhook_secret_file,
            )?,
            js_url: table
                .js_url
                .unwrap_or_else(|| "https://js.stripe.com/v3/".into()),
        })
    }

    /// What the widget needs to mount Stripe's fields.
    pub fn card_fields(&self) -> CardFields {
        CardFields::Stripe {
            publishable_key: self.publishable_key.clone(),
            js_url: self.js_url.clone(),
        }
    }
}

/// Stripe's zero-decimal currencies: amounts in whole units.
const ZERO_DECIMAL: [&str; 15] = [
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "VND", "VUV", "XAF",
    "XOF", "XPF",
];
/// Stripe's three-decimal currencies, whose last digit must be 0.
const THREE_DECIMAL: [&str; 5] = ["BHD", "JOD", "KWD", "OMR", "TND"];
/// Two-decimal in Stripe's API but charged in whole units only: amounts are multiples of 100.
const WHOLE_UNITS: [&str; 2] = ["ISK", "UGX"];

/// Digits after the decimal point in Stripe's amounts for `currency`. IDR is
/// two-decimal at Stripe (Rp1 is `100`), as it is in Lapak's ISO minor units.
fn stripe_digits(currency: &str) -> u32 {
    if ZERO_DECIMAL.contains(&currency) {
        0
    } else if THREE_DECIMAL.contains(&currency) {
        3
    } else {
        2
    }
}

/// `amount` as Stripe's `amount` and lower-case `currency`, or why Stripe
/// cannot take it (a fraction its units do not have).
pub fn to_stripe(amount: &Money) -> Result<(i64, String), String> {
    let currency = amount.currency.to_ascii_uppercase();
    let (ours, theirs) = (amount.minor_digits(), stripe_digits(&currency));
    let units = if theirs >= ours {
        amount
            .minor
            .checked_mul(10_i64.pow(theirs - ours))
            .ok_or_else(|| format!("{} {currency} is too large", amount.minor))?
    } else {
        let scale = 10_i64.pow(ours - theirs);
        if amount.minor % scale != 0 {
            return Err(format!(
                "Stripe takes {currency} in whole units; {} minor units are not",
                amount.minor
            ));
        }
        amount.minor / scale
    };
    let step = if WHOLE_UNITS.contains(&currency.as_str()) {
        100
    } else if THREE_DECIMAL.contains(&currency.as_str()) {
        10
    } else {
        1
    };
    if units % step != 0 {
        return Err(format!(
            "Stripe takes {currency} in steps of {step}, not {units}"
        ));
    }
    Ok((units, currency.to_ascii_lowercase()))
}

/// A Stripe `amount` in `currency` as Lapak's money, `None` when it does not
/// fit in Lapak's minor units.
pub fn from_stripe(units: i64, currency: &str) -> Option<Money> {
    let mut money = Money {
        minor: 0,
        currency: currency.to_ascii_uppercase(),
    };
    let (ours, theirs) = (money.minor_digits(), stripe_digits(&money.currency));
    money.minor = if ours >= theirs {
        units.checked_mul(10_i64.pow(ours - theirs))?
    } else {
        let scale = 10_i64.pow(theirs - ours);
        (units % scale == 0).then_some(units / scale)?
    };
    Some(money)
}

/// A PaymentIntent as Lapak reads it.
#[derive(Deserialize)]
struct Intent {
    id: String,
    #[serde(default)]
    client_secret: Option<String>,
    status: String,
    #[serde(default)]
    amount: i64,
    #[serde(default)]
    amount_received: Option<i64>,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    metadata: HashMap<String, String>,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

impl ApiError {
    fn reason(&self) -> String {
        self.message
            .clone()
            .or_else(|| self.code.clone())
            .unwrap_or_else(|| "no reason given".into())
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ApiError,
}

#[derive(Deserialize)]
struct Listed<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// What Stripe answered: 2xx with its body, a refusal (4xx) with its reason,
/// or nothing usable (no answer, a 5xx, a body not understood).
enum Answer<T> {
    Done(T),
    Refused(u16, String),
    Unknown,
}

/// Takes cards through Stripe's PaymentIntents.
pub struct StripeProvider {
    config: StripeConfig,
    http: reqwest::Client,
    /// PaymentIntent ids by idempotency key, of the intents this process
    /// created: `close` finds them here, and by Stripe's search after a restart.
    intents: Mutex<HashMap<String, String>>,
}

impl StripeProvider {
    /// A provider for the account in `config`; each call to Stripe gives up after `timeout`.
    pub fn new(config: StripeConfig, timeout: Duration) -> Result<StripeProvider, reqwest::Error> {
        Ok(StripeProvider {
            config,
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()?,
            intents: Mutex::new(HashMap::new()),
        })
    }

    /// What the widget needs to mount Stripe's fields.
    pub fn card_fields(&self) -> CardFields {
        self.config.card_fields()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Answer<T> {
        let response = match request.bearer_auth(&self.config.secret_key).send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(%error, "stripe: no answer");
                return Answer::Unknown;
            }
        };
        let status = response.status();
        let Ok(body) = response.bytes().await else {
            return Answer::Unknown;
        };
        if status.is_success() {
            return match serde_json::from_slice(&body) {
                Ok(value) => Answer::Done(value),
                Err(error) => {
                    tracing::warn!(%error, "stripe: an answer not understood");
                    Answer::Unknown
                }
            };
        }
        // why: a 409 is a request with the same idempotency key still under
        // way, a 5xx may have done its work: neither says nothing was done.
        if status.is_client_error() && status.as_u16() != 409 {
            let reason = serde_json::from_slice::<ErrorBody>(&body)
                .map(|body| body.error.reason())
                .unwrap_or_else(|_| status.to_string());
            return Answer::Refused(status.as_u16(), reason);
        }
        tracing::warn!(%status, "stripe: no usable answer");
        Answer::Unknown
    }

    fn remember(&self, key: &str, reference: &str) {
        self.intents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_owned(), reference.to_owned());
    }

    fn remembered(&self, key: &str) -> Option<String> {
        self.intents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    async fn retrieve(&self, reference: &str) -> Answer<Intent> {
        let path = format!("/v1/payment_intents/{reference}");
        self.call(self.http.get(self.url(&path))).await
    }

    /// Closes the PaymentIntent `reference`: `Approved` if it succeeded,
    /// otherwise it is cancelled (nothing can be taken under it afterwards)
    /// and `NotCharged`; `None` while Stripe cannot say (no answer, or a
    /// payment still processing).
    pub async fn close_intent(&self, reference: &str) -> Option<Lookup> {
        let intent = match self.retrieve(reference).await {
            Answer::Done(intent) => intent,
            // why: an id Stripe does not know has no payment under it.
            Answer::Refused(404, _) => return Some(Lookup::NotCharged),
            Answer::Refused(..) | Answer::Unknown => return None,
        };
        if let Some(settled) = settled(&intent) {
            return settled;
        }
        let path = format!("/v1/payment_intents/{reference}/cancel");
        match self.call::<Intent>(self.http.post(self.url(&path))).await {
            Answer::Done(intent) if intent.status == "canceled" => Some(Lookup::NotCharged),
            // why: a cancel refused is an intent that moved on meanwhile
            // (paid by the shopper a moment ago): read what it came to.
            _ => match self.retrieve(reference).await {
                Answer::Done(intent) => settled(&intent).flatten(),
                _ => None,
            },
        }
    }

    /// The PaymentIntents created under `key`, by Stripe's search (its index
    /// lags writes by up to a minute, so it finds what `remember` lost in a restart).
    async fn search(&self, key: &str) -> Option<Vec<Intent>> {
        let query = format!("metadata['order']:'{}'", key.replace('\'', "\\'"));
        let request = self
            .http
            .get(self.url("/v1/payment_intents/search"))
            .query(&[("query", query)]);
        match self.call::<Listed<Intent>>(request).await {
            Answer::Done(listed) => Some(listed.data),
            _ => None,
        }
    }
}

/// What a PaymentIntent in a final state came to: `Some(None)` while it is
/// processing, `None` when it can still be cancelled.
fn settled(intent: &Intent) -> Option<Option<Lookup>> {
    match intent.status.as_str() {
        "succeeded" => Some(Some(Lookup::Approved {
            reference: intent.id.clone(),
        })),
        "canceled" => Some(Some(Lookup::NotCharged)),
        "processing" => Some(None),
        _ => None,
    }
}

/// The `t` and `v1` values of a `Stripe-Signature` header.
fn signature_parts(header: &str) -> Option<(i64, Vec<&str>)> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse().ok(),
            Some(("v1", v1)) => signatures.push(v1),
            _ => {}
        }
    }
    Some((timestamp?, signatures))
}

/// The hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`, as Stripe signs webhooks.
fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn notice(event: Event) -> Notice {
    let intent = event
        .kind
        .starts_with("payment_intent.")
        .then(|| serde_json::from_value::<Intent>(event.data.object).ok())
        .flatten();
    let key = intent
        .as_ref()
        .and_then(|intent| intent.metadata.get("order").cloned());
    let outcome = match (event.kind.as_str(), &intent, &key) {
        // An intent without Lapak's key is another integration's.
        (_, None, _) | (_, _, None) => Outcome::Ignored,
        ("payment_intent.succeeded", Some(intent), _) => {
            let units = intent.amount_received.unwrap_or(intent.amount);
            match from_stripe(units, &intent.currency) {
                Some(amount) => Outcome::Paid {
                    reference: intent.id.clone(),
                    amount,
                },
                None => Outcome::Ignored,
            }
        }
        // why: a failed attempt leaves the intent payable: the shopper may
        // try another card in Stripe's fields until the order expires, when
        // the sweeper cancels the intent. Failing the order here would leave
        // an intent that could still be paid with no order behind it.
        ("payment_intent.payment_failed", ..) => Outcome::Ignored,
        ("payment_intent.canceled", ..) => Outcome::Failed {
            reason: "the payment was cancelled".into(),
        },
        _ => Outcome::Ignored,
    };
    Notice {
        event: event.id,
        key: key.unwrap_or_default(),
        outcome,
    }
}

impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn request<'a>(
        &'a self,
        key: &'a str,
        amount: &'a Money,
        method: &'a PayMethod,
        _buyer: &'a Contact,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Requested> {
        Box::pin(async move {
            if *method != PayMethod::Card {
                return Requested::Refused {
                    reason: "Stripe takes cards only here".into(),
                };
            }
            let (units, currency) = match to_stripe(amount) {
                Ok(stripe) => stripe,
                Err(reason) => return Requested::Refused { reason },
            };
            let form = [
                ("amount", units.to_string()),
                ("currency", currency),
                ("payment_method_types[]", "card".into()),
                ("metadata[order]", key.to_owned()),
            ];
            let request = self
                .http
                .post(self.url("/v1/payment_intents"))
                .header("Idempotency-Key", key)
                .form(&form);
            match self.call::<Intent>(request).await {
                Answer::Done(Intent {
                    id,
                    client_secret: Some(client_secret),
                    ..
                }) => {
                    self.remember(key, &id);
                    Requested::Waiting {
                        reference: id,
                        action: PayAction::Confirm { client_secret },
                        expires_at_ms,
                    }
                }
                Answer::Refused(_, reason) => Requested::Refused { reason },
                Answer::Done(_) | Answer::Unknown => Requested::Timeout,
            }
        })
    }

    fn close<'a>(
        &'a self,
        key: &'a str,
        reference: Option<&'a str>,
    ) -> BoxFuture<'a, Option<Lookup>> {
        Box::pin(async move {
            if let Some(reference) = reference
                .map(str::to_owned)
                .or_else(|| self.remembered(key))
            {
                return self.close_intent(&reference).await;
            }
            // A restart lost the id: find the intents by their key.
            let found = self.search(key).await?;
            if found.is_empty() {
                // why: not yet in the search index, or never created: only
                // the intent's id (the order's reference) can tell.
                return None;
            }
            let mut lookup = Some(Lookup::NotCharged);
            for intent in found {
                match self.close_intent(&intent.id).await {
                    Some(approved @ Lookup::Approved { .. }) => return Some(approved),
                    Some(Lookup::NotCharged) => {}
                    None => lookup = None,
                }
            }
            lookup
        })
    }

    fn verify(
        &self,
        headers: &axum::http::HeaderMap,
        body: &[u8],
        now_ms: i64,
    ) -> Result<Vec<Notice>, Forged> {
        if body.len() > MAX_WEBHOOK_BYTES {
            return Err(Forged::Malformed(format!(
                "a body over {MAX_WEBHOOK_BYTES} bytes"
            )));
        }
        let header = headers
            .get("stripe-signature")
            .and_then(|value| value.to_str().ok())
            .ok_or(Forged::Signature)?;
        let (timestamp, signatures) = signature_parts(header).ok_or(Forged::Signature)?;
        let expected = sign(&self.config.webhook_secret, timestamp, body);
        let matches = signatures
            .iter()
            .any(|v1| bool::from(v1.as_bytes().ct_eq(expected.as_bytes())));
        if !matches {
            return Err(Forged::Signature);
        }
        if (now_ms / 1000 - timestamp).abs() > TOLERANCE_SECS {
            return Err(Forged::Stale);
        }
        let event: Event =
            serde_json::from_slice(body).map_err(|e| Forged::Malformed(e.to_string()))?;
        Ok(vec![notice(event)])
    }

    fn refund<'a>(
        &'a self,
        key: &'a str,
        reference: &'a str,
        amount: &'a Money,
        refund_key: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let (units, _) = to_stripe(amount)?;
            let form = [
                ("payment_intent", reference.to_owned()),
                ("amount", units.to_string()),
                ("metadata[order]", key.to_owned()),
            ];
            let request = self
                .http
                .post(self.url("/v1/refunds"))
                .header("Idempotency-Key", refund_key)
                .form(&form);
            match self.call::<Created>(request).await {
                Answer::Done(refund) => Ok(refund.id),
                Answer::Refused(_, reason) => Err(reason),
                Answer::Unknown => Err("no answer from Stripe".into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, currency: &str) -> Money {
        Money {
            minor,
            currency: currency.into(),
        }
    }

    #[test]
    fn rupiah_are_two_decimal_at_stripe_as_in_lapak() {
        // Rp45.000 is 4_500_000 in Lapak's ISO minor units and at Stripe.
        assert_eq!(
            to_stripe(&money(4_500_000, "IDR")),
            Ok((4_500_000, "idr".into()))
        );
        assert_eq!(from_stripe(4_500_000, "idr"), Some(money(4_500_000, "IDR")));
        assert_eq!(to_stripe(&money(1999, "USD")), Ok((1999, "usd".into())));
    }

    #[test]
    fn amounts_follow_stripe_units_where_they_differ_from_iso() {
        assert_eq!(to_stripe(&money(500, "JPY")), Ok((500, "jpy".into())));
        // ISK: no minor unit in ISO, two decimals at Stripe, whole krónur only.
        assert_eq!(to_stripe(&money(500, "ISK")), Ok((50_000, "isk".into())));
        assert_eq!(from_stripe(50_000, "isk"), Some(money(500, "ISK")));
        assert_eq!(from_stripe(50_050, "isk"), None);
        // MGA: two decimals in ISO, none at Stripe.
        assert_eq!(to_stripe(&money(12_300, "MGA")), Ok((123, "mga".into())));
        assert!(to_stripe(&money(12_345, "MGA")).is_err());
        assert_eq!(from_stripe(123, "mga"), Some(money(12_300, "MGA")));
        // Three decimals, the last one 0.
        assert_eq!(to_stripe(&money(5_120, "KWD")), Ok((5_120, "kwd".into())));
        assert!(to_stripe(&money(5_124, "KWD")).is_err());
        // UGX: whole shillings, as multiples of 100.
        assert_eq!(to_stripe(&money(700, "UGX")), Ok((70_000, "ugx".into())));
        assert!(to_stripe(&money(i64::MAX, "ISK")).is_err());
    }

    #[test]
    fn a_signature_header_reads_its_timestamp_and_every_v1() {
        assert_eq!(
            signature_parts("t=12,v1=ab,v0=zz,v1=cd"),
            Some((12, vec!["ab", "cd"]))
        );
        assert_eq!(signature_parts("v1=ab"), None);
    }

    fn config(table: &str, env: &[(&str, &str)]) -> Result<StripeConfig, StripeConfigError> {
        let table: toml::Table = table.parse().expect("toml");
        StripeConfig::from_toml_with(&table, |name| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_configuration_takes_secrets_from_the_environment_or_a_file_and_hides_them() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("whsec");
        std::fs::write(&file, "whsec_from_file\n").expect("write");
        let table = format!(
            "publishable_key = \"pk_test_1\"\nsecret_key_env = \"SK\"\nwebhook_secret_file = {:?}\n",
            file.display().to_string()
        );
        let config = config(&table, &[("SK", "sk_test_secret")]).expect("config");
        assert_eq!(config.secret_key, "sk_test_secret");
        assert_eq!(config.webhook_secret, "whsec_from_file");
        assert_eq!(config.api_base, "https://api.stripe.com");
        assert_eq!(config.js_url, "https://js.stripe.com/v3/");
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk_test_secret") && !shown.contains("whsec_from_file"));
        assert!(shown.contains("pk_test_1"));
        assert_eq!(
            config.card_fields(),
            CardFields::Stripe {
                publishable_key: "pk_test_1".into(),
                js_url: "https://js.stripe.com/v3/".into()
            }
        );
    }

    #[test]
    fn the_configuration_refuses_inline_missing_or_doubled_secrets() {
        let both = "publishable_key = \"pk\"\nsecret_key_env = \"A\"\nsecret_key_file = \"/x\"\nwebhook_secret_env = \"B\"\n";
        assert_eq!(
            config(both, &[("A", "a"), ("B", "b")]).unwrap_err(),
            StripeConfigError::Secret(SecretError::Both("secret_key"))
        );
        let unset =
            "publishable_key = \"pk\"\nsecret_key_env = \"A\"\nwebhook_secret_env = \"B\"\n";
        assert_eq!(
            config(unset, &[("A", "a")]).unwrap_err(),
            StripeConfigError::Secret(SecretError::Env("B".into()))
        );
        let inline = "publishable_key = \"pk\"\nsecret_key = \"sk_live\"\n";
        assert!(matches!(
            config(inline, &[]).unwrap_err(),
            StripeConfigError::Malformed(_)
        ));
    }
}
