//! Reading orders back, and the deal and stock figures derived from them.
use lapak_protocol::{Money, Order, OrderLine, OrderStatus, Totals};

use crate::db::Conn;
use crate::error::AppError;
use crate::pending::Mine;

/// How many of a session's orders a `Welcome` carries.
const RECENT: i64 = 20;

/// The order number shoppers quote: short, stable, derived from the row id.
pub fn number(id: i64) -> String {
    format!("LPK-{id:06}")
}

type OrderRow = (
    i64,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    Option<String>,
    i64,
);

/// Orders whose payment has not been settled, by row id.
pub async fn pending(conn: &mut Conn, show: &str, mine: Mine) -> Result<Vec<i64>, AppError> {
    let pending = "SELECT id FROM orders WHERE status = 'payment_pending' AND show_id = $1
                   AND (charging_by = $2 OR charging_until_ms IS NULL OR charging_until_ms < $3
                        OR charging_by IN (SELECT instance FROM server_leases WHERE alive_until_ms < $3))";
    Ok(sqlx::query_scalar(pending)
        .bind(show)
        .bind(mine.instance)
        .bind(mine.others_until_ms)
        .fetch_all(conn)
        .await?)
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
    let row: OrderRow = sqlx::query_as(
        "SELECT id, command_id, status, placed_at_ms, currency, subtotal_minor, discount_minor,
                shipping_minor, total_minor, shipping_name, card_last4, coupon_code, coupon_minor
         FROM orders WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    assemble(conn, row).await
}

/// The session's latest orders, newest first.
pub async fn recent(conn: &mut Conn, session: i64) -> Result<Vec<Order>, AppError> {
    let rows: Vec<OrderRow> = sqlx::query_as(
        "SELECT id, command_id, status, placed_at_ms, currency, subtotal_minor, discount_minor,
                shipping_minor, total_minor, shipping_name, card_last4, coupon_code, coupon_minor
         FROM orders WHERE session_id = $1 ORDER BY id DESC LIMIT $2",
    )
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
    let (
        id,
        command_id,
        status,
        placed_at_ms,
        currency,
        subtotal,
        discount,
        shipping,
        total,
        shipping_name,
        card_last4,
        coupon_code,
        coupon,
    ) = row;
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
        status: match status.as_str() {
            "paid" => OrderStatus::Paid,
            "failed" => OrderStatus::Failed,
            _ => OrderStatus::PaymentPending,
        },
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
    })
}
