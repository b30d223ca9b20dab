//! Xendit, for Indonesia: QRIS, e-wallets (GoPay, OVO, DANA, ShopeePay) and
//! bank virtual accounts (BCA, BNI, BRI, Mandiri), through Xendit's Payment
//! Requests API (`/v3/payment_requests`, api-version 2024-11-11), settled by
//! its callbacks, which carry the brand's callback token in `x-callback-token`.
//!
//! Amounts: Lapak counts IDR in ISO 4217 minor units (two digits: Rp189.000
//! is 18 900 000), Xendit in whole rupiah. A request whose amount has sen is
//! refused rather than rounded ([`to_rupiah`]); Xendit's amounts read back
//! times 100 ([`from_rupiah`]).

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use lapak_protocol::{Bank, Contact, Ewallet, Money, PayAction, PayMethod};
use reqwest::Method;
use serde_json::{json, Map, Value};
use subtle::ConstantTimeEq;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::secret::{self, SecretError};
use super::{Forged, Lookup, Notice, Outcome, PaymentProvider, Requested};

/// The version of Xendit's Payments API the requests and answers follow.
const API_VERSION: &str = "2024-11-11";

/// The largest callback body read; Xendit's are a few KiB.
pub const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// The only currency Xendit's Indonesian methods take.
const IDR: &str = "IDR";

/// Lapak's minor units in one rupiah (ISO 4217 gives IDR two digits).
const SEN_PER_RUPIAH: i64 = 100;

/// How Lapak reaches a brand's Xendit account. Its `Debug` shows no secret.
#[derive(Clone)]
pub struct XenditConfig {
    /// Xendit's API (`https://api.xendit.co`), or a contract fake in tests.
    pub api_base: String,
    /// The secret API key (`xnd_development_…` in test mode), sent as Basic auth.
    pub secret_key: String,
    /// The callback verification token Xendit sends in `x-callback-token`.
    pub callback_token: String,
    /// Where an e-wallet's page sends the shopper back, paid or not; GoPay,
    /// DANA and ShopeePay need one.
    pub return_url: Option<String>,
    /// How long one call to Xendit may take.
    pub timeout: Duration,
}

impl fmt::Debug for XenditConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XenditConfig")
            .field("api_base", &self.api_base)
            .field("secret_key", &"<redacted>")
            .field("callback_token", &"<redacted>")
            .field("return_url", &self.return_url)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a `[xendit]` configuration table cannot be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum XenditConfigError {
    /// A secret cannot be read.
    #[error("xendit: {0}")]
    Secret(#[from] SecretError),
    /// A key holds something other than what it takes.
    #[error("xendit: `{0}` must be {1}")]
    Invalid(String, &'static str),
    /// The HTTP client cannot be built (the platform's TLS roots).
    #[error("xendit: cannot build the HTTP client: {0}")]
    Client(String),
}

impl XenditConfig {
    /// Xendit's API.
    pub const API_BASE: &'static str = "https://api.xendit.co";

    /// A configuration for the account with `secret_key`, whose callbacks
    /// carry `callback_token`, at `api_base`.
    pub fn new(api_base: &str, secret_key: &str, callback_token: &str) -> XenditConfig {
        XenditConfig {
            api_base: api_base.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
            callback_token: callback_token.to_owned(),
            return_url: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// Reads a `[xendit]` table: `api_base` (default Xendit's), the secrets
    /// from the environment or a file (`secret_key_env` or `secret_key_file`,
    /// `callback_token_env` or `callback_token_file`), `return_url` and
    /// `timeout_ms` (default 10 000). Keys it does not know are left to the caller.
    pub fn from_toml(table: &toml::Table) -> Result<XenditConfig, XenditConfigError> {
        XenditConfig::from_toml_with(table, |name| std::env::var(name).ok())
    }

    /// [`XenditConfig::from_toml`], with the environment read through `env`.
    pub fn from_toml_with(
        table: &toml::Table,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<XenditConfig, XenditConfigError> {
        let api_base = text(table, "api_base")?.unwrap_or(XenditConfig::API_BASE);
        let secret_key = secret(table, "secret_key", &env)?;
        let callback_token = secret(table, "callback_token", &env)?;
        let mut config = XenditConfig::new(api_base, &secret_key, &callback_token);
        config.return_url = text(table, "return_url")?.map(str::to_owned);
        if let Some(value) = table.get("timeout_ms") {
            let ms = value
                .as_integer()
                .and_then(|ms| u64::try_from(ms).ok())
                .filter(|ms| *ms > 0)
                .ok_or_else(|| {
                    XenditConfigError::Invalid("timeout_ms".into(), "a positive integer")
                })?;
            config.timeout = Duration::from_millis(ms);
        }
        Ok(config)
    }
}

/// The text under `key`, if present.
fn text<'a>(table: &'a toml::Table, key: &str) -> Result<Option<&'a str>, XenditConfigError> {
    match table.get(key) {
        None => Ok(None),
        Some(value) => value
            .as_str()
            .map(Some)
            .ok_or_else(|| XenditConfigError::Invalid(key.into(), "a string")),
    }
}

/// The secret `name`, named by `{name}_env` or `{name}_file`.
fn secret(
    table: &toml::Table,
    name: &'static str,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<String, XenditConfigError> {
    let from_env = text(table, &format!("{name}_env"))?;
    let from_file = text(table, &format!("{name}_file"))?;
    Ok(secret::read(name, from_env, from_file, env)?)
}

/// Lapak's amount in IDR minor units as Xendit's whole rupiah: `Err` for
/// another currency or an amount with sen, which Xendit does not take.
pub fn to_rupiah(amount: &Money) -> Result<i64, String> {
    if amount.currency != IDR {
        return Err(format!(
            "xendit's Indonesian methods take IDR, not {}",
            amount.currency
        ));
    }
    if amount.minor <= 0 || amount.minor % SEN_PER_RUPIAH != 0 {
        return Err(format!(
            "xendit takes whole rupiah; {} sen is not",
            amount.minor
        ));
    }
    Ok(amount.minor / SEN_PER_RUPIAH)
}

/// Xendit's amount (whole rupiah, as a JSON number) in Lapak's minor units.
pub fn from_rupiah(amount: &Value, currency: &str) -> Option<Money> {
    if currency != IDR {
        return None;
    }
    let rupiah = match amount.as_i64() {
        Some(rupiah) => rupiah,
        // why: JSON has one number type; `10000.0` is still whole rupiah.
        None => {
            let float = amount.as_f64()?;
            if float.fract() != 0.0 || float.abs() > 9.0e15 {
                return None;
            }
            float as i64
        }
    };
    Some(Money {
        minor: rupiah.checked_mul(SEN_PER_RUPIAH)?,
        currency: IDR.into(),
    })
}

/// Xendit's channel for a method; `None` for what Xendit is not asked to take here.
fn channel_code(method: &PayMethod) -> Option<&'static str> {
    Some(match method {
        PayMethod::Qris => "QRIS",
        PayMethod::Ewallet { wallet, .. } => match wallet {
            Ewallet::Gopay => "GOPAY",
            Ewallet::Ovo => "OVO",
            Ewallet::Dana => "DANA",
            Ewallet::Shopeepay => "SHOPEEPAY",
        },
        PayMethod::VirtualAccount { bank } => match bank {
            Bank::Bca => "BCA_VIRTUAL_ACCOUNT",
            Bank::Bni => "BNI_VIRTUAL_ACCOUNT",
            Bank::Bri => "BRI_VIRTUAL_ACCOUNT",
            Bank::Mandiri => "MANDIRI_VIRTUAL_ACCOUNT",
        },
        PayMethod::Card | PayMethod::CashOnDelivery => return None,
    })
}

/// An Indonesian mobile number as Xendit takes it for OVO (E.164, `+62…`):
/// a local `08…` gains the country code; `None` when it is not a number.
pub fn e164(phone: &str) -> Option<String> {
    let digits: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let international = if let Some(rest) = digits.strip_prefix('+') {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("62{rest}")
    } else {
        digits
    };
    let plausible = (8..=15).contains(&international.len())
        && international.bytes().all(|b| b.is_ascii_digit());
    plausible.then(|| format!("+{international}"))
}

/// Unix milliseconds as the RFC 3339 date-time Xendit takes.
fn rfc3339(ms: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// An RFC 3339 date-time as Unix milliseconds.
fn unix_ms(text: &str) -> Option<i64> {
    let time = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Xendit's answer to one call: its HTTP status and JSON body (`null` when
/// it has none or it does not parse).
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Xendit refused the call: nothing was created or changed.
    fn refused(&self) -> bool {
        (400..500).contains(&self.status)
    }

    /// Xendit's reason for a refusal, for logs.
    fn reason(&self) -> String {
        let field = |name: &str| self.body[name].as_str().unwrap_or_default().to_owned();
        format!(
            "xendit {}: {} {}",
            self.status,
            field("error_code"),
            field("message")
        )
    }
}

/// A payment request's `status`, as far as Lapak acts on it.
enum Status {
    /// Paid.
    Succeeded,
    /// Failed, expired or cancelled: nothing was taken, and nothing will be.
    Over,
    /// Still waiting for the shopper.
    Open,
}

fn status(request: &Value) -> Status {
    match request["status"].as_str() {
        Some("SUCCEEDED") => Status::Succeeded,
        Some("FAILED" | "EXPIRED" | "CANCELED") => Status::Over,
        _ => Status::Open,
    }
}

/// The value of the first action with `descriptor` in a payment request.
fn action<'a>(request: &'a Value, descriptor: &str) -> Option<&'a str> {
    request["actions"]
        .as_array()?
        .iter()
        .find(|action| action["descriptor"] == descriptor)?["value"]
        .as_str()
        .filter(|value| !value.is_empty())
}

/// Takes QRIS, e-wallets and virtual accounts through a brand's Xendit account.
pub struct XenditProvider {
    config: XenditConfig,
    http: reqwest::Client,
}

impl XenditProvider {
    /// A provider calling Xendit as `config` says.
    pub fn new(config: XenditConfig) -> Result<XenditProvider, XenditConfigError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| XenditConfigError::Client(e.to_string()))?;
        Ok(XenditProvider { config, http })
    }

    /// Calls Xendit: its answer, or `None` when it could not be reached or
    /// did not answer in time.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        idempotency_key: Option<&str>,
        body: Option<&Value>,
    ) -> Option<Answer> {
        let url = format!("{}{path}", self.config.api_base);
        let mut request = self
            .http
            .request(method, url)
            .basic_auth(&self.config.secret_key, Some(""))
            .query(query);
        if path.starts_with("/v3/") {
            request = request.header("api-version", API_VERSION);
        }
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(%error, path, "xendit did not answer");
                return None;
            }
        };
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        Some(Answer { status, body })
    }

    /// The body of a payment request for `method`, or why it cannot be asked for.
    fn request_body(
        &self,
        key: &str,
        amount: &Money,
        method: &PayMethod,
        phone: Option<&str>,
        buyer: &Contact,
        expires_at_ms: i64,
    ) -> Result<Value, String> {
        let channel = channel_code(method).ok_or("xendit takes no cards or cash here")?;
        let rupiah = to_rupiah(amount)?;
        let mut properties = Map::new();
        match method {
            PayMethod::Qris | PayMethod::VirtualAccount { .. } => {
                let expires = rfc3339(expires_at_ms).ok_or("the expiry is out of range")?;
                properties.insert("expires_at".into(), expires.into());
                if matches!(method, PayMethod::VirtualAccount { .. }) {
                    // why: the bank app shows this name to the shopper before the transfer.
                    properties.insert("display_name".into(), buyer.name.clone().into());
                }
            }
            PayMethod::Ewallet { .. } => match phone {
                Some(phone) => {
                    properties.insert("account_mobile_number".into(), phone.into());
                }
                None => {
                    let url = self
                        .config
                        .return_url
                        .as_deref()
                        .ok_or("xendit's return_url is not configured")?;
                    properties.insert("success_return_url".into(), url.into());
                    properties.insert("failure_return_url".into(), url.into());
                }
            },
            PayMethod::Card | PayMethod::CashOnDelivery => {}
        }
        Ok(json!({
            "reference_id": key,
            "type": "PAY",
            "country": "ID",
            "currency": IDR,
            "request_amount": rupiah,
            "capture_method": "AUTOMATIC",
            "channel_code": channel,
            "channel_properties": properties,
            "description": format!("Order {key}"),
        }))
    }

    /// Cancels the open payment request `id`: what became of it.
    async fn cancel(&self, id: &str) -> Option<Lookup> {
        let path = format!("/v3/payment_requests/{id}/cancel");
        let answer = self.call(Method::POST, &path, &[], None, None).await?;
        let request = if answer.ok() {
            answer.body
        } else {
            // why: it was paid, expired or cancelled meanwhile; its own
            // status says which.
            let path = format!("/v3/payment_requests/{id}");
            let answer = self.call(Method::GET, &path, &[], None, None).await?;
            if !answer.ok() {
                tracing::warn!(reason = answer.reason(), id, "xendit: cancel failed");
                return None;
            }
            answer.body
        };
        match status(&request) {
            Status::Succeeded => Some(Lookup::Approved {
                reference: id.to_owned(),
            }),
            Status::Over => Some(Lookup::NotCharged),
            Status::Open => None,
        }
    }
}

/// What the shopper does for the payment request Xendit answered, by `method`.
fn waiting(request: &Value, method: &PayMethod, phone: Option<String>) -> Option<PayAction> {
    Some(match method {
        PayMethod::Qris => PayAction::Qr {
            qr_string: action(request, "QR_STRING")?.to_owned(),
        },
        PayMethod::VirtualAccount { bank } => PayAction::Transfer {
            bank: *bank,
            account_number: action(request, "VIRTUAL_ACCOUNT_NUMBER")?.to_owned(),
        },
        PayMethod::Ewallet { wallet, .. } => match phone {
            Some(phone) => PayAction::Approve {
                wallet: *wallet,
                phone,
            },
            None => {
                let deep_link = action(request, "DEEPLINK_URL").map(str::to_owned);
                let url = action(request, "WEB_URL")
                    .map(str::to_owned)
                    .or_else(|| deep_link.clone())?;
                PayAction::Open {
                    wallet: *wallet,
                    url,
                    deep_link,
                }
            }
        },
        PayMethod::Card | PayMethod::CashOnDelivery => return None,
    })
}

/// Reads one callback body (its token already checked).
fn notice(body: &[u8]) -> Result<Notice, Forged> {
    let malformed = |what: &str| Forged::Malformed(what.to_owned());
    let callback: Value =
        serde_json::from_slice(body).map_err(|e| Forged::Malformed(e.to_string()))?;
    let event = callback["event"]
        .as_str()
        .ok_or_else(|| malformed("no event"))?;
    let data = &callback["data"];
    if !data.is_object() {
        return Err(malformed("no data"));
    }
    let field = |name: &str| data[name].as_str().filter(|v| !v.is_empty());
    // why: Xendit's callbacks carry no id of their own; the event and the
    // object it is about name it, and stay the same when it is sent again.
    let subject = field("payment_id")
        .or_else(|| field("id"))
        .or_else(|| field("payment_request_id"));
    let key = field("reference_id").unwrap_or_default().to_owned();
    let outcome = match (event, data["status"].as_str()) {
        ("payment.capture", Some("SUCCEEDED")) => {
            let reference = field("payment_request_id")
                .ok_or_else(|| malformed("no payment_request_id"))?
                .to_owned();
            let currency = field("currency").unwrap_or_default();
            let amount = from_rupiah(&data["request_amount"], currency)
                .ok_or_else(|| malformed("no amount in whole rupiah"))?;
            Outcome::Paid { reference, amount }
        }
        ("payment.failure", _) => Outcome::Failed {
            reason: field("failure_code").unwrap_or("failed").to_owned(),
        },
        ("payment_request.expiry", _) => Outcome::Failed {
            reason: "expired".into(),
        },
        _ => Outcome::Ignored,
    };
    if !matches!(outcome, Outcome::Ignored) && (key.is_empty() || subject.is_none()) {
        return Err(malformed("no reference_id or id"));
    }
    Ok(Notice {
        event: format!("{event}:{}", subject.unwrap_or_default()),
        key,
        outcome,
    })
}

impl PaymentProvider for XenditProvider {
    fn name(&self) -> &'static str {
        "xendit"
    }

    fn request<'a>(
        &'a self,
        key: &'a str,
        amount: &'a Money,
        method: &'a PayMethod,
        buyer: &'a Contact,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Requested> {
        Box::pin(async move {
            let phone = match method {
                PayMethod::Ewallet { wallet, phone } if wallet.pushes() => {
                    match e164(phone.as_deref().unwrap_or(&buyer.phone)) {
                        Some(phone) => Some(phone),
                        None => {
                            return Requested::Refused {
                                reason: "the wallet's phone number is not a number".into(),
                            }
                        }
                    }
                }
                _ => None,
            };
            let body = match self.request_body(
                key,
                amount,
                method,
                phone.as_deref(),
                buyer,
                expires_at_ms,
            ) {
                Ok(body) => body,
                Err(reason) => return Requested::Refused { reason },
            };
            let path = "/v3/payment_requests";
            let Some(answer) = self
                .call(Method::POST, path, &[], Some(key), Some(&body))
                .await
            else {
                return Requested::Timeout;
            };
            if answer.refused() {
                return Requested::Refused {
                    reason: answer.reason(),
                };
            }
            let request = &answer.body;
            let reference = request["payment_request_id"].as_str().unwrap_or_default();
            if !answer.ok() || reference.is_empty() {
                // why: a 5xx or an answer without an id may still have made a
                // request; closing the key cancels it.
                return Requested::Timeout;
            }
            if let Status::Over = status(request) {
                return Requested::Refused {
                    reason: format!(
                        "xendit: {}",
                        request["failure_code"].as_str().unwrap_or("failed")
                    ),
                };
            }
            let Some(action) = waiting(request, method, phone) else {
                tracing::warn!(
                    reference,
                    "xendit: the payment request has no action to show"
                );
                return Requested::Timeout;
            };
            let expires_at_ms = request["channel_properties"]["expires_at"]
                .as_str()
                .and_then(unix_ms)
                .unwrap_or(expires_at_ms);
            Requested::Waiting {
                reference: reference.to_owned(),
                action,
                expires_at_ms,
            }
        })
    }

    fn verify(
        &self,
        headers: &axum::http::HeaderMap,
        body: &[u8],
        now_ms: i64,
    ) -> Result<Vec<Notice>, Forged> {
        // why: Xendit's callbacks carry a fixed token, with no signed
        // timestamp: replays are stopped by the event ids alone.
        let _ = now_ms;
        let token = headers
            .get("x-callback-token")
            .map(|value| value.as_bytes())
            .unwrap_or_default();
        if !bool::from(token.ct_eq(self.config.callback_token.as_bytes())) {
            return Err(Forged::Signature);
        }
        if body.len() > MAX_CALLBACK_BYTES {
            return Err(Forged::Malformed(format!(
                "the body is over {MAX_CALLBACK_BYTES} bytes"
            )));
        }
        Ok(vec![notice(body)?])
    }

    fn refund<'a>(
        &'a self,
        key: &'a str,
        reference: &'a str,
        amount: &'a Money,
        refund_key: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            // why: Xendit refunds by the payment request's id; the order's key is not needed.
            let _ = key;
            let body = json!({
                "payment_request_id": reference,
                "reference_id": refund_key,
                "currency": IDR,
                "amount": to_rupiah(amount)?,
                "reason": "REQUESTED_BY_CUSTOMER",
            });
            let answer = self
                .call(Method::POST, "/refunds", &[], Some(refund_key), Some(&body))
                .await
                .ok_or("xendit did not answer")?;
            if !answer.ok() {
                return Err(answer.reason());
            }
            match (answer.body["id"].as_str(), answer.body["status"].as_str()) {
                (_, Some("FAILED")) => Err(format!(
                    "xendit: refund failed: {}",
                    answer.body["failure_code"].as_str().unwrap_or_default()
                )),
                (Some(id), _) => Ok(id.to_owned()),
                (None, _) => Err("xendit: the refund has no id".into()),
            }
        })
    }

    /// Xendit finds its requests by `reference_id` (the key), so the
    /// reference is not needed.
    fn close<'a>(
        &'a self,
        key: &'a str,
        _reference: Option<&'a str>,
    ) -> BoxFuture<'a, Option<Lookup>> {
        Box::pin(async move {
            let query = [("reference_id", key)];
            let path = "/v3/payment_requests";
            let answer = self.call(Method::GET, path, &query, None, None).await?;
            if !answer.ok() {
                tracing::warn!(reason = answer.reason(), key, "xendit: lookup failed");
                return None;
            }
            let requests = answer.body["data"].as_array()?;
            let mut lookup = Lookup::NotCharged;
            // why: one key makes one request (it is the idempotency key), but
            // every request under it is closed, whatever the count.
            for request in requests {
                let id = request["payment_request_id"].as_str()?;
                let closed = match status(request) {
                    Status::Succeeded => Lookup::Approved {
                        reference: id.to_owned(),
                    },
                    Status::Over => Lookup::NotCharged,
                    Status::Open => self.cancel(id).await?,
                };
                if let Lookup::Approved { .. } = closed {
                    lookup = closed;
                }
            }
            Some(lookup)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rupiah(minor: i64) -> Money {
        Money {
            minor,
            currency: IDR.into(),
        }
    }

    fn provider() -> XenditProvider {
        let mut config = XenditConfig::new("http://127.0.0.1:9", "xnd_secret", "tok3n");
        config.return_url = Some("https://shop.example/back".into());
        XenditProvider::new(config).expect("a client")
    }

    fn headers(token: &str) -> axum::http::HeaderMap {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-callback-token", token.parse().expect("a header value"));
        headers
    }

    #[test]
    fn lapak_minor_units_are_sen_and_xendit_takes_whole_rupiah() {
        // Rp189.000 is 18 900 000 in Lapak (ISO 4217 gives IDR two digits).
        assert_eq!(to_rupiah(&rupiah(18_900_000)), Ok(189_000));
        assert!(to_rupiah(&rupiah(18_900_050)).is_err(), "sen are refused");
        assert!(to_rupiah(&rupiah(0)).is_err());
        let dollars = Money {
            minor: 100,
            currency: "USD".into(),
        };
        assert!(to_rupiah(&dollars).is_err());
        assert_eq!(from_rupiah(&json!(189000), IDR), Some(rupiah(18_900_000)));
        assert_eq!(from_rupiah(&json!(189000.0), IDR), Some(rupiah(18_900_000)));
        assert_eq!(from_rupiah(&json!(10000.01), IDR), None);
        assert_eq!(from_rupiah(&json!(1), "PHP"), None);
        assert_eq!(from_rupiah(&json!("1"), IDR), None);
    }

    #[test]
    fn a_phone_number_reads_as_e164() {
        assert_eq!(e164("0812-3456-7890").as_deref(), Some("+6281234567890"));
        assert_eq!(e164("+62 812 3456 7890").as_deref(), Some("+6281234567890"));
        assert_eq!(e164("6281234567890").as_deref(), Some("+6281234567890"));
        assert_eq!(e164("call me"), None);
        assert_eq!(e164(""), None);
    }

    #[test]
    fn the_configuration_reads_secrets_from_the_environment_or_a_file_and_never_shows_them() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("token");
        std::fs::write(&file, "tok3n\n").expect("written");
        let table: toml::Table = toml::from_str(&format!(
            "secret_key_env = \"XENDIT_KEY\"\ncallback_token_file = {:?}\nreturn_url = \"https://shop.example/back\"\ntimeout_ms = 2500",
            file.display().to_string()
        ))
        .expect("toml");
        let env = |name: &str| (name == "XENDIT_KEY").then(|| "xnd_development_s3cret".to_owned());
        let config = XenditConfig::from_toml_with(&table, env).expect("a configuration");
        assert_eq!(config.api_base, XenditConfig::API_BASE);
        assert_eq!(config.secret_key, "xnd_development_s3cret");
        assert_eq!(config.callback_token, "tok3n");
        assert_eq!(config.timeout, Duration::from_millis(2500));
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("tok3n"),
            "{shown}"
        );

        let none = |_: &str| None;
        let missing: toml::Table = toml::from_str("secret_key_env = \"XENDIT_KEY\"").expect("toml");
        assert_eq!(
            XenditConfig::from_toml_with(&missing, env).unwrap_err(),
            XenditConfigError::Secret(SecretError::Missing("callback_token"))
        );
        let unset: toml::Table =
            toml::from_str("secret_key_env = \"NOPE\"\ncallback_token_env = \"NOPE\"")
                .expect("toml");
        assert_eq!(
            XenditConfig::from_toml_with(&unset, none).unwrap_err(),
            XenditConfigError::Secret(SecretError::Env("NOPE".into()))
        );
        let both: toml::Table =
            toml::from_str("secret_key_env = \"A\"\nsecret_key_file = \"/b\"").expect("toml");
        assert_eq!(
            XenditConfig::from_toml_with(&both, env).unwrap_err(),
            XenditConfigError::Secret(SecretError::Both("secret_key"))
        );
    }

    #[test]
    fn each_method_asks_for_its_channel_with_what_the_channel_needs() {
        let provider = provider();
        let buyer = Contact {
            name: "Sari".into(),
            email: "sari@example.com".into(),
            phone: "081234567890".into(),
        };
        let body = |method: &PayMethod, phone: Option<&str>| {
            provider
                .request_body(
                    "LPK-1",
                    &rupiah(5_000_000),
                    method,
                    phone,
                    &buyer,
                    1_800_000_000_000,
                )
                .expect("a body")
        };
        let qris = body(&PayMethod::Qris, None);
        assert_eq!(qris["channel_code"], "QRIS");
        assert_eq!(qris["request_amount"], 50_000);
        assert_eq!(qris["reference_id"], "LPK-1");
        assert_eq!(
            qris["channel_properties"]["expires_at"],
            "2027-01-15T08:00:00Z"
        );
        let va = body(
            &PayMethod::VirtualAccount {
                bank: Bank::Mandiri,
            },
            None,
        );
        assert_eq!(va["channel_code"], "MANDIRI_VIRTUAL_ACCOUNT");
        assert_eq!(va["channel_properties"]["display_name"], "Sari");
        let gopay = PayMethod::Ewallet {
            wallet: Ewallet::Gopay,
            phone: None,
        };
        let gopay = body(&gopay, None);
        assert_eq!(gopay["channel_code"], "GOPAY");
        assert_eq!(
            gopay["channel_properties"]["success_return_url"],
            "https://shop.example/back"
        );
        let ovo = PayMethod::Ewallet {
            wallet: Ewallet::Ovo,
            phone: None,
        };
        let ovo = body(&ovo, Some("+6281234567890"));
        assert_eq!(ovo["channel_code"], "OVO");
        assert_eq!(
            ovo["channel_properties"]["account_mobile_number"],
            "+6281234567890"
        );
        assert!(provider
            .request_body(
                "LPK-1",
                &rupiah(5_000_001),
                &PayMethod::Qris,
                None,
                &buyer,
                0
            )
            .is_err());
        assert!(provider
            .request_body(
                "LPK-1",
                &rupiah(5_000_000),
                &PayMethod::Card,
                None,
                &buyer,
                0
            )
            .is_err());
    }

    #[test]
    fn a_callback_is_read_only_with_the_token_and_within_its_size() {
        let provider = provider();
        let paid = json!({
            "event": "payment.capture",
            "business_id": "b",
            "created": "2026-12-05T10:00:00Z",
            "data": {
                "payment_id": "py-1", "payment_request_id": "pr-1", "reference_id": "LPK-1",
                "status": "SUCCEEDED", "request_amount": 50000, "currency": "IDR"
            }
        })
        .to_string();
        let notices = provider
            .verify(&headers("tok3n"), paid.as_bytes(), 0)
            .expect("a genuine callback");
        assert_eq!(
            notices,
            vec![Notice {
                event: "payment.capture:py-1".into(),
                key: "LPK-1".into(),
                outcome: Outcome::Paid {
                    reference: "pr-1".into(),
                    amount: rupiah(5_000_000),
                },
            }]
        );
        assert_eq!(
            provider.verify(&headers("tok3m"), paid.as_bytes(), 0),
            Err(Forged::Signature)
        );
        assert_eq!(
            provider.verify(&axum::http::HeaderMap::new(), paid.as_bytes(), 0),
            Err(Forged::Signature)
        );
        assert!(matches!(
            provider.verify(&headers("tok3n"), b"{\"event\":", 0),
            Err(Forged::Malformed(_))
        ));
        // Valid JSON, padded past the limit with whitespace.
        let padded = format!("{paid}{}", " ".repeat(MAX_CALLBACK_BYTES));
        assert!(matches!(
            provider.verify(&headers("tok3n"), padded.as_bytes(), 0),
            Err(Forged::Malformed(_))
        ));
        let expired = json!({
            "event": "payment_request.expiry",
            "data": { "payment_request_id": "pr-1", "reference_id": "LPK-1", "status": "EXPIRED" }
        })
        .to_string();
        let notices = provider
            .verify(&headers("tok3n"), expired.as_bytes(), 0)
            .expect("an expiry");
        assert_eq!(notices[0].event, "payment_request.expiry:pr-1");
        assert_eq!(
            notices[0].outcome,
            Outcome::Failed {
                reason: "expired".into()
            }
        );
        let refund = json!({
            "event": "refund.succeeded",
            "data": { "id": "rfd-1", "payment_request_id": "pr-1", "reference_id": "LPK-1-r1", "status": "SUCCEEDED" }
        })
        .to_string();
        let notices = provider
            .verify(&headers("tok3n"), refund.as_bytes(), 0)
            .expect("a refund");
        assert_eq!(notices[0].outcome, Outcome::Ignored);
        // An event Lapak does not act on is acknowledged, whatever it carries.
        let other =
            json!({ "event": "payment_token.activation", "data": { "payment_token_id": "pt-1" } });
        let notices = provider
            .verify(&headers("tok3n"), other.to_string().as_bytes(), 0)
            .expect("acknowledged");
        assert_eq!(notices[0].outcome, Outcome::Ignored);
        // A payment without the order it pays is not.
        let orphan = json!({ "event": "payment.capture", "data": { "payment_id": "py-2", "status": "SUCCEEDED" } });
        assert!(matches!(
            provider.verify(&headers("tok3n"), orphan.to_string().as_bytes(), 0),
            Err(Forged::Malformed(_))
        ));
    }
}
