//! Payments whose answer never came: a provider timeout, or a crash between a
//! charge and its settlement. Orders and coin top-ups alike are written as
//! `payment_pending` before their charge; every second, a sweeper closes the
//! provider's key of the ones whose charge is not under way and settles them
//! by its answer. A payment is under way while its process has it in hand
//! ([`InFlight`]), or — on a database servers share — while another process's
//! mark says its answer is not yet due and that process's lease is alive.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::db::Pool;
use crate::error::AppError;
use crate::payment::{Charge, Lookup};
use crate::{checkout, gifting, Stage};

/// How often pending payments are looked up.
const SWEEP: Duration = Duration::from_secs(1);

/// What the provider said about a payment.
pub enum Settlement {
    /// The answer to the charge itself.
    Charged(Charge),
    /// The answer to closing its key later.
    Looked(Lookup),
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

/// Which pending payments a sweeper may settle: its own process's (those not
/// under way: [`InFlight`]), and another's once the answer to its charge was
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
    renew(&pool, instance, crate::now_ms()).await?;
    Ok(Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(RENEW);
        loop {
            tick.tick().await;
            if let Err(error) = renew(&pool, instance, crate::now_ms()).await {
                tracing::error!(%error, "renewing this server's lease failed");
            }
        }
    })))
}

/// A payment written as `payment_pending`, by row id.
enum Pending {
    Order(i64),
    TopUp(i64),
}

impl Pending {
    /// The idempotency key its charge was made under.
    fn key(&self) -> String {
        match *self {
            Pending::Order(id) => checkout::order_number(id),
            Pending::TopUp(id) => gifting::top_up_key(id),
        }
    }

    async fn settle(&self, state: &Stage, lookup: Lookup) -> Result<(), AppError> {
        let settlement = Settlement::Looked(lookup);
        match *self {
            Pending::Order(id) => checkout::settle(state, id, settlement, None).await?,
            Pending::TopUp(id) => gifting::settle_top_up(state, id, settlement, None).await?,
        };
        Ok(())
    }
}

/// Settles the show's pending payments by asking the provider, every [`SWEEP`].
pub async fn resolve_pending(state: Arc<Stage>) {
    let mut tick = tokio::time::interval(SWEEP);
    loop {
        tick.tick().await;
        if let Err(error) = sweep(&state).await {
            tracing::error!(%error, "resolving pending payments failed");
        }
    }
}

async fn sweep(state: &Stage) -> Result<(), AppError> {
    let pending = {
        // Under the writer lock: a command writes its pending payment and marks its
        // charge as under way in one step of that lock, so no charge about to start is listed.
        let _write = state.writer.lock().await;
        let mut conn = state.pool.acquire().await?;
        let mine = Mine {
            instance: state.instance,
            others_until_ms: state.others_charging_until(crate::now_ms()),
        };
        let orders = checkout::pending_orders(&mut conn, &state.show.id, mine).await?;
        let top_ups = gifting::pending_top_ups(&mut conn, &state.show.id, mine).await?;
        let orders = orders.into_iter().map(Pending::Order);
        orders
            .chain(top_ups.into_iter().map(Pending::TopUp))
            .collect::<Vec<_>>()
    };
    for payment in pending {
        let key = payment.key();
        if state.in_flight.has(&key) {
            continue;
        }
        if let Some(lookup) = state.provider.close(&key).await {
            payment.settle(state, lookup).await?;
        }
    }
    Ok(())
}
