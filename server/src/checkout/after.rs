//! After checkout: what a brand does with a show's orders. It lists them;
//! refunds a paid one through the provider that took the money; cancels one
//! not yet paid, closing its payment at the provider first so it cannot be
//! paid afterwards; and confirms cash on delivery delivered or returned.
//!
//! Each change is a conditional update under the show's writer lock, like a
//! settlement ([`crate::unit::Settling`]): an order that moved meanwhile (paid
//! by a callback, expired, refunded by another request) is not moved again.
//! A refund asks the provider first, outside any lock, under a key derived
//! from the refunds recorded so far (`LPK-000042-refund-1`): a refund retried
//! after a crash, or asked twice at once, is the same refund at the provider,
//! and is recorded once (`refunds.refund_key` is unique).

use std::time::Duration;

use lapak_protocol::api::metrics::OrderCounts;
use lapak_protocol::api::orders::{OrderPage, Refunded, ShowOrder};
use lapak_protocol::{Money, OrderStatus, ServerMsg, Totals};

use super::orders::{self, id_of, number, status_from};
use super::settle::{self, announce, release};
use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
use crate::payment::Lookup;
use crate::pending::Settlement;
use crate::progress::Changes;
use crate::stage::Stage;
use crate::unit::Settling;

/// How long a provider may take to refund or to close a payment: the brand
/// is told to try again after it, and asking again is safe.
const PROVIDER_WAIT: Duration = Duration::from_secs(10);

/// Statuses of an order not paid yet, which the brand may cancel.
const UNPAID: &str = "('payment_pending', 'awaiting_payment', 'pay_on_delivery')";

/// Why a change to an order was refused; nothing changed.
#[derive(Debug)]
pub enum Refused {
    /// No such order in this show.
    NotFound,
    /// The order's status does not allow it.
    Status(OrderStatus),
    /// Paid on delivery: no provider holds the money to refund.
    NoProvider,
    /// The amount is not one that may be refunded (why).
    Amount(String),
    /// The provider refused, or did not answer in time (why).
    Provider(String),
    /// The order moved meanwhile (why).
    Moved(String),
    /// The provider says the order was paid before it could be cancelled: it
    /// is settled paid now.
    PaidMeanwhile(Box<ShowOrder>),
}

/// An `orders` row as the brand's list shows it.
#[derive(sqlx::FromRow)]
struct Listed {
    id: i64,
    status: String,
    method: String,
    provider: Option<String>,
    placed_at_ms: i64,
    currency: String,
    subtotal_minor: i64,
    discount_minor: i64,
    shipping_minor: i64,
    total_minor: i64,
    coupon_code: Option<String>,
    coupon_minor: i64,
    refunded_minor: i64,
    flagged: Option<String>,
    units: i64,
}

/// The columns of a [`Listed`].
const LISTED: &str = "id, status, method, provider, placed_at_ms, currency, subtotal_minor,
    discount_minor, shipping_minor, total_minor, coupon_code, coupon_minor, refunded_minor, flagged,
    CAST(COALESCE((SELECT SUM(l.quantity) FROM order_lines l WHERE l.order_id = orders.id), 0) AS BIGINT) AS units";

impl Listed {
    fn order(self) -> ShowOrder {
        let currency = self.currency;
        let money = |minor| Money {
            minor,
            currency: currency.clone(),
        };
        ShowOrder {
            number: number(self.id),
            status: status_from(&self.status),
            method: serde_json::from_str(&self.method).unwrap_or_default(),
            provider: self.provider,
            placed_at_ms: self.placed_at_ms,
            totals: Totals {
                subtotal: money(self.subtotal_minor),
                // The stored discount holds the coupon's part too.
                discount: money(self.discount_minor - self.coupon_minor),
                coupon: self.coupon_code.map(|_| money(self.coupon_minor)),
                shipping: money(self.shipping_minor),
                total: money(self.total_minor),
            },
            units: u32::try_from(self.units).unwrap_or(u32::MAX),
            refunded: money(self.refunded_minor),
            flagged: self.flagged,
        }
    }
}

/// Show `show`'s orders older than `before` (all when `None`), newest first,
/// `limit` of them at most.
pub async fn list(
    conn: &mut Conn,
    show: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<OrderPage, AppError> {
    let rows: Vec<Listed> = sqlx::query_as(&format!(
        "SELECT {LISTED} FROM orders WHERE show_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(show)
    .bind(before.unwrap_or(i64::MAX))
    // One more tells whether there is another page.
    .bind(i64::from(limit) + 1)
    .fetch_all(conn)
    .await?;
    let more = rows.len() > limit as usize;
    let orders: Vec<ShowOrder> = rows
        .into_iter()
        .take(limit as usize)
        .map(Listed::order)
        .collect();
    let before = more
        .then(|| orders.last().map(|o| o.number.clone()))
        .flatten();
    Ok(OrderPage { orders, before })
}

/// Order `id` as the brand's list shows it.
async fn listed(conn: &mut Conn, id: i64) -> Result<ShowOrder, AppError> {
    let row: Listed = sqlx::query_as(&format!("SELECT {LISTED} FROM orders WHERE id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(row.order())
}

/// What a change needs of an order.
#[derive(sqlx::FromRow)]
struct Found {
    id: i64,
    session_id: i64,
    status: String,
    total_minor: i64,
    currency: String,
    refunded_minor: i64,
    provider: Option<String>,
    payment_ref: Option<String>,
    /// Refunds recorded so far.
    refunds: i64,
}

/// Order `number` of the stage's show, read in one statement (its refunds
/// counted at the same moment as its refunded amount).
async fn find(state: &Stage, number: &str) -> Result<Option<Found>, AppError> {
    let Some(id) = id_of(number) else {
        return Ok(None);
    };
    let mut conn = state.pool.acquire().await?;
    Ok(sqlx::query_as(
        "SELECT id, session_id, status, total_minor, currency, refunded_minor, provider, payment_ref,
                (SELECT COUNT(*) FROM refunds r WHERE r.order_id = orders.id) AS refunds
         FROM orders WHERE id = $1 AND show_id = $2",
    )
    .bind(id)
    .bind(&state.show.id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// After order `id` of `session` changed: its list entry, and the shopper's
/// tabs and the studio's event stream told.
async fn changed(state: &Stage, id: i64, session: i64) -> Result<ShowOrder, AppError> {
    let mut conn = state.pool.acquire().await?;
    let order = orders::load(&mut conn, id).await?;
    let update = ServerMsg::OrderUpdated {
        order: Box::new(order),
    };
    state.sessions.send(session, 0, &update);
    state.paid.send_modify(|n| *n += 1);
    listed(&mut conn, id).await
}

/// Refunds `amount` of paid order `number` (all that is not refunded yet
/// when `None`) through the provider that took it.
pub async fn refund(
    state: &Stage,
    number: &str,
    amount: Option<Money>,
) -> Result<Result<Refunded, Refused>, AppError> {
    let Some(order) = find(state, number).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if order.status != "paid" {
        return Ok(Err(Refused::Status(status_from(&order.status))));
    }
    let (Some(name), Some(paid_as)) = (order.provider.as_deref(), order.payment_ref.as_deref())
    else {
        return Ok(Err(Refused::NoProvider));
    };
    let rest = order.total_minor - order.refunded_minor;
    let amount = amount.unwrap_or(Money {
        minor: rest,
        currency: order.currency.clone(),
    });
    if amount.currency != order.currency {
        let why = format!("the order is in {}", order.currency);
        return Ok(Err(Refused::Amount(why)));
    }
    if amount.minor <= 0 || amount.minor > rest {
        let why = format!("a refund is 1 to {rest} minor units: what is not refunded yet");
        return Ok(Err(Refused::Amount(why)));
    }
    let Some(provider) = state.payments.named(name) else {
        let why = format!("the provider {name} is not configured");
        return Ok(Err(Refused::Provider(why)));
    };
    let refund_key = format!("{number}-refund-{}", order.refunds + 1);
    let asked = provider.refund(number, paid_as, &amount, &refund_key);
    let reference = match tokio::time::timeout(PROVIDER_WAIT, asked).await {
        Ok(Ok(reference)) => reference,
        Ok(Err(why)) => return Ok(Err(Refused::Provider(why))),
        Err(_) => {
            let why = "the provider did not answer in time; asking again makes the same refund";
            return Ok(Err(Refused::Provider(why.into())));
        }
    };
    let mut settling = Settling::begin(state).await?;
    let recorded = sqlx::query(
        "INSERT INTO refunds (order_id, amount_minor, reference, created_at_ms, refund_key)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(order.id)
    .bind(amount.minor)
    .bind(&reference)
    .bind(now_ms())
    .bind(&refund_key)
    .execute(&mut *settling.tx)
    .await?;
    if recorded.rows_affected() == 0 {
        let why = "the same refund was recorded by another request: read the order again";
        return Ok(Err(Refused::Moved(why.into())));
    }
    let moved = sqlx::query(
        "UPDATE orders SET refunded_minor = refunded_minor + $2,
             status = CASE WHEN refunded_minor + $2 = total_minor THEN 'refunded' ELSE status END
         WHERE id = $1 AND status = 'paid' AND refunded_minor + $2 <= total_minor",
    )
    .bind(order.id)
    .bind(amount.minor)
    .execute(&mut *settling.tx)
    .await?;
    if moved.rows_affected() != 1 {
        // Dropped: rolled back. The provider holds to its own total, so this
        // is a refund it made once under this key: a retry records it.
        tracing::error!(order = %number, %refund_key, %reference, "refunded at the provider, but the order moved meanwhile");
        let why = "the order moved meanwhile: read it again";
        return Ok(Err(Refused::Moved(why.into())));
    }
    let write = settling.commit().await?;
    drop(write);
    tracing::info!(order = %number, amount = amount.minor, %reference, "refunded");
    let order = changed(state, order.id, order.session_id).await?;
    Ok(Ok(Refunded {
        order,
        amount,
        reference,
    }))
}

/// Cancels order `number`, not paid yet: its payment is closed at its
/// provider first, so it cannot be paid afterwards, then its stock, deal
/// units and coupon go back.
pub async fn cancel(state: &Stage, number: &str) -> Result<Result<ShowOrder, Refused>, AppError> {
    let Some(order) = find(state, number).await? else {
        return Ok(Err(Refused::NotFound));
    };
    let status = status_from(&order.status);
    if !(status.waiting() || status == OrderStatus::PayOnDelivery) {
        return Ok(Err(Refused::Status(status)));
    }
    // Cash on delivery has no provider: nothing to close.
    if let Some(name) = order.provider.as_deref() {
        let reference = order.payment_ref.as_deref();
        let closing = state.payments.close_at(name, number, reference);
        let closed = tokio::time::timeout(PROVIDER_WAIT, closing);
        match closed.await.ok().flatten() {
            Some(Lookup::NotCharged) => {}
            Some(Lookup::Approved { reference }) => {
                let paid = Settlement::Looked(Lookup::Approved { reference });
                settle::settle(state, order.id, paid, None).await?;
                let mut conn = state.pool.acquire().await?;
                let now = listed(&mut conn, order.id).await?;
                return Ok(Err(Refused::PaidMeanwhile(Box::new(now))));
            }
            None => {
                let why = "the provider could not say whether it was paid: try again";
                return Ok(Err(Refused::Provider(why.into())));
            }
        }
    }
    void(state, &order, "cancelled", UNPAID).await
}

/// Cash-on-delivery order `number` was delivered and paid to the courier.
pub async fn delivered(
    state: &Stage,
    number: &str,
) -> Result<Result<ShowOrder, Refused>, AppError> {
    let Some(order) = find(state, number).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if order.status != "pay_on_delivery" {
        return Ok(Err(Refused::Status(status_from(&order.status))));
    }
    let mut settling = Settling::begin(state).await?;
    let moved = sqlx::query(
        "UPDATE orders SET status = 'paid', payment_ref = 'cod'
         WHERE id = $1 AND status = 'pay_on_delivery'",
    )
    .bind(order.id)
    .execute(&mut *settling.tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(Err(Refused::Moved("the order moved meanwhile".into())));
    }
    drop(settling.commit().await?);
    tracing::info!(order = %number, "delivered and paid on delivery");
    Ok(Ok(changed(state, order.id, order.session_id).await?))
}

/// Cash-on-delivery order `number` came back unpaid: its stock goes back.
pub async fn returned(state: &Stage, number: &str) -> Result<Result<ShowOrder, Refused>, AppError> {
    let Some(order) = find(state, number).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if order.status != "pay_on_delivery" {
        return Ok(Err(Refused::Status(status_from(&order.status))));
    }
    void(state, &order, "returned", "('pay_on_delivery')").await
}

/// Moves `order` to `to` if its status is still one of `from` (an SQL
/// list), giving back its coupon, stock and deal units (not into the cart:
/// the shopper did not ask for them back).
async fn void(
    state: &Stage,
    order: &Found,
    to: &'static str,
    from: &'static str,
) -> Result<Result<ShowOrder, Refused>, AppError> {
    let mut settling = Settling::begin(state).await?;
    let items = settle::items(&mut settling.tx, order.id).await?;
    // Before the status moves: a coupon goes back only from an unpaid order.
    let gave_back = crate::coupons::give_back(&mut settling.tx, order.id).await?;
    let moved = sqlx::query(&format!(
        "UPDATE orders SET status = $2 WHERE id = $1 AND status IN {from}"
    ))
    .bind(order.id)
    .bind(to)
    .execute(&mut *settling.tx)
    .await?;
    if moved.rows_affected() != 1 {
        // Dropped: rolled back, the coupon with it.
        return Ok(Err(Refused::Moved("the order moved meanwhile".into())));
    }
    release(&mut settling.tx, state, order.session_id, &items, false).await?;
    let write = settling.commit().await?;
    // Under the writer lock, so stock events leave in commit order.
    announce(state, &items).await?;
    let changes = Changes {
        wallet: gave_back,
        ..Changes::default()
    };
    crate::unit::announce(state, order.session_id, changes).await?;
    drop(write);
    tracing::info!(order = %number(order.id), to, "order voided");
    Ok(Ok(changed(state, order.id, order.session_id).await?))
}

/// Show `show`'s orders by status, and the sales that count: the totals of
/// the orders paid (cash on delivery once delivered) less what was refunded
/// of them, and what was refunded, in minor units.
pub async fn figures(conn: &mut Conn, show: &str) -> Result<(OrderCounts, i64, i64), AppError> {
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*), CAST(COALESCE(SUM(total_minor - refunded_minor), 0) AS BIGINT),
                CAST(COALESCE(SUM(refunded_minor), 0) AS BIGINT),
                COUNT(CASE WHEN refunded_minor > 0 THEN 1 END)
         FROM orders WHERE show_id = $1 GROUP BY status",
    )
    .bind(show)
    .fetch_all(conn)
    .await?;
    let (mut counts, mut net, mut refunds) = (OrderCounts::default(), 0, 0);
    for (status, count, kept, refunded, partly) in rows {
        let count = count.unsigned_abs();
        refunds += refunded;
        match status_from(&status) {
            OrderStatus::Paid => {
                counts.paid += count;
                counts.partly_refunded += partly.unsigned_abs();
                net += kept;
            }
            // Refunded in full: nothing of it is kept.
            OrderStatus::Refunded => counts.refunded += count,
            OrderStatus::PaymentPending | OrderStatus::AwaitingPayment => counts.waiting += count,
            OrderStatus::PayOnDelivery => counts.pay_on_delivery += count,
            OrderStatus::Expired => counts.expired += count,
            OrderStatus::Failed => counts.failed += count,
            OrderStatus::Cancelled => counts.cancelled += count,
            OrderStatus::Returned => counts.returned += count,
        }
    }
    Ok((counts, net, refunds))
}
