//! Payments: the `PaymentProvider` seam, and the providers a brand chooses.
//!
//! Two kinds of payment pass through it. A charge is answered at once: the
//! test provider's demo cards (the server passes the card on once and keeps
//! only the provider's reference and the last four digits). A request is paid
//! by the shopper elsewhere — a QRIS code, an e-wallet, a virtual account, or
//! a card in Stripe's own fields — and settled later by the provider's signed
//! callback ([`PaymentProvider::verify`]), or by asking the provider
//! ([`PaymentProvider::close`]) once it expires. Every charge carries an
//! idempotency key (the order number), so asking again is always safe, and a
//! charge whose answer was lost (a timeout, a crash) is settled by `close`.
//! [`Payments`] is how a show reaches the provider: with a time limit, and
//! knowing which of this process's charges are under way ([`InFlight`]).

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use futures::future::BoxFuture;
use lapak_protocol::{Card, Contact, Money, PayAction, PayMethod};

mod secret;
mod setup;
mod stripe;
mod test_provider;
mod xendit;

pub use secret::SecretError;
pub use setup::{choose, Chosen, TEST_COD_LIMIT};
pub use stripe::{StripeConfig, StripeConfigError, StripeProvider};
pub use test_provider::{TestProvider, TEST_CALLBACK_TOKEN, TEST_TOKEN_HEADER};
pub use xendit::{XenditConfig, XenditConfigError, XenditProvider};

/// What a charge attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Charge {
    /// The money was taken; `reference` is the provider's id for it.
    Approved {
        /// Provider's reference.
        reference: String,
    },
    /// The card was refused; nothing was taken.
    Declined {
        /// Provider's reason, for logs.
        reason: String,
    },
    /// No answer in time: the charge may or may not have happened.
    Timeout,
}

/// What the provider says of an earlier charge, once its key is closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// It was taken.
    Approved {
        /// Provider's reference.
        reference: String,
    },
    /// Nothing was taken under that key, and nothing will be.
    NotCharged,
}

/// What asking for a payment the shopper completes elsewhere came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requested {
    /// The provider waits for the shopper, and the order with it.
    Waiting {
        /// The provider's id of the payment request.
        reference: String,
        /// What the shopper does to pay.
        action: PayAction,
        /// When the request expires at the provider, Unix milliseconds.
        expires_at_ms: i64,
    },
    /// The provider refused the request; nothing waits and nothing was taken.
    Refused {
        /// Provider's reason, for logs.
        reason: String,
    },
    /// No answer in time: the request may exist. Closing its key settles it.
    Timeout,
}

/// A provider's callback, once its signature or token is verified: what
/// became of one payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The provider's id of this event: each is applied once.
    pub event: String,
    /// The payment's idempotency key (the order number).
    pub key: String,
    /// What happened.
    pub outcome: Outcome,
}

/// What a callback says happened to a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The money arrived: `amount` as the provider states it, in Lapak's minor units.
    Paid {
        /// The provider's reference of the payment.
        reference: String,
        /// What was paid.
        amount: Money,
    },
    /// The payment request failed or expired at the provider; nothing was taken.
    Failed {
        /// Provider's reason, for logs.
        reason: String,
    },
    /// Something Lapak does not act on (a refund it made, an event it did not ask for).
    Ignored,
}

/// Why a callback is refused with a 4xx, changing nothing.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Forged {
    /// The signature or token does not match the brand's secret.
    #[error("the signature or token does not match")]
    Signature,
    /// The signed timestamp is too old (a replay) or in the future.
    #[error("the signed timestamp is outside the tolerance")]
    Stale,
    /// The body is not an event this provider sends.
    #[error("the body is malformed: {0}")]
    Malformed(String),
}

/// A payment processor. A provider implements what it offers: a charge
/// (the test provider's cards), or requests settled by callbacks.
pub trait PaymentProvider: Send + Sync {
    /// The provider's name in configuration and in its callback URL
    /// (`/api/v1/payments/{name}/callback`).
    fn name(&self) -> &'static str;

    /// Charges `amount` to `card`, once per `key`. Only a provider whose
    /// card fields are Lapak's (the test provider) takes a card this way.
    fn charge<'a>(
        &'a self,
        key: &'a str,
        amount: &'a Money,
        card: &'a Card,
    ) -> BoxFuture<'a, Charge> {
        let _ = (key, amount, card);
        Box::pin(async {
            Charge::Declined {
                reason: "this provider takes no card numbers".into(),
            }
        })
    }

    /// Asks for a payment of `amount` by `method`, once per `key` (the
    /// provider's idempotency key), which the shopper completes elsewhere
    /// before `expires_at_ms`.
    fn request<'a>(
        &'a self,
        key: &'a str,
        amount: &'a Money,
        method: &'a PayMethod,
        buyer: &'a Contact,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Requested> {
        let _ = (key, amount, method, buyer, expires_at_ms);
        Box::pin(async {
            Requested::Refused {
                reason: "this provider takes no payment requests".into(),
            }
        })
    }

    /// Reads a callback: its events, once its signature or token and its
    /// timestamp are checked against the brand's secret at `now_ms`.
    fn verify(
        &self,
        headers: &axum::http::HeaderMap,
        body: &[u8],
        now_ms: i64,
    ) -> Result<Vec<Notice>, Forged> {
        let _ = (headers, body, now_ms);
        Err(Forged::Signature)
    }

    /// Refunds `amount` of the payment `reference` (taken under `key`), once
    /// per `refund_key`: the provider's reference of the refund, or why not.
    fn refund<'a>(
        &'a self,
        key: &'a str,
        reference: &'a str,
        amount: &'a Money,
        refund_key: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        let _ = (key, reference, amount, refund_key);
        Box::pin(async { Err("this provider cannot refund".to_owned()) })
    }

    /// What became of the charge with `key`, which no charge may take money
    /// under afterwards (a payment cancelled or expired at the provider): a
    /// charge still on its way, from a server stalled or cut off, is then
    /// declined, so `NotCharged` is final. `None` when the provider cannot say now.
    /// `reference` is the provider's id of the payment when Lapak has it
    /// (the request's answer was recorded): a provider that cannot find a
    /// payment by its key alone needs it.
    fn close<'a>(
        &'a self,
        key: &'a str,
        reference: Option<&'a str>,
    ) -> BoxFuture<'a, Option<Lookup>>;
}

/// Test card that is approved.
pub const APPROVE: &str = "4242424242424242";
/// Test card that is declined.
pub const DECLINE: &str = "4000000000000002";
/// Test card declined for insufficient funds.
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Test card whose charge goes through but whose answer never arrives (a provider timeout).
pub const TIMEOUT: &str = "4000000000000119";
/// Test card whose charge never reaches the provider: no answer, and nothing is
/// taken. The server's own timeout ends the wait; killing the server meanwhile
/// is a crash between writing the order and charging the card.
pub const NO_ANSWER: &str = "4000000000000408";

/// How long a QRIS code, an e-wallet payment or a virtual account waits for
/// the shopper unless configured: long enough to open a bank app and pay,
/// short enough that held stock comes back during the show.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The providers as the shows reach them, and this process's charges under way.
pub struct Payments {
    /// Takes cards: the test provider's charges, or Stripe's requests.
    cards: Box<dyn PaymentProvider>,
    /// Takes QRIS, e-wallets and virtual accounts, when the brand chose one.
    local: Option<Box<dyn PaymentProvider>>,
    /// What the shows offer their shoppers.
    offered: lapak_protocol::Payments,
    /// How long a payment the shopper completes elsewhere may wait.
    window: Duration,
    /// How long a charge may take before its payment waits for a lookup instead.
    timeout: Duration,
    /// Payments whose charge is under way.
    in_flight: InFlight,
    /// Identifies this process among the servers sharing the database: it
    /// marks the payments whose charge it has under way.
    instance: i64,
    /// Whether other servers share the database (and so its pending payments).
    shared: bool,
}

impl Payments {
    /// Takes cards through `cards`, waiting `timeout` at most, as process
    /// `instance` of servers that share the database when `shared`; offers
    /// the test provider's cards and nothing else until [`Payments::with_local`].
    pub fn new(
        cards: Box<dyn PaymentProvider>,
        timeout: Duration,
        instance: i64,
        shared: bool,
    ) -> Payments {
        Payments {
            cards,
            local: None,
            offered: lapak_protocol::Payments::test_cards(),
            window: DEFAULT_WINDOW,
            timeout,
            in_flight: InFlight::default(),
            instance,
            shared,
        }
    }

    /// Offers `offered`, taking QRIS, e-wallets and virtual accounts through `local`.
    pub fn with_local(
        mut self,
        local: Option<Box<dyn PaymentProvider>>,
        offered: lapak_protocol::Payments,
    ) -> Payments {
        self.local = local;
        self.offered = offered;
        self
    }

    /// Lets a payment the shopper completes elsewhere wait `window`.
    pub fn with_window(mut self, window: Duration) -> Payments {
        self.window = window;
        self
    }

    /// How long a payment the shopper completes elsewhere may wait, in milliseconds.
    pub fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// What the shows offer their shoppers.
    pub fn offered(&self) -> &lapak_protocol::Payments {
        &self.offered
    }

    /// The provider that takes `method`; `None` for cash on delivery, which no provider takes.
    pub fn taking(&self, method: &PayMethod) -> Option<&dyn PaymentProvider> {
        match method {
            PayMethod::Card => Some(self.cards.as_ref()),
            PayMethod::CashOnDelivery => None,
            PayMethod::Qris | PayMethod::Ewallet { .. } | PayMethod::VirtualAccount { .. } => {
                self.local.as_deref()
            }
        }
    }

    /// The provider by its name in configuration (and in its callback URL).
    pub fn named(&self, name: &str) -> Option<&dyn PaymentProvider> {
        std::iter::once(self.cards.as_ref())
            .chain(self.local.as_deref())
            .find(|provider| provider.name() == name)
    }

    /// The providers' names, each once (one provider may take cards and the rest).
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = std::iter::once(self.cards.as_ref())
            .chain(self.local.as_deref())
            .map(|provider| provider.name())
            .collect();
        names.dedup();
        names
    }

    /// This process, as its marks on payments name it.
    pub fn instance(&self) -> i64 {
        self.instance
    }

    /// Charges `amount` to `card` under `key`: the provider's answer, or
    /// `Timeout` when it takes longer than the time limit.
    pub async fn charge(&self, key: &str, amount: &Money, card: &Card) -> Charge {
        let charge = self.cards.charge(key, amount, card);
        tokio::time::timeout(self.timeout, charge)
            .await
            .unwrap_or(Charge::Timeout)
    }

    /// Asks `provider` for a payment under `key` ([`PaymentProvider::request`]),
    /// or `Timeout` when it takes longer than the time limit.
    pub async fn request(
        &self,
        provider: &dyn PaymentProvider,
        key: &str,
        amount: &Money,
        method: &PayMethod,
        buyer: &Contact,
        expires_at_ms: i64,
    ) -> Requested {
        let request = provider.request(key, amount, method, buyer, expires_at_ms);
        tokio::time::timeout(self.timeout, request)
            .await
            .unwrap_or(Requested::Timeout)
    }

    /// Closes `key` at the card provider: what became of its charge ([`PaymentProvider::close`]).
    pub async fn close(&self, key: &str) -> Option<Lookup> {
        self.cards.close(key, None).await
    }

    /// Closes `key` at the provider named `name` ([`PaymentProvider::close`]).
    pub async fn close_at(&self, name: &str, key: &str, reference: Option<&str>) -> Option<Lookup> {
        match self.named(name) {
            Some(provider) => provider.close(key, reference).await,
            None => None,
        }
    }

    /// Marks the charge with `key` as under way until the guard drops ([`InFlight::hold`]).
    pub fn hold(&self, key: String) -> Held<'_> {
        self.in_flight.hold(key)
    }

    /// Whether this process has the charge with `key` under way.
    pub fn under_way(&self, key: &str) -> bool {
        self.in_flight.has(key)
    }

    /// Marks a payment written now as charged by this process until the charge's
    /// answer is due: `(charging_by, charging_until_ms)`.
    pub fn charging(&self, now_ms: i64) -> (i64, i64) {
        let due = i64::try_from(self.timeout.as_millis()).unwrap_or(i64::MAX);
        (
            self.instance,
            now_ms.saturating_add(due).saturating_add(1_000),
        )
    }

    /// Pending payments marked by another process are left to it until this
    /// time: now on a database servers share; on an SQLite file, the one
    /// server's, every marker is stale (it is from before a restart).
    pub fn others_charging_until(&self, now_ms: i64) -> i64 {
        if self.shared {
            now_ms
        } else {
            i64::MAX
        }
    }
}

/// Payment keys whose charge is under way, which the sweeper must leave alone.
#[derive(Default)]
pub struct InFlight(Mutex<HashSet<String>>);

impl InFlight {
    fn set(&self) -> MutexGuard<'_, HashSet<String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the charge with `key` as under way until the guard drops — also when
    /// the command's future is dropped halfway (its connection went away): the
    /// sweeper then settles the payment by asking the provider.
    pub fn hold(&self, key: String) -> Held<'_> {
        self.set().insert(key.clone());
        Held {
            in_flight: self,
            key,
        }
    }

    fn has(&self, key: &str) -> bool {
        self.set().contains(key)
    }
}

/// A charge under way; released on drop.
pub struct Held<'a> {
    in_flight: &'a InFlight,
    key: String,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.in_flight.set().remove(&self.key);
    }
}
