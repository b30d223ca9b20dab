//! Payments: the `PaymentProvider` seam and the built-in test provider.
//!
//! The server never keeps a card: it passes it to the provider once and keeps
//! the provider's reference and the last four digits. Every charge carries an
//! idempotency key (the order number), so asking again is always safe, and a
//! charge whose answer was lost (a timeout, a crash) is settled by `close`.
//! [`Payments`] is how a show reaches the provider: with a time limit, and
//! knowing which of this process's charges are under way ([`InFlight`]).

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use futures::future::BoxFuture;
use lapak_protocol::{Card, Money};

use crate::db::Pool;
use crate::error::AppError;

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

/// A payment processor.
pub trait PaymentProvider: Send + Sync {
    /// Charges `amount` to `card`, once per `key`.
    fn charge<'a>(
        &'a self,
        key: &'a str,
        amount: &'a Money,
        card: &'a Card,
    ) -> BoxFuture<'a, Charge>;
    /// What became of the charge with `key`, which no charge may take money
    /// under afterwards (a payment cancelled or expired at the provider): a
    /// charge still on its way, from a server stalled or cut off, is then
    /// declined, so `NotCharged` is final. `None` when the provider cannot say now.
    fn close<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>>;
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

/// The provider as the shows reach it, and this process's charges under way.
pub struct Payments {
    /// Takes the money.
    provider: Box<dyn PaymentProvider>,
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
    /// Charges through `provider`, waiting `timeout` at most, as process
    /// `instance` of servers that share the database when `shared`.
    pub fn new(
        provider: Box<dyn PaymentProvider>,
        timeout: Duration,
        instance: i64,
        shared: bool,
    ) -> Payments {
        Payments {
            provider,
            timeout,
            in_flight: InFlight::default(),
            instance,
            shared,
        }
    }

    /// This process, as its marks on payments name it.
    pub fn instance(&self) -> i64 {
        self.instance
    }

    /// Charges `amount` to `card` under `key`: the provider's answer, or
    /// `Timeout` when it takes longer than the time limit.
    pub async fn charge(&self, key: &str, amount: &Money, card: &Card) -> Charge {
        let charge = self.provider.charge(key, amount, card);
        tokio::time::timeout(self.timeout, charge)
            .await
            .unwrap_or(Charge::Timeout)
    }

    /// Closes `key` at the provider: what became of its charge ([`PaymentProvider::close`]).
    pub async fn close(&self, key: &str) -> Option<Lookup> {
        self.provider.close(key).await
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

/// Behaves like processors' test modes: the card number decides the outcome,
/// and any other number is declined. It keeps its own record of charges (a
/// table in the same database, standing in for the provider's side), so a
/// lookup after a restart still knows what happened; the keys it closed are kept there too.
pub struct TestProvider {
    pool: Pool,
}

impl TestProvider {
    /// A test provider recording into `pool`.
    pub fn new(pool: Pool) -> TestProvider {
        TestProvider { pool }
    }

    /// Takes `amount` under `key`, unless the key was closed first: the
    /// reference (also of a charge made before under that key), or `None`.
    async fn record(&self, key: &str, amount: &Money) -> Result<Option<String>, AppError> {
        let charge = sqlx::query(
            "INSERT INTO test_provider_charges (key, reference, amount_minor, currency)
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM test_provider_closed WHERE key = $1)
             ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(format!("test_ch_{key}"))
        .bind(amount.minor)
        .bind(&amount.currency);
        self.in_turn(key, charge).await?;
        self.charged(key).await
    }

    async fn close_key(&self, key: &str) -> Result<Lookup, AppError> {
        let close = sqlx::query(
            "INSERT INTO test_provider_closed (key)
             SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM test_provider_charges WHERE key = $1)
             ON CONFLICT DO NOTHING",
        )
        .bind(key);
        self.in_turn(key, close).await?;
        // Charged before the close, or closed: either way it stays so.
        Ok(match self.charged(key).await? {
            Some(reference) => Lookup::Approved { reference },
            None => Lookup::NotCharged,
        })
    }

    /// Runs `statement`, a charge or a close of `key`, so that the other
    /// cannot slip in between its check and its write.
    async fn in_turn(&self, key: &str, statement: AnyQuery<'_>) -> Result<(), AppError> {
        if !crate::db::shared(&self.pool) {
            // why: an SQLite file has one writer, and a writing statement
            // holds it from its first read: the statement is the turn, and a
            // transaction around it would only keep the server's writers
            // waiting longer for every charge.
            statement.execute(&self.pool).await?;
            return Ok(());
        }
        // On PostgreSQL, each statement reads what was committed when it
        // began: a charge and a close of one key, on two servers, take turns.
        let mut tx = crate::db::begin_write(&self.pool, &format!("payment:{key}")).await?;
        statement.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reference of the charge under `key`, if one was made.
    async fn charged(&self, key: &str) -> Result<Option<String>, AppError> {
        Ok(
            sqlx::query_scalar("SELECT reference FROM test_provider_charges WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

/// A statement with its arguments bound, on either back end.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

impl PaymentProvider for TestProvider {
    fn charge<'a>(
        &'a self,
        key: &'a str,
        amount: &'a Money,
        card: &'a Card,
    ) -> BoxFuture<'a, Charge> {
        Box::pin(async move {
            let declined = |reason: &str| Charge::Declined {
                reason: reason.into(),
            };
            match card.digits().as_str() {
                APPROVE => match self.record(key, amount).await {
                    Ok(Some(reference)) => Charge::Approved { reference },
                    Ok(None) => declined("payment_closed"),
                    Err(_) => Charge::Timeout,
                },
                // The money moves, the answer is lost.
                TIMEOUT => {
                    let _ = self.record(key, amount).await;
                    Charge::Timeout
                }
                // The request is lost on the way: nothing is recorded, nothing answers.
                NO_ANSWER => std::future::pending().await,
                INSUFFICIENT_FUNDS => declined("insufficient_funds"),
                DECLINE => declined("card_declined"),
                _ => declined("test mode accepts test cards only"),
            }
        })
    }

    fn close<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>> {
        Box::pin(async move { self.close_key(key).await.ok() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn the_no_answer_card_never_answers_and_takes_nothing() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let pool = crate::db::open(&crate::db::Location::Sqlite(dir.path().join("lapak.db")))
            .await
            .expect("the database opens");
        let provider = TestProvider::new(pool);
        let card = Card {
            number: "4000 0000 0000 0408".into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        };
        let amount = Money {
            minor: 100,
            currency: "IDR".into(),
        };
        let charge = provider.charge("LPK-000001", &amount, &card);
        assert!(
            tokio::time::timeout(Duration::from_millis(200), charge)
                .await
                .is_err(),
            "no answer comes"
        );
        assert_eq!(provider.close("LPK-000001").await, Some(Lookup::NotCharged));
    }

    /// A server taken for dead may be alive and still charging: once another
    /// has closed the key and failed the order, that charge must not take money.
    #[tokio::test]
    async fn a_closed_key_is_never_charged_and_a_charge_before_the_close_is_reported() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let pool = crate::testing::database(dir.path()).await;
        let provider = TestProvider::new(pool);
        let card = Card {
            number: APPROVE.into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        };
        let amount = Money {
            minor: 100,
            currency: "IDR".into(),
        };
        assert_eq!(provider.close("LPK-000001").await, Some(Lookup::NotCharged));
        assert!(
            matches!(
                provider.charge("LPK-000001", &amount, &card).await,
                Charge::Declined { .. }
            ),
            "a charge after the close is declined"
        );
        assert_eq!(provider.close("LPK-000001").await, Some(Lookup::NotCharged));

        let Charge::Approved { reference } = provider.charge("LPK-000002", &amount, &card).await
        else {
            panic!("the test card is approved");
        };
        assert_eq!(
            provider.close("LPK-000002").await,
            Some(Lookup::Approved { reference })
        );
    }
}
