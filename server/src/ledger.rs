//! The coin ledger, double-entry: every movement of coins is one transaction
//! whose entries sum to zero, and each account's balance is kept in `balances`,
//! updated in the same database transaction, so it always equals the sum of its
//! entries. Accounts other than [`ISSUED`] never go below zero: a debit is a
//! conditional update, and the table's CHECK backs it up.

use lapak_protocol::Wallet;
use sqlx::Connection;

use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;

/// The system account top-ups draw coins from; the only one below zero.
pub const ISSUED: &str = "coins_issued";

/// A session's coins.
pub fn wallet_account(session: i64) -> String {
    format!("wallet:{session}")
}

/// Coins a show's host was sent and has not converted yet.
pub fn earnings_account(show: &str) -> String {
    format!("host_earnings:{show}")
}

/// Coins a show's host has converted into credits.
pub fn converted_account(show: &str) -> String {
    format!("host_converted:{show}")
}

/// Why coins moved.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A coin pack was paid for.
    TopUp,
    /// A viewer sent the host gifts.
    Gift,
    /// The host converted earnings into credits.
    Convert,
    /// A mission's reward: coins from `coins_issued` into a wallet.
    Reward,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::TopUp => "top_up",
            Kind::Gift => "gift",
            Kind::Convert => "convert",
            Kind::Reward => "reward",
        }
    }
}

/// One ledger transaction to write.
pub struct Posting<'a> {
    /// Why.
    pub kind: Kind,
    /// The session and command that caused it, if a viewer did.
    pub cause: Option<(i64, &'a str)>,
    /// What a gift transaction sent, and how many.
    pub gift: Option<(&'a str, u32)>,
    /// The mission completion a reward pays (its row names the session).
    pub completion: Option<i64>,
    /// Coins per account; they must sum to zero.
    pub entries: Vec<(String, i64)>,
}

/// Writes a transaction, its entries and the balances they change; its id, or
/// `None` (and nothing written) when an account would go below zero.
pub async fn post(conn: &mut Conn, posting: &Posting<'_>) -> Result<Option<i64>, AppError> {
    let sum = posting
        .entries
        .iter()
        .try_fold(0i64, |sum, (_, coins)| sum.checked_add(*coins));
    if sum != Some(0) || posting.entries.iter().any(|(_, coins)| *coins == 0) {
        return Err(AppError::Ledger(format!(
            "unbalanced {:?} transaction",
            posting.kind
        )));
    }
    // A savepoint, so a refused debit undoes the ones before it and nothing else.
    let mut tx = conn.begin().await?;
    for (account, coins) in &posting.entries {
        let moved = if *coins < 0 && account != ISSUED {
            sqlx::query(
                "UPDATE balances SET coins = coins + $2 WHERE account = $1 AND coins + $2 >= 0",
            )
            .bind(account)
            .bind(coins)
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query(
                "INSERT INTO balances (account, coins) VALUES ($1, $2)
                 ON CONFLICT (account) DO UPDATE SET coins = balances.coins + excluded.coins",
            )
            .bind(account)
            .bind(coins)
            .execute(&mut *tx)
            .await?
        };
        if moved.rows_affected() != 1 {
            return Ok(None);
        }
    }
    let (session, command_id) = posting.cause.unzip();
    let (gift_id, gift_count) = posting.gift.unzip();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ledger_transactions (kind, session_id, command_id, gift_id, gift_count, completion_id, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(posting.kind.as_str())
    .bind(session)
    .bind(command_id)
    .bind(gift_id)
    .bind(gift_count.map(i64::from))
    .bind(posting.completion)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    for (account, coins) in &posting.entries {
        sqlx::query(
            "INSERT INTO ledger_entries (transaction_id, account, coins) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(account)
        .bind(coins)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(id))
}

pub async fn balance(conn: &mut Conn, account: &str) -> Result<i64, AppError> {
    let coins: Option<i64> = sqlx::query_scalar("SELECT coins FROM balances WHERE account = $1")
        .bind(account)
        .fetch_optional(conn)
        .await?;
    Ok(coins.unwrap_or(0))
}

/// The session's coins and coupons, read on `conn` (inside a transaction, if it is one).
pub async fn wallet(conn: &mut Conn, session: i64) -> Result<Wallet, AppError> {
    let coins = balance(conn, &wallet_account(session)).await?;
    Ok(Wallet {
        coins: u64::try_from(coins).unwrap_or(0),
        coupons: crate::coupons::wallet(conn, session).await?,
    })
}

/// The show's gifts: how many sends, gifts and coins in all.
pub async fn gift_figures(conn: &mut Conn, show: &str) -> Result<(i64, i64, i64), AppError> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(t.gift_count), 0) AS BIGINT), CAST(COALESCE(SUM(e.coins), 0) AS BIGINT)
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
         WHERE e.account = $1 AND t.kind = 'gift'",
    )
    .bind(earnings_account(show))
    .fetch_one(&mut *conn)
    .await?)
}

/// The `limit` sessions that sent the show's host the most coins, from the
/// ledger's gift transactions, with the name shoppers see them by: `(session,
/// name, coins)`, most coins first (ties: the earlier session first).
pub async fn top_gifters(
    conn: &mut Conn,
    show: &str,
    limit: usize,
) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT t.session_id, s.name, CAST(SUM(e.coins) AS BIGINT) AS coins
         FROM ledger_entries e
         JOIN ledger_transactions t ON t.id = e.transaction_id
         JOIN sessions s ON s.id = t.session_id
         WHERE e.account = $1 AND t.kind = 'gift'
         GROUP BY t.session_id, s.name
         ORDER BY coins DESC, t.session_id
         LIMIT $2",
    )
    .bind(earnings_account(show))
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?)
}

/// Coins each session has sent the show's host, from the ledger's gift
/// transactions: `(session, coins)`.
pub async fn gift_totals(conn: &mut Conn, show: &str) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT t.session_id, CAST(SUM(e.coins) AS BIGINT)
         FROM ledger_entries e
         JOIN ledger_transactions t ON t.id = e.transaction_id
         WHERE e.account = $1 AND t.kind = 'gift'
         GROUP BY t.session_id",
    )
    .bind(earnings_account(show))
    .fetch_all(&mut *conn)
    .await?)
}
