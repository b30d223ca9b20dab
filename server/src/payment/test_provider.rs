//! The built-in test provider, offline: cards decided by the card number,
//! and QRIS, e-wallet and virtual-account requests that a test page pays
//! (`POST /api/v1/payments/test/pay/{order}`), as a bank app would.

use futures::future::BoxFuture;
use lapak_protocol::{Bank, Card, Contact, Ewallet, Money, PayAction, PayMethod};
use serde::Deserialize;

use super::{
    Charge, Forged, Lookup, Notice, Outcome, PaymentProvider, Requested, APPROVE, DECLINE,
    INSUFFICIENT_FUNDS, NO_ANSWER, TIMEOUT,
};
use crate::db::Pool;
use crate::error::AppError;

/// Behaves like processors' test modes: the card number decides the outcome,
/// and any other number is declined. It keeps its own record of charges (a
/// table in the same database, standing in for the provider's side), so a
/// lookup after a restart still knows what happened; the keys it closed and
/// the refunds it made are kept there too.
pub struct TestProvider {
    pool: Pool,
}

impl TestProvider {
    /// A test provider recording into `pool`.
    pub fn new(pool: Pool) -> TestProvider {
        TestProvider { pool }
    }

    /// Pays the request under `key` with `amount`, as the shopper's bank app
    /// would, unless it was closed (expired or cancelled) first: the
    /// reference of the payment, or `None`.
    pub async fn pay(&self, key: &str, amount: &Money) -> Result<Option<String>, AppError> {
        self.record(key, amount).await
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

    /// Refunds `amount` of the charge `reference` under `key`, once per
    /// `refund_key`, and never more than was charged under `key` in all.
    async fn record_refund(
        &self,
        key: &str,
        reference: &str,
        amount: &Money,
        refund_key: &str,
    ) -> Result<Result<String, String>, AppError> {
        let refund = sqlx::query(
            "INSERT INTO test_provider_refunds (refund_key, key, reference, amount_minor, currency)
             SELECT $1, $2, $3, $4, $5 WHERE EXISTS (
                 SELECT 1 FROM test_provider_charges c
                 WHERE c.key = $2 AND c.reference = $6 AND c.currency = $5
                   AND c.amount_minor >= $4 + (SELECT CAST(COALESCE(SUM(r.amount_minor), 0) AS BIGINT)
                                               FROM test_provider_refunds r WHERE r.key = $2))
             ON CONFLICT DO NOTHING",
        )
        .bind(refund_key)
        .bind(key)
        .bind(format!("test_re_{refund_key}"))
        .bind(amount.minor)
        .bind(&amount.currency)
        .bind(reference);
        self.in_turn(key, refund).await?;
        let made: Option<(String, String, i64, String)> = sqlx::query_as(
            "SELECT key, reference, amount_minor, currency FROM test_provider_refunds WHERE refund_key = $1",
        )
        .bind(refund_key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match made {
            // The same refund asked again (a retry) is the one made.
            Some((k, reference, minor, currency))
                if k == key && minor == amount.minor && currency == amount.currency =>
            {
                Ok(reference)
            }
            Some(_) => Err("the refund key was used for another refund".to_owned()),
            None => Err("more than was charged, or no such charge".to_owned()),
        })
    }

    /// Runs `statement`, a charge, a close or a refund of `key`, so that no
    /// other can slip in between its check and its write.
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

    fn close<'a>(
        &'a self,
        key: &'a str,
        _reference: Option<&'a str>,
    ) -> BoxFuture<'a, Option<Lookup>> {
        Box::pin(async move { self.close_key(key).await.ok() })
    }

    fn refund<'a>(
        &'a self,
        key: &'a str,
        reference: &'a str,
        amount: &'a Money,
        refund_key: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            self.record_refund(key, reference, amount, refund_key)
                .await
                .unwrap_or_else(|error| Err(error.to_string()))
        })
    }

    fn request<'a>(
        &'a self,
        key: &'a str,
        _amount: &'a Money,
        method: &'a PayMethod,
        _buyer: &'a Contact,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Requested> {
        Box::pin(async move {
            match test_action(key, method) {
                Some(action) => Requested::Waiting {
                    reference: format!("test_pr_{key}"),
                    action,
                    expires_at_ms,
                },
                None => Requested::Refused {
                    reason: "the test provider takes no such method".into(),
                },
            }
        })
    }

    fn verify(
        &self,
        headers: &axum::http::HeaderMap,
        body: &[u8],
        _now_ms: i64,
    ) -> Result<Vec<Notice>, Forged> {
        use subtle::ConstantTimeEq;
        let token = headers
            .get(TEST_TOKEN_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !bool::from(token.ct_eq(TEST_CALLBACK_TOKEN.as_bytes())) {
            return Err(Forged::Signature);
        }
        let event: TestEvent =
            serde_json::from_slice(body).map_err(|e| Forged::Malformed(e.to_string()))?;
        let outcome = match event.status.as_str() {
            "paid" => Outcome::Paid {
                reference: format!("test_ch_{}", event.key),
                amount: event.amount,
            },
            "failed" => Outcome::Failed {
                reason: "failed at the test provider".into(),
            },
            other => return Err(Forged::Malformed(format!("unknown status {other}"))),
        };
        Ok(vec![Notice {
            event: event.id,
            key: event.key,
            outcome,
        }])
    }
}

/// The header carrying the test provider's callback token.
pub const TEST_TOKEN_HEADER: &str = "x-callback-token";
/// The test provider's callback token. It is public: the test provider
/// takes no money, and a brand's real providers have secrets of their own.
pub const TEST_CALLBACK_TOKEN: &str = "lapak-test-callback";

/// A test provider's callback body.
#[derive(Deserialize)]
struct TestEvent {
    /// The event's id.
    id: String,
    /// The order number.
    key: String,
    /// `paid` or `failed`.
    status: String,
    /// What was paid.
    amount: Money,
}

/// What the shopper does to pay a test request: a QR string (QRIS's
/// format, marked as a test), a virtual account number from the order
/// number, the test pay page for an e-wallet, or OVO's push.
fn test_action(key: &str, method: &PayMethod) -> Option<PayAction> {
    let digits: String = key.chars().filter(char::is_ascii_digit).collect();
    Some(match method {
        PayMethod::Qris => PayAction::Qr {
            qr_string: format!(
                "00020101021226300012ID.LAPAK.TEST0110{digits:0>10}5303360{key}6304TEST"
            ),
        },
        PayMethod::VirtualAccount { bank } => PayAction::Transfer {
            bank: *bank,
            account_number: format!("{}{digits:0>10}", bank_prefix(*bank)),
        },
        PayMethod::Ewallet {
            wallet: Ewallet::Ovo,
            phone: Some(phone),
        } => PayAction::Approve {
            wallet: Ewallet::Ovo,
            phone: phone.clone(),
        },
        PayMethod::Ewallet { wallet, .. } if !wallet.pushes() => PayAction::Open {
            wallet: *wallet,
            url: format!("/api/v1/payments/test/pay/{key}"),
            deep_link: None,
        },
        _ => return None,
    })
}

/// A test bank's virtual-account prefix.
fn bank_prefix(bank: Bank) -> &'static str {
    match bank {
        Bank::Bca => "8808",
        Bank::Bni => "8810",
        Bank::Bri => "8820",
        Bank::Mandiri => "8890",
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
        assert_eq!(
            provider.close("LPK-000001", None).await,
            Some(Lookup::NotCharged)
        );
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
        assert_eq!(
            provider.close("LPK-000001", None).await,
            Some(Lookup::NotCharged)
        );
        assert!(
            matches!(
                provider.charge("LPK-000001", &amount, &card).await,
                Charge::Declined { .. }
            ),
            "a charge after the close is declined"
        );
        assert_eq!(
            provider.close("LPK-000001", None).await,
            Some(Lookup::NotCharged)
        );

        let Charge::Approved { reference } = provider.charge("LPK-000002", &amount, &card).await
        else {
            panic!("the test card is approved");
        };
        assert_eq!(
            provider.close("LPK-000002", None).await,
            Some(Lookup::Approved { reference })
        );
    }

    /// A refund is made once per refund key, and never of more than was
    /// charged under the payment's key, in all.
    #[tokio::test]
    async fn refunds_stay_within_the_charge_and_a_refund_key_is_one_refund() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let pool = crate::testing::database(dir.path()).await;
        let provider = TestProvider::new(pool);
        let rupiah = |minor| Money {
            minor,
            currency: "IDR".into(),
        };
        let card = Card {
            number: APPROVE.into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        };
        let Charge::Approved { reference } =
            provider.charge("LPK-000001", &rupiah(100), &card).await
        else {
            panic!("the test card is approved");
        };
        let refund = |amount, refund_key| {
            let (provider, reference) = (&provider, reference.clone());
            async move {
                provider
                    .refund("LPK-000001", &reference, &rupiah(amount), refund_key)
                    .await
            }
        };
        let first = refund(60, "LPK-000001-refund-1")
            .await
            .expect("within the charge");
        assert_eq!(
            refund(60, "LPK-000001-refund-1").await,
            Ok(first),
            "a retry is the same refund"
        );
        assert!(
            refund(50, "LPK-000001-refund-1").await.is_err(),
            "one key, one refund"
        );
        assert!(
            refund(41, "LPK-000001-refund-2").await.is_err(),
            "beyond the charge"
        );
        assert!(refund(40, "LPK-000001-refund-2").await.is_ok(), "the rest");
        let other = provider
            .refund(
                "LPK-000001",
                "test_ch_other",
                &rupiah(1),
                "LPK-000001-refund-3",
            )
            .await;
        assert!(other.is_err(), "only the charge made under the key");
    }
}
