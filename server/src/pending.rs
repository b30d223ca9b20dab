//! Payments whose answer never came: a provider timeout, or a crash between a
//! charge and its settlement. Orders and coin top-ups alike are written as
//! `payment_pending` before their charge; every second, a sweeper
//! ([`crate::sweep`]) closes the provider's key of the ones whose charge is
//! not under way and settles them by its answer. A payment is under way while
//! its process has it in hand ([`InFlight`](crate::payment::InFlight)), or — on
//! a database servers share — while another process's mark says its answer is
//! not yet due and that process's lease is alive.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::db::Pool;
use crate::error::AppError;
use crate::payment::{Charge, Lookup, Outcome, Requested};
/// What the provider said about a payment.
pub enum Settlement {
    /// The answer to the charge itself.
    Charged(Charge),
    /// The answer to closing its key later.
    Looked(Lookup),
    /// The answer to asking for a payment the shopper completes elsewhere.
    Requested(Requested),
    /// Nothing to collect now: cash on delivery.
    OnDelivery,
    /// A verified callback: what became of the payment.
    Notified(Outcome),
}

/// Which pending payments a sweeper may settle: its own process's (those not
/// under way: [`InFlight`](crate::payment::InFlight)), and another's once the answer to its charge was
/// due (`charging_until_ms`) — that process may still be waiting for it — or
/// once that process's lease in `server_leases` has lapsed: it is gone, or cut
/// off for longer than [`LEASE`], and closing the key makes sure a charge it
/// may still send takes nothing.
#[derive(Clone, Copy)]
pub struct Mine {
    /// This process.
    pub instance: i64,
    /// Another process's marks, and leases, ending before this time have lapsed.
    pub others_until_ms: i64,
}

/// How long a server's lease lasts unless renewed: longer than a stalled
/// moment, far shorter than a charge's wait (10 s).
const LEASE: Duration = Duration::from_secs(5);
/// How often a server renews its lease.
const RENEW: Duration = Duration::from_secs(1);

/// Renews this process's lease now, and forgets leases lapsed long ago: a
/// payment of theirs is past its charge's wait anyway.
async fn renew(pool: &Pool, instance: i64, now_ms: i64) -> Result<(), AppError> {
    let lease = i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO server_leases (instance, alive_until_ms) VALUES ($1, $2)
         ON CONFLICT (instance) DO UPDATE SET alive_until_ms = excluded.alive_until_ms",
    )
    .bind(instance)
    .bind(now_ms.saturating_add(lease))
    .execute(pool)
    .await?;
    sqlx::query("DELETE FROM server_leases WHERE alive_until_ms < $1")
        .bind(now_ms.saturating_sub(60 * 60 * 1000))
        .execute(pool)
        .await?;
    Ok(())
}

/// Takes this process's lease on a database servers share (none on an SQLite
/// file, the one server's), before it charges anything: the task that renews it.
pub async fn keep_alive(pool: Pool, instance: i64) -> Result<Option<JoinHandle<()>>, AppError> {
    if !crate::db::shared(&pool) {
        return Ok(None);
    }
    renew(&pool, instance, crate::clock::now_ms()).await?;
    Ok(Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(RENEW);
        loop {
            tick.tick().await;
            if let Err(error) = renew(&pool, instance, crate::clock::now_ms()).await {
                tracing::error!(%error, "renewing this server's lease failed");
            }
        }
    })))
}
