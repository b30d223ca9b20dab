//! Settling a pending order once the payment's fate is known (phase 2 of a
//! checkout, [`crate::unit::Payment::settle`]): paid, declined (the order and
//! its stock hold are undone as if never written) or failed after a lookup.
//! The order moves out of `payment_pending` once ([`Settling::once`]), so it is
//! settled exactly once whoever gets there first: the checkout itself, the
//! sweeper after a timeout or a crash, or a provider's asynchronous callback.
//! An order settled as paid counts `buy` for missions in the same transaction.

use lapak_protocol::{Activity, RejectCode, ServerMsg};

use super::orders;
use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
use crate::payment::{Charge, Lookup};
use crate::pending::Settlement;
use crate::progress::{self, Changes};
use crate::stage::Stage;
use crate::unit::{Settled, Settling};
use crate::{answers, cart, deals};

/// An order line as settling needs it: product, variant, units, deal, unit price.
type Item = (String, String, i64, Option<String>, i64);

/// Settles `order_id` by the provider's answer, callable on its own with the
/// order's id and that answer (the sweeper does; so does a provider's
/// asynchronous callback). `reply_to` is the checkout's command id and
/// connection when a connection waits for the answer. Returns that answer: `Ack` with the
/// order (paid or still pending), or `Reject` for a declined card.
pub async fn settle(
    state: &Stage,
    order_id: i64,
    settlement: Settlement,
    reply_to: Option<(&str, u64)>,
) -> Result<ServerMsg, AppError> {
    let paid = matches!(
        settlement,
        Settlement::Charged(Charge::Approved { .. }) | Settlement::Looked(Lookup::Approved { .. })
    );
    let mut settling = Settling::begin(state).await?;
    let session: i64 = sqlx::query_scalar("SELECT session_id FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *settling.tx)
        .await?;
    let items = items(&mut settling.tx, order_id).await?;
    let mut gave_back = false;
    let moved = match &settlement {
        Settlement::Charged(Charge::Timeout) => false,
        Settlement::Charged(Charge::Approved { reference })
        | Settlement::Looked(Lookup::Approved { reference }) => {
            let to = Settled::To("paid", Some(reference));
            settling.once("orders", order_id, to).await?
        }
        Settlement::Charged(Charge::Declined { .. }) | Settlement::Looked(Lookup::NotCharged) => {
            // A declined card leaves no order behind; a charge found missing later leaves a failed one.
            let to = if matches!(settlement, Settlement::Charged(_)) {
                Settled::Gone
            } else {
                Settled::To("failed", None)
            };
            // The coupon goes back first, so a deleted order leaves nothing
            // pointing at it; only from a pending order, as the transition.
            gave_back = crate::coupons::give_back(&mut settling.tx, order_id).await?;
            let moved = settling.once("orders", order_id, to).await?;
            if moved {
                // The stock, the deal's units and the cart lines go back where they came from.
                for (product, variant, quantity, deal, unit_price) in &items {
                    if let Some(deal) = deal {
                        deals::give_back(&mut settling.tx, &state.show.id, deal, *quantity).await?;
                    }
                    sqlx::query(
                        "UPDATE stock SET quantity = quantity + $1 WHERE show_id = $2 AND product_id = $3 AND variant_id = $4",
                    )
                    .bind(quantity)
                    .bind(&state.show.id)
                    .bind(product)
                    .bind(variant)
                    .execute(&mut *settling.tx)
                    .await?;
                    let price = state.show.money(*unit_price);
                    cart::put_back(
                        &mut settling.tx,
                        session,
                        product,
                        variant,
                        *quantity,
                        &price,
                    )
                    .await?;
                }
            }
            moved
        }
    };
    let mut changes = if moved && paid {
        progress::count(
            &mut settling.tx,
            &state.show,
            session,
            Activity::Buy,
            1,
            now_ms(),
        )
        .await?
    } else {
        Changes::default()
    };
    changes.wallet |= gave_back;
    let refusal = match (&settlement, reply_to) {
        (Settlement::Charged(Charge::Declined { reason }), Some((id, _))) => {
            let refusal = ServerMsg::Reject {
                id: id.to_owned(),
                code: RejectCode::PaymentDeclined,
                message: format!("the card was declined ({reason})"),
            };
            // Same id, same answer: a retry does not charge the card again.
            answers::store(&mut settling.tx, session, id, &refusal).await?;
            Some(refusal)
        }
        _ => None,
    };
    let write = settling.commit().await?;
    if moved && paid {
        state.paid.send_modify(|n| *n += 1);
    }
    if moved && !paid {
        // Under the writer lock, so stock events leave in commit order.
        announce(state, &items).await?;
    }
    crate::unit::announce(state, session, changes).await?;
    drop(write);

    let mut conn = state.pool.acquire().await?;
    let cart = cart::lines(&mut conn, &state.show.id, session, &state.running_deals()).await?;
    if moved && !paid {
        // The cart came back: every tab hears it, the paying one too.
        let changed = ServerMsg::CartChanged { cart: cart.clone() };
        state.sessions.send(session, 0, &changed);
    }
    if let Some(refusal) = refusal {
        return Ok(refusal);
    }
    let order = orders::load(&mut conn, order_id).await?;
    drop(conn);
    if moved {
        // The waiting connection gets the Ack; the session's other tabs (all of them, after a sweep) hear here.
        let from = reply_to.map_or(0, |(_, connection)| connection);
        let update = ServerMsg::OrderUpdated {
            order: Box::new(order.clone()),
        };
        state.sessions.send(session, from, &update);
    }
    Ok(ServerMsg::Ack {
        id: reply_to.map_or_else(|| order.command_id.clone(), |(id, _)| id.to_owned()),
        cart: Some(cart),
        order: Some(Box::new(order)),
        wallet: None,
        chat: None,
    })
}

/// The order's lines.
pub async fn items(conn: &mut Conn, order_id: i64) -> Result<Vec<Item>, AppError> {
    Ok(sqlx::query_as(
        "SELECT product_id, variant_id, quantity, deal_id, unit_price_minor FROM order_lines WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

/// Tells everyone watching the stock and deal units these lines touch, as they now are.
pub async fn announce(state: &Stage, items: &[Item]) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    for (product, variant, _, deal, _) in items {
        let stock: i64 = sqlx::query_scalar(
            "SELECT quantity FROM stock WHERE show_id = $1 AND product_id = $2 AND variant_id = $3",
        )
        .bind(&state.show.id)
        .bind(product)
        .bind(variant)
        .fetch_one(&mut *conn)
        .await?;
        state
            .hub
            .stock_changed(product, variant, u32::try_from(stock).unwrap_or(0));
        if let Some(deal) = deal {
            let sold = deals::sold(&mut conn, &state.show.id, deal).await?;
            if let Some(quantity) = state.hub.deal_quantity(deal) {
                state.hub.deal_changed(deal, quantity.saturating_sub(sold));
            }
        }
    }
    Ok(())
}
