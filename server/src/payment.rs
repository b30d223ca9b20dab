//! Payments: the `PaymentProvider` seam and the built-in test provider.
//!
//! The server never keeps a card: it passes it to the provider once and keeps
//! the provider's reference and the last four digits. Every charge carries an
//! idempotency key (the order number), so asking again is always safe, and a
//! charge whose answer was lost (a timeout, a crash) is settled by `lookup`.

use futures::future::BoxFuture;
use lapak_protocol::{Card, Money};

use crate::db::Pool;

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

/// What the provider knows of an earlier charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// It was taken.
    Approved {
        /// Provider's reference.
        reference: String,
    },
    /// Nothing was taken under that key.
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
    /// What became of the charge with `key`; `None` when the provider cannot say now.
    fn lookup<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>>;
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

/// Behaves like processors' test modes: the card number decides the outcome,
/// and any other number is declined. It keeps its own record of charges (a
/// table in the same database, standing in for the provider's side), so a
/// lookup after a restart still knows what happened.
pub struct TestProvider {
    pool: Pool,
}

impl TestProvider {
    /// A test provider recording into `pool`.
    pub fn new(pool: Pool) -> TestProvider {
        TestProvider { pool }
    }

    async fn record(&self, key: &str, amount: &Money) -> Result<String, sqlx::Error> {
        let reference = format!("test_ch_{key}");
        sqlx::query(
            "INSERT INTO test_provider_charges (key, reference, amount_minor, currency) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(&reference)
        .bind(amount.minor)
        .bind(&amount.currency)
        .execute(&self.pool)
        .await?;
        Ok(reference)
    }
}

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
                    Ok(reference) => Charge::Approved { reference },
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

    fn lookup<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>> {
        Box::pin(async move {
            let found: Result<Option<String>, _> =
                sqlx::query_scalar("SELECT reference FROM test_provider_charges WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await;
            match found {
                Ok(Some(reference)) => Some(Lookup::Approved { reference }),
                Ok(None) => Some(Lookup::NotCharged),
                Err(_) => None,
            }
        })
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
        assert_eq!(
            provider.lookup("LPK-000001").await,
            Some(Lookup::NotCharged)
        );
    }
}
