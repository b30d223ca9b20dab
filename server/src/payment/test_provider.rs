//! The built-in test provider: cards only, decided by the card number, and
//! offline.

use futures::future::BoxFuture;
use lapak_protocol::{Card, Money};

use super::{
    Charge, Lookup, PaymentProvider, APPROVE, DECLINE, INSUFFICIENT_FUNDS, NO_ANSWER, TIMEOUT,
};
use crate::db::Pool;
use crate::error::AppError;

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
    fn name(&self) -> &'static str {
        "test"
    }

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
    use crate::payment::PaymentProvider;
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
