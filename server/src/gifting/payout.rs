//! The host's payout step: a show's gift earnings converted into money.

use lapak_protocol::Money;

use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
use crate::ledger::{balance, converted_account, earnings_account, post, Kind, Posting};
use crate::stage::Stage;

/// The money credited to the show's host so far, in minor units.
pub async fn converted(conn: &mut Conn, show: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM host_credits WHERE show_id = $1",
    )
    .bind(show)
    .fetch_one(conn)
    .await?)
}

/// What converting a show's gift earnings credited its host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCredit {
    /// Coins converted.
    pub coins: u64,
    /// Their value in the show's currency (`lapak_protocol::host_earnings`).
    pub credit: Money,
}

/// The host's payout step: moves all of the show's unconverted earnings to
/// `host_converted:<show>` in one transaction and records their value in money
/// in `host_credits`. `None` when there was nothing to convert.
pub async fn convert_earnings(state: &Stage) -> Result<Option<HostCredit>, AppError> {
    let show = &state.show;
    let _write = state.writer.lock().await;
    let mut tx = crate::db::begin_write(&state.orders_pool, &state.show.id).await?;
    let earnings = earnings_account(&show.id);
    let coins = balance(&mut tx, &earnings).await?;
    if coins == 0 {
        return Ok(None);
    }
    let rate = show.gifting.host_credit_per_coin;
    let amount = lapak_protocol::host_earnings(coins.unsigned_abs(), rate)
        .ok_or_else(|| AppError::Ledger(format!("{coins} coins at {rate} overflow the credit")))?;
    let posting = Posting {
        kind: Kind::Convert,
        cause: None,
        gift: None,
        completion: None,
        entries: vec![(earnings, -coins), (converted_account(&show.id), coins)],
    };
    // Under the write lock nothing else moves the earnings, so the debit cannot fall short.
    let transaction = post(&mut tx, &posting)
        .await?
        .ok_or_else(|| AppError::Ledger("earnings fell short while converting".into()))?;
    let credit = show.money(amount);
    sqlx::query(
        "INSERT INTO host_credits (show_id, transaction_id, coins, rate_minor, amount_minor, currency, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&show.id)
    .bind(transaction)
    .bind(coins)
    .bind(rate)
    .bind(credit.minor)
    .bind(&credit.currency)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(HostCredit {
        coins: coins.unsigned_abs(),
        credit,
    }))
}
