//! The sweeper of a show's pending payments ([`crate::pending`]): every
//! [`SWEEP`], it closes the provider's key of the orders and coin top-ups
//! whose charge is not under way, and of the orders whose payment request
//! expired unpaid, and settles them by its answer.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::now_ms;
use crate::error::AppError;
use crate::payment::Lookup;
use crate::pending::{Mine, Settlement};
use crate::stage::Stage;
use crate::{checkout, gifting};

/// How often pending payments are looked up.
const SWEEP: Duration = Duration::from_secs(1);

/// A payment written as `payment_pending`, or waiting past its expiry, by
/// row id (an order's with the provider that was asked; `None`: the card provider).
enum Pending {
    Order(i64, Option<String>, Option<String>),
    TopUp(i64),
}

impl Pending {
    /// The idempotency key its charge was made under.
    fn key(&self) -> String {
        match *self {
            Pending::Order(id, ..) => checkout::order_number(id),
            Pending::TopUp(id) => gifting::top_up_key(id),
        }
    }

    /// Closes its key at its provider: what became of it.
    async fn close(&self, state: &Stage) -> Option<Lookup> {
        match self {
            Pending::Order(_, Some(provider), reference) => {
                let key = self.key();
                state
                    .payments
                    .close_at(provider, &key, reference.as_deref())
                    .await
            }
            _ => state.payments.close(&self.key()).await,
        }
    }

    async fn settle(&self, state: &Stage, lookup: Lookup) -> Result<(), AppError> {
        let settlement = Settlement::Looked(lookup);
        match *self {
            Pending::Order(id, ..) => checkout::settle(state, id, settlement, None).await?,
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
            instance: state.payments.instance(),
            others_until_ms: state.payments.others_charging_until(now_ms()),
        };
        let mut orders = checkout::pending_orders(&mut conn, &state.show.id, mine).await?;
        // An expired request is closed at its provider too: paid at the last
        // moment, or released with its stock.
        orders.extend(checkout::expired_orders(&mut conn, &state.show.id, now_ms()).await?);
        let top_ups = gifting::pending_top_ups(&mut conn, &state.show.id, mine).await?;
        let orders = orders
            .into_iter()
            .map(|(id, provider, reference)| Pending::Order(id, provider, reference));
        orders
            .chain(top_ups.into_iter().map(Pending::TopUp))
            .collect::<Vec<_>>()
    };
    for payment in pending {
        let key = payment.key();
        if state.payments.under_way(&key) {
            continue;
        }
        if let Some(lookup) = payment.close(state).await {
            payment.settle(state, lookup).await?;
        }
    }
    Ok(())
}
