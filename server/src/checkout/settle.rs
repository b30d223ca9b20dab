//! Settling an order once the payment's fate is known (phase 2 of a checkout,
//! [`crate::unit::Payment::settle`]): paid; waiting for the shopper to pay
//! elsewhere (QRIS, an e-wallet, a virtual account, Stripe's fields); to be
//! paid on delivery; declined (the order and its stock hold are undone as if
//! never written); or failed or expired later (its stock goes back). The
//! order moves by a conditional update ([`Settling::once_from`]), so it is
//! settled exactly once whoever gets there first: the checkout itself, the
//! sweeper after a timeout, a crash or an expiry, or a provider's callback
//! (recorded by event id in the same transaction, so a duplicate changes nothing).
//! An order settled as paid counts `buy` for missions in the same transaction.

use lapak_protocol::{Activity, Money, Order, PayAction, RejectCode, ServerMsg};

use super::orders;
use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
use crate::payment::{Charge, Lookup, Outcome, Requested};
use crate::pending::Settlement;
use crate::progress::{self, Changes};
use crate::stage::Stage;
use crate::unit::{Settled, Settling};
use crate::{answers, cart, deals};

/// An order line as settling needs it: product, variant, units, deal, unit price.
type Item = (String, String, i64, Option<String>, i64);

/// What a settlement does to an order, from where it stands.
enum Move {
    /// The money arrived: `paid`, with the provider's reference.
    Paid(String),
    /// The provider waits for the shopper: `awaiting_payment`.
    Waits {
        reference: String,
        action: PayAction,
        expires_at_ms: i64,
    },
    /// Cash on delivery: confirmed, `pay_on_delivery`.
    OnDelivery,
    /// Refused at once (a declined card, a refused request): the order is
    /// undone as if never written, and its items go back to the cart.
    Gone(String),
    /// Failed or expired later: `to`, and its items go back.
    Released(&'static str),
    /// A callback's amount or currency is not the order's: flagged for the
    /// brand, and not confirmed.
    Flag(String),
    /// Nothing is known yet, or nothing changes.
    Stays,
}

/// What `settlement` does to an order of `total` that stands at `status`.
fn decide(settlement: Settlement, status: &str, total: &Money) -> Move {
    let pending = status == "payment_pending";
    let waiting = pending || status == "awaiting_payment";
    match settlement {
        Settlement::Charged(Charge::Approved { reference })
        | Settlement::Looked(Lookup::Approved { reference })
            if waiting =>
        {
            Move::Paid(reference)
        }
        Settlement::Notified(Outcome::Paid { reference, amount }) if waiting => {
            if &amount == total {
                Move::Paid(reference)
            } else {
                Move::Flag(format!(
                    "the provider reported {} {} paid for an order of {} {}",
                    amount.minor, amount.currency, total.minor, total.currency
                ))
            }
        }
        Settlement::Requested(Requested::Waiting {
            reference,
            action,
            expires_at_ms,
        }) if pending => Move::Waits {
            reference,
            action,
            expires_at_ms,
        },
        Settlement::OnDelivery if pending => Move::OnDelivery,
        Settlement::Charged(Charge::Declined { reason }) if pending => {
            Move::Gone(format!("the card was declined ({reason})"))
        }
        Settlement::Requested(Requested::Refused { reason }) if pending => Move::Gone(format!(
            "the payment provider refused the payment ({reason})"
        )),
        Settlement::Looked(Lookup::NotCharged) | Settlement::Notified(Outcome::Failed { .. })
            if waiting =>
        {
            Move::Released(if pending { "failed" } else { "expired" })
        }
        _ => Move::Stays,
    }
}

/// Settles `order_id` by the provider's answer, callable on its own with the
/// order's id and that answer (the sweeper does; so does a provider's
/// asynchronous callback). `reply_to` is the checkout's command id and
/// connection when a connection waits for the answer. Returns that answer: `Ack` with the
/// order (paid, waiting for its payment, or still pending), or `Reject` for a
/// declined card or a refused request.
pub async fn settle(
    state: &Stage,
    order_id: i64,
    settlement: Settlement,
    reply_to: Option<(&str, u64)>,
) -> Result<ServerMsg, AppError> {
    settle_once(state, order_id, settlement, reply_to, None)
        .await
        .map(|(answer, _)| answer)
}

/// Settles `order_id` by a provider's verified callback event `event` of
/// `provider`: the event is recorded in the same transaction, so a duplicate
/// (sent twice, or to two servers at once) changes nothing. Whether this call
/// applied it (false for a duplicate).
pub async fn notify(
    state: &Stage,
    order_id: i64,
    provider: &str,
    event: &str,
    outcome: Outcome,
) -> Result<bool, AppError> {
    let settlement = Settlement::Notified(outcome);
    let (_, applied) =
        settle_once(state, order_id, settlement, None, Some((provider, event))).await?;
    Ok(applied)
}

async fn settle_once(
    state: &Stage,
    order_id: i64,
    settlement: Settlement,
    reply_to: Option<(&str, u64)>,
    event: Option<(&str, &str)>,
) -> Result<(ServerMsg, bool), AppError> {
    let mut settling = Settling::begin(state).await?;
    if let Some((provider, event)) = event {
        let recorded = sqlx::query(
            "INSERT INTO payment_events (provider, event_id, order_id, received_at_ms)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(provider)
        .bind(event)
        .bind(order_id)
        .bind(now_ms())
        .execute(&mut *settling.tx)
        .await?;
        if recorded.rows_affected() == 0 {
            drop(settling);
            let mut conn = state.pool.acquire().await?;
            let order = orders::load(&mut conn, order_id).await?;
            return Ok((acknowledged(order, None, None), false));
        }
    }
    let (session, status, total, currency): (i64, String, i64, String) = sqlx::query_as(
        "SELECT session_id, status, total_minor, currency FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut *settling.tx)
    .await?;
    let total = Money {
        minor: total,
        currency,
    };
    let items = items(&mut settling.tx, order_id).await?;
    let held_from: &'static str = if status == "awaiting_payment" {
        "awaiting_payment"
    } else {
        "payment_pending"
    };
    let (mut moved, mut paid, mut released, mut refusal) = (false, false, false, None);
    let mut gave_back = false;
    match decide(settlement, &status, &total) {
        Move::Paid(reference) => {
            let to = Settled::To("paid", Some(&reference));
            moved = settling
                .once_from("orders", order_id, held_from, to)
                .await?;
            paid = moved;
        }
        Move::Waits {
            reference,
            action,
            expires_at_ms,
        } => {
            let to = Settled::To("awaiting_payment", Some(&reference));
            moved = settling.once("orders", order_id, to).await?;
            if moved {
                sqlx::query("UPDATE orders SET action = $2, expires_at_ms = $3 WHERE id = $1")
                    .bind(order_id)
                    .bind(serde_json::to_string(&action)?)
                    .bind(expires_at_ms)
                    .execute(&mut *settling.tx)
                    .await?;
            }
        }
        Move::OnDelivery => {
            moved = settling
                .once("orders", order_id, Settled::To("pay_on_delivery", None))
                .await?;
            if moved {
                sqlx::query("UPDATE orders SET action = $2 WHERE id = $1")
                    .bind(order_id)
                    .bind(serde_json::to_string(&PayAction::OnDelivery)?)
                    .execute(&mut *settling.tx)
                    .await?;
            }
            // A confirmed order counts as bought, as a paid one does.
            paid = moved;
        }
        Move::Gone(why) => {
            // The coupon goes back first, so a deleted order leaves nothing pointing at it.
            gave_back = crate::coupons::give_back(&mut settling.tx, order_id).await?;
            moved = settling.once("orders", order_id, Settled::Gone).await?;
            if moved {
                release(&mut settling.tx, state, session, &items, true).await?;
                released = true;
            }
            if let Some((id, _)) = reply_to {
                let answer = ServerMsg::Reject {
                    id: id.to_owned(),
                    code: RejectCode::PaymentDeclined,
                    message: why,
                };
                // Same id, same answer: a retry does not charge the card again.
                answers::store(&mut settling.tx, session, id, &answer).await?;
                refusal = Some(answer);
            }
        }
        Move::Released(to) => {
            gave_back = crate::coupons::give_back(&mut settling.tx, order_id).await?;
            moved = settling
                .once_from("orders", order_id, held_from, Settled::To(to, None))
                .await?;
            if moved {
                release(&mut settling.tx, state, session, &items, true).await?;
                released = true;
            }
        }
        Move::Flag(why) => {
            tracing::warn!(order = %orders::number(order_id), %why, "payment flagged for the brand");
            sqlx::query("UPDATE orders SET flagged = $2 WHERE id = $1")
                .bind(order_id)
                .bind(&why)
                .execute(&mut *settling.tx)
                .await?;
        }
        Move::Stays => {}
    }
    let mut changes = if paid {
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
    let write = settling.commit().await?;
    if paid {
        state.paid.send_modify(|n| *n += 1);
    }
    if released {
        // Under the writer lock, so stock events leave in commit order.
        announce(state, &items).await?;
    }
    crate::unit::announce(state, session, changes).await?;
    drop(write);

    let mut conn = state.pool.acquire().await?;
    let cart = cart::lines(&mut conn, &state.show.id, session, &state.running_deals()).await?;
    if released {
        // The cart came back: every tab hears it, the paying one too.
        let changed = ServerMsg::CartChanged { cart: cart.clone() };
        state.sessions.send(session, 0, &changed);
    }
    if let Some(refusal) = refusal {
        return Ok((refusal, true));
    }
    let order = orders::load(&mut conn, order_id).await?;
    drop(conn);
    if moved {
        // The waiting connection gets the Ack; the session's other tabs (all of them, after a sweep or a callback) hear here.
        let from = reply_to.map_or(0, |(_, connection)| connection);
        let update = ServerMsg::OrderUpdated {
            order: Box::new(order.clone()),
        };
        state.sessions.send(session, from, &update);
    }
    Ok((
        acknowledged(order, reply_to.map(|(id, _)| id), Some(cart)),
        true,
    ))
}

/// The checkout's answer with `order` as it stands: to command `id`, or to
/// the command that placed it.
fn acknowledged(order: Order, id: Option<&str>, cart: Option<lapak_protocol::Cart>) -> ServerMsg {
    ServerMsg::Ack {
        id: id.map_or_else(|| order.command_id.clone(), str::to_owned),
        cart,
        order: Some(Box::new(order)),
        wallet: None,
        chat: None,
    }
}

/// Puts back what a released order held, in its transaction: the stock, the
/// deal's units and, when `to_cart`, the lines into the shopper's cart.
pub(super) async fn release(
    tx: &mut crate::db::Tx,
    state: &Stage,
    session: i64,
    items: &[Item],
    to_cart: bool,
) -> Result<(), AppError> {
    for (product, variant, quantity, deal, unit_price) in items {
        if let Some(deal) = deal {
            deals::give_back(tx, &state.show.id, deal, *quantity).await?;
        }
        sqlx::query(
            "UPDATE stock SET quantity = quantity + $1 WHERE show_id = $2 AND product_id = $3 AND variant_id = $4",
        )
        .bind(quantity)
        .bind(&state.show.id)
        .bind(product)
        .bind(variant)
        .execute(&mut **tx)
        .await?;
        if to_cart {
            let price = state.show.money(*unit_price);
            cart::put_back(tx, session, product, variant, *quantity, &price).await?;
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rupiah(minor: i64) -> Money {
        Money {
            minor,
            currency: "IDR".into(),
        }
    }

    fn paid(minor: i64) -> Settlement {
        Settlement::Notified(Outcome::Paid {
            reference: "ref".into(),
            amount: rupiah(minor),
        })
    }

    fn waiting() -> Settlement {
        Settlement::Requested(Requested::Waiting {
            reference: "req".into(),
            action: PayAction::Qr {
                qr_string: "qr".into(),
            },
            expires_at_ms: 1,
        })
    }

    fn failed() -> Settlement {
        Settlement::Notified(Outcome::Failed {
            reason: "expired".into(),
        })
    }

    /// Every answer meets the order wherever it stands: a callback before
    /// the provider's answer to the request (the widget has not returned),
    /// after it, twice, or out of order.
    #[test]
    fn each_answer_moves_an_order_only_from_where_it_can() {
        let total = rupiah(11_700_000);
        let moves = |settlement: fn() -> Settlement| {
            ["payment_pending", "awaiting_payment", "paid", "expired"].map(|status| {
                match decide(settlement(), status, &total) {
                    Move::Paid(_) => "paid",
                    Move::Waits { .. } => "waits",
                    Move::OnDelivery => "on_delivery",
                    Move::Gone(_) => "gone",
                    Move::Released(to) => to,
                    Move::Flag(_) => "flag",
                    Move::Stays => "stays",
                }
            })
        };
        // The callback can come before the request's answer: it pays the pending order.
        assert_eq!(
            moves(|| paid(11_700_000)),
            ["paid", "paid", "stays", "stays"]
        );
        // The request's answer after the callback finds it paid, and leaves it so.
        assert_eq!(moves(waiting), ["waits", "stays", "stays", "stays"]);
        // A failure after the payment (out of order) changes nothing.
        assert_eq!(moves(failed), ["failed", "expired", "stays", "stays"]);
        // Another amount is flagged wherever the order still waits, never paid.
        assert_eq!(moves(|| paid(1)), ["flag", "flag", "stays", "stays"]);
        assert_eq!(
            moves(|| Settlement::OnDelivery),
            ["on_delivery", "stays", "stays", "stays"]
        );
        let refused = || {
            Settlement::Requested(Requested::Refused {
                reason: "no".into(),
            })
        };
        assert_eq!(moves(refused), ["gone", "stays", "stays", "stays"]);
        let lost = || Settlement::Requested(Requested::Timeout);
        assert_eq!(moves(lost), ["stays", "stays", "stays", "stays"]);
    }
}
