//! `TopUp`: a coin pack bought by card, exactly once per command id, a
//! two-phase command of the unit of work ([`unit::pay`]) like an order: the
//! top-up is first written as `payment_pending` (unique per session and
//! command id), then charged outside any lock under its own key
//! (`topup-<id>`), then settled once — by the command itself or, after a
//! timeout or a crash, by the sweeper. Its id answers `payment_pending` until
//! then; settling credits the coins, sets the row's status and replaces that
//! answer in one transaction, so a retry gets the outcome and is never charged
//! again — from the row itself once the stored answer is dropped. The
//! card goes to the provider only; the last four digits are kept.

use lapak_protocol::{Card, Money, RejectCode, ServerMsg};

use crate::answers;
use crate::answers::reject;
use crate::clock::now_ms;
use crate::db::Conn;
use crate::details::{civil_month, invalid_details};
use crate::error::AppError;
use crate::ledger::{self, Kind, Posting};
use crate::payment::{Charge, Lookup};
use crate::pending::{Mine, Settlement};
use crate::stage::Stage;
use crate::unit::{self, Payment, Reserved, Settled, Settling, Unit};

/// The payment's idempotency key, apart from every order number.
pub fn key(top_up_id: i64) -> String {
    format!("topup-{top_up_id}")
}

/// Top-ups whose payment has not been settled, by row id.
pub async fn pending(conn: &mut Conn, show: &str, mine: Mine) -> Result<Vec<i64>, AppError> {
    let pending = "SELECT top_ups.id FROM top_ups JOIN sessions ON sessions.id = top_ups.session_id
                   WHERE top_ups.status = 'payment_pending' AND sessions.show_id = $1
                   AND (top_ups.charging_by = $2 OR top_ups.charging_until_ms IS NULL
                        OR top_ups.charging_until_ms < $3
                        OR top_ups.charging_by IN
                           (SELECT instance FROM server_leases WHERE alive_until_ms < $3))";
    Ok(sqlx::query_scalar(pending)
        .bind(show)
        .bind(mine.instance)
        .bind(mine.others_until_ms)
        .fetch_all(conn)
        .await?)
}

/// A `TopUp` command, as the socket routes it here.
pub struct TopUp<'a> {
    /// Command id: the top-up's idempotency key.
    pub id: &'a str,
    /// The pack.
    pub pack_id: &'a str,
    /// The price the shopper was shown.
    pub price: &'a Money,
    /// How to pay.
    pub card: &'a Card,
}

/// Runs a `TopUp` of session `session` (on `connection`) to its answer.
pub async fn top_up(
    state: &Stage,
    session: i64,
    connection: u64,
    cmd: TopUp<'_>,
) -> Result<ServerMsg, AppError> {
    unit::pay(state, session, connection, cmd.id, &cmd).await
}

/// A top-up, paid in the unit of work's two phases: phase 1 writes it
/// `payment_pending` with that as its id's answer; phase 2 is [`settle`].
impl Payment for TopUp<'_> {
    /// Nothing before the stored answer: a top-up's id answers from phase 1
    /// on; its row answers only once that answer is dropped (in `reserve`).
    async fn found(&self, _unit: &mut Unit<'_>) -> Result<Option<ServerMsg>, AppError> {
        Ok(None)
    }

    async fn reserve(&self, unit: &mut Unit<'_>) -> Result<Reserved, AppError> {
        let TopUp {
            id,
            pack_id,
            price,
            card,
        } = *self;
        let (state, session, tx) = (unit.state, unit.session, &mut unit.tx);
        // Once the stored answer is dropped, its own row answers: pending, paid or refused.
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM top_ups WHERE session_id = $1 AND command_id = $2")
                .bind(session)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(top_up_id) = existing {
            return Ok(Reserved::Answer(Box::new(answer(tx, top_up_id).await?)));
        }
        let Some(pack) = state.show.pack(pack_id) else {
            let message = format!("no coin pack {pack_id}");
            return Ok(Reserved::Answer(Box::new(reject(
                id,
                RejectCode::UnknownPack,
                message,
            ))));
        };
        let cost = state.show.money(pack.price);
        if *price != cost {
            let message = format!("{pack_id} costs {} {} now", cost.minor, cost.currency);
            return Ok(Reserved::Answer(Box::new(reject(
                id,
                RejectCode::PriceChanged,
                message,
            ))));
        }
        let now = now_ms();
        let (year, month) = civil_month(now);
        if let Some(refusal) = invalid_details(id, &card.problems(year, month)) {
            return Ok(Reserved::Answer(Box::new(refusal)));
        }
        let (charging_by, charging_until_ms) = state.payments.charging(now);
        let top_up_id = sqlx::query_scalar(
            "INSERT INTO top_ups (session_id, command_id, pack_id, coins, price_minor, currency,
                                  status, created_at_ms, card_last4, charging_by, charging_until_ms)
             VALUES ($1, $2, $3, $4, $5, $6, 'payment_pending', $7, $8, $9, $10) RETURNING id",
        )
        .bind(session)
        .bind(id)
        .bind(pack_id)
        .bind(i64::from(pack.coins))
        .bind(cost.minor)
        .bind(&cost.currency)
        .bind(now)
        .bind(card.last4())
        .bind(charging_by)
        .bind(charging_until_ms)
        .fetch_one(&mut **tx)
        .await?;
        // Until it is settled, the id answers `payment_pending`, to a retry and to any other command.
        answers::store(tx, session, id, &still_pending(id)).await?;
        Ok(Reserved::Charge(top_up_id))
    }

    async fn reserved(&self, _: &Stage, _: i64, _: u64, _: i64) -> Result<(), AppError> {
        Ok(())
    }

    fn key(top_up_id: i64) -> String {
        key(top_up_id)
    }

    async fn collect(&self, payments: &crate::payment::Payments, row: i64) -> Settlement {
        Settlement::Charged(
            payments
                .charge(&Self::key(row), self.price, self.card)
                .await,
        )
    }

    async fn settle(
        state: &Stage,
        top_up_id: i64,
        settlement: Settlement,
        reply_to: Option<(&str, u64)>,
    ) -> Result<ServerMsg, AppError> {
        settle(state, top_up_id, settlement, reply_to).await
    }
}

/// The answer to the command of top-up `top_up_id` as it stands: the wallet
/// once paid, `payment_pending` until settled, a refusal when not charged.
async fn answer(conn: &mut Conn, top_up_id: i64) -> Result<ServerMsg, AppError> {
    let (session, id, status): (i64, String, String) =
        sqlx::query_as("SELECT session_id, command_id, status FROM top_ups WHERE id = $1")
            .bind(top_up_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(match status.as_str() {
        "paid" => ServerMsg::Ack {
            cart: None,
            order: None,
            wallet: Some(ledger::wallet(conn, session).await?),
            chat: None,
            id,
        },
        "declined" => reject(
            &id,
            RejectCode::PaymentDeclined,
            "the card was declined".into(),
        ),
        "failed" => {
            let message = "the payment did not go through; nothing was charged";
            reject(&id, RejectCode::PaymentDeclined, message.into())
        }
        _ => still_pending(&id),
    })
}

fn still_pending(id: &str) -> ServerMsg {
    let message = "the payment provider has not answered yet; the coins follow as WalletChanged";
    reject(id, RejectCode::PaymentPending, message.into())
}

/// Settles top-up `top_up_id` if the provider's answer is final and nobody has
/// yet: phase 2 of a top-up ([`Payment::settle`]), callable on its own with
/// the top-up's id and the provider's answer (the sweeper does; so does a
/// provider's asynchronous callback). `reply_to` is the command id and
/// connection waiting for the answer, if one is. Returns
/// the answer to the top-up's command: `Ack` with the wallet once paid, `Reject`
/// when declined or failed, `payment_pending` while the answer is not known.
pub async fn settle(
    state: &Stage,
    top_up_id: i64,
    settlement: Settlement,
    reply_to: Option<(&str, u64)>,
) -> Result<ServerMsg, AppError> {
    // The final status, the provider's reference and why it was refused; `None` while unknown.
    let outcome = match &settlement {
        Settlement::Charged(Charge::Timeout) => None,
        Settlement::Charged(Charge::Approved { reference })
        | Settlement::Looked(Lookup::Approved { reference }) => {
            Some(("paid", Some(reference), None))
        }
        Settlement::Charged(Charge::Declined { reason }) => Some((
            "declined",
            None,
            Some(format!("the card was declined ({reason})")),
        )),
        Settlement::Looked(Lookup::NotCharged) => Some((
            "failed",
            None,
            Some("the payment did not go through".to_owned()),
        )),
        // Coins are bought by a card charged at once: nothing else settles a top-up.
        Settlement::Requested(_) | Settlement::OnDelivery | Settlement::Notified(_) => None,
    };
    let mut settling = Settling::begin(state).await?;
    let (session, id, coins): (i64, String, i64) =
        sqlx::query_as("SELECT session_id, command_id, coins FROM top_ups WHERE id = $1")
            .bind(top_up_id)
            .fetch_one(&mut *settling.tx)
            .await?;
    // Whether this call settled it, with the reason when refused.
    let settled = match outcome {
        Some((status, reference, refusal)) => {
            let to = Settled::To(status, reference.map(String::as_str));
            let moved = settling.once("top_ups", top_up_id, to).await?;
            moved.then_some(refusal)
        }
        None => None,
    };
    let Some(refusal) = settled else {
        // Not final yet (`payment_pending`), or settled already (the sweeper and the command raced).
        return match answers::stored(&mut settling.tx, session, &id).await? {
            Some(stored) => Ok(stored),
            None => answer(&mut settling.tx, top_up_id).await,
        };
    };
    let reply = match refusal {
        Some(message) => reject(&id, RejectCode::PaymentDeclined, message),
        None => {
            let posting = Posting {
                kind: Kind::TopUp,
                cause: Some((session, &id)),
                gift: None,
                completion: None,
                entries: vec![
                    (ledger::ISSUED.to_owned(), -coins),
                    (ledger::wallet_account(session), coins),
                ],
            };
            ledger::post(&mut settling.tx, &posting)
                .await?
                .ok_or_else(|| AppError::Ledger("a top-up credit was refused".into()))?;
            ServerMsg::Ack {
                id: id.clone(),
                cart: None,
                order: None,
                wallet: Some(ledger::wallet(&mut settling.tx, session).await?),
                chat: None,
            }
        }
    };
    answers::replace(&mut settling.tx, session, &id, &reply).await?;
    let _write = settling.commit().await?;
    if let ServerMsg::Ack {
        wallet: Some(wallet),
        ..
    } = &reply
    {
        // The paying connection has the Ack; the others (all of them, after a sweep) hear here.
        let changed = ServerMsg::WalletChanged {
            wallet: wallet.clone(),
        };
        state.sessions.send(
            session,
            reply_to.map_or(0, |(_, connection)| connection),
            &changed,
        );
    }
    Ok(reply)
}
