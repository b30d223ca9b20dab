//! Reading orders back, and the deal, stock and sales figures derived from them.

use std::collections::BTreeMap;

use lapak_protocol::{Money, Order, OrderLine, OrderStatus, PaymentDue, Totals};

use crate::db::Conn;
use crate::error::AppError;
use crate::pending::Mine;

/// How many of a session's orders a `Welcome` carries.
const RECENT: i64 = 20;

/// The order number shoppers quote: short, stable, derived from the row id.
pub fn number(id: i64) -> String {
    format!("LPK-{id:06}")
}

/// The row id of the order numbered `number` ([`number`]), if it is one.
pub fn id_of(number: &str) -> Option<i64> {
    number.strip_prefix("LPK-")?.parse().ok()
}

/// An `orders` row as an [`Order`] is assembled from it.
#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    command_id: String,
    status: String,
    placed_at_ms: i64,
    currency: String,
    subtotal_minor: i64,
    discount_minor: i64,
    shipping_minor: i64,
    total_minor: i64,
    shipping_name: String,
    card_last4: String,
    coupon_code: Option<String>,
    coupon_minor: i64,
    method: String,
    action: Option<String>,
    expires_at_ms: Option<i64>,
    refunded_minor: i64,
}

/// The columns of an [`OrderRow`].
const ORDER_COLUMNS: &str = "id, command_id, status, placed_at_ms, currency, subtotal_minor,
    discount_minor, shipping_minor, total_minor, shipping_name, card_last4, coupon_code,
    coupon_minor, method, action, expires_at_ms, refunded_minor";

/// An order's status as stored.
pub fn status_from(stored: &str) -> OrderStatus {
    match stored {
        "paid" => OrderStatus::Paid,
        "failed" => OrderStatus::Failed,
        "awaiting_payment" => OrderStatus::AwaitingPayment,
        "expired" => OrderStatus::Expired,
        "pay_on_delivery" => OrderStatus::PayOnDelivery,
        "cancelled" => OrderStatus::Cancelled,
        "refunded" => OrderStatus::Refunded,
        "returned" => OrderStatus::Returned,
        _ => OrderStatus::PaymentPending,
    }
}

/// Orders whose payment has not been settled, by row id, with the provider
/// that was asked (`None`: the card provider) and its reference, if it answered.
pub async fn pending(
    conn: &mut Conn,
    show: &str,
    mine: Mine,
) -> Result<Vec<(i64, Option<String>, Option<String>)>, AppError> {
    let pending = "SELECT id, provider, payment_ref FROM orders WHERE status = 'payment_pending' AND show_id = $1
                   AND (charging_by = $2 OR charging_until_ms IS NULL OR charging_until_ms < $3
                        OR charging_by IN (SELECT instance FROM server_leases WHERE alive_until_ms < $3))";
    Ok(sqlx::query_as(pending)
        .bind(show)
        .bind(mine.instance)
        .bind(mine.others_until_ms)
        .fetch_all(conn)
        .await?)
}

/// Orders still waiting for a payment whose request expired before `now_ms`,
/// by row id, with the provider that holds the request and its reference.
pub async fn expired(
    conn: &mut Conn,
    show: &str,
    now_ms: i64,
) -> Result<Vec<(i64, Option<String>, Option<String>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, provider, payment_ref FROM orders
         WHERE status = 'awaiting_payment' AND show_id = $1 AND expires_at_ms < $2",
    )
    .bind(show)
    .bind(now_ms)
    .fetch_all(conn)
    .await?)
}

/// The order a provider knows by `key` (its number, `LPK-000042`), and its show.
pub async fn by_number(conn: &mut Conn, key: &str) -> Result<Option<(i64, String)>, AppError> {
    let Some(id) = id_of(key) else {
        return Ok(None);
    };
    Ok(
        sqlx::query_as("SELECT id, show_id FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// What order `id` costs, as its payment must bring.
pub async fn amount_due(conn: &mut Conn, id: i64) -> Result<Money, AppError> {
    let (minor, currency): (i64, String) =
        sqlx::query_as("SELECT total_minor, currency FROM orders WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?;
    Ok(Money { minor, currency })
}

/// The order session `session`'s checkout command `command_id` placed, if any.
pub async fn placed_by(
    conn: &mut Conn,
    session: i64,
    command_id: &str,
) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM orders WHERE session_id = $1 AND command_id = $2")
            .bind(session)
            .bind(command_id)
            .fetch_optional(conn)
            .await?,
    )
}

/// One order by row id.
pub async fn load(conn: &mut Conn, id: i64) -> Result<Order, AppError> {
    let row: OrderRow =
        sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    assemble(conn, row).await
}

/// The session's latest orders, newest first.
pub async fn recent(conn: &mut Conn, session: i64) -> Result<Vec<Order>, AppError> {
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE session_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(session)
    .bind(RECENT)
    .fetch_all(&mut *conn)
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        orders.push(assemble(conn, row).await?);
    }
    Ok(orders)
}

async fn assemble(conn: &mut Conn, row: OrderRow) -> Result<Order, AppError> {
    let OrderRow {
        id,
        command_id,
        status,
        placed_at_ms,
        currency,
        subtotal_minor: subtotal,
        discount_minor: discount,
        shipping_minor: shipping,
        total_minor: total,
        shipping_name,
        card_last4,
        coupon_code,
        coupon_minor: coupon,
        method,
        action,
        expires_at_ms,
        refunded_minor,
    } = row;
    let money = |minor| Money {
        minor,
        currency: currency.clone(),
    };
    type LineRow = (String, String, String, String, i64, i64, String, String);
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT product_id, variant_id, name, variant_label, quantity, unit_price_minor,
                names, labels
         FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Order {
        number: number(id),
        command_id,
        status: status_from(&status),
        placed_at_ms,
        lines: lines
            .into_iter()
            .map(
                |(product_id, variant_id, name, variant_label, quantity, unit, names, labels)| {
                    OrderLine {
                        product_id,
                        variant_id,
                        name,
                        names: serde_json::from_str(&names).unwrap_or_default(),
                        variant_label,
                        labels: serde_json::from_str(&labels).unwrap_or_default(),
                        quantity: u32::try_from(quantity).unwrap_or(0),
                        unit_price: money(unit),
                    }
                },
            )
            .collect(),
        totals: Totals {
            subtotal: money(subtotal),
            // The stored discount holds the coupon's part too.
            discount: money(discount - coupon),
            coupon: coupon_code.map(|_| money(coupon)),
            shipping: money(shipping),
            total: money(total),
        },
        shipping: shipping_name,
        card_last4,
        // A card order answered at once has nothing to show; one that waits
        // (or is paid on delivery) shows what to do, from its stored action.
        payment: action
            .and_then(|action| serde_json::from_str(&action).ok())
            .map(|action| PaymentDue {
                method: serde_json::from_str(&method).unwrap_or_default(),
                amount: money(total),
                expires_at_ms,
                action,
            }),
        refunded: (refunded_minor > 0).then(|| money(refunded_minor)),
    })
}

/// Paid orders per product: (orders, units, value in minor units).
pub async fn sales(
    conn: &mut Conn,
    show: &str,
) -> Result<BTreeMap<String, (u64, u64, i64)>, AppError> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT l.product_id, COUNT(DISTINCT o.id), CAST(SUM(l.quantity) AS BIGINT), CAST(SUM(l.quantity * l.unit_price_minor) AS BIGINT)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.show_id = $1 AND o.status = 'paid'
         GROUP BY l.product_id",
    )
    .bind(show)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(p, o, u, v)| (p, (o.unsigned_abs(), u.unsigned_abs(), v)))
        .collect())
}

/// Paid orders per minute they were placed: start → (orders, goods in minor units).
pub async fn paid_per_minute(
    conn: &mut Conn,
    show: &str,
) -> Result<BTreeMap<i64, (u64, i64)>, AppError> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT placed_at_ms - placed_at_ms % 60000, COUNT(*), CAST(SUM(subtotal_minor - discount_minor) AS BIGINT)
         FROM orders WHERE show_id = $1 AND status = 'paid' GROUP BY 1",
    )
    .bind(show)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(m, o, v)| (m, (o.unsigned_abs(), v)))
        .collect())
}

/// The show's paid orders: how many, their merchandise after deals (GMV: the
/// lines' sum), how many used a coupon and the coupons' discounts, in minor units.
pub async fn paid_totals(conn: &mut Conn, show: &str) -> Result<(i64, i64, i64, i64), AppError> {
    Ok(sqlx::query_as(
        // GMV is the merchandise after deals, as the lines sum it; coupons are the brand's cost.
        "SELECT COUNT(*), CAST(COALESCE(SUM(subtotal_minor - discount_minor + coupon_minor), 0) AS BIGINT),
                COUNT(coupon_code), CAST(COALESCE(SUM(coupon_minor), 0) AS BIGINT)
         FROM orders WHERE show_id = $1 AND status = 'paid'",
    )
    .bind(show)
    .fetch_one(conn)
    .await?)
}
