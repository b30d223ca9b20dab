//! Quotes and checkout: from a cart to an order that is never lost, doubled or oversold.
//!
//! Placing an order is a two-phase command of the unit of work
//! ([`unit::pay`]): phase 1 re-prices the cart, checks it against what the
//! shopper was shown, takes the stock and writes the order as
//! `payment_pending`; the charge runs outside any lock; phase 2 settles the
//! order (`settle`). The checkout
//! command's id is unique per session in `orders`, so a retry finds the order
//! instead of placing another. Order transactions run with `synchronous = FULL`:
//! once acknowledged, an order is on disk even if the machine loses power.

pub mod after;
mod orders;
mod settle;

pub use orders::{
    amount_due, by_number, expired as expired_orders, id_of as order_id, number as order_number,
    paid_per_minute, paid_totals, pending as pending_orders, recent as recent_orders, sales,
};
pub use settle::{notify, settle};

use lapak_protocol::{
    Card, CardFields, CheckoutRequest, CouponProblem, PayMethod, Quote, RejectCode, ServerMsg,
};

use crate::answers::reject;
use crate::db::Conn;
use crate::details::{civil_month, invalid_details};
use crate::error::AppError;
use crate::payment::{Payments, Requested};
use crate::pending::Settlement;
use crate::pricing::{self, CartRow};
use crate::stage::Stage;
use crate::unit::{self, Payment, Reserved, Unit};
use crate::{answers, cart, coupons, deals};
use settle::announce;

/// A fresh quote for the session's cart at server time `now_ms`, its deals as
/// a picture `behind_ms` behind shows them, with the wallet's `coupon`
/// applied when it applies.
pub async fn quote(
    state: &Stage,
    session: i64,
    now_ms: i64,
    behind_ms: u32,
    coupon: Option<&str>,
) -> Result<Quote, AppError> {
    let mut conn = state.pool.acquire().await?;
    priced(&mut conn, state, session, now_ms, behind_ms, coupon).await
}

async fn priced(
    conn: &mut Conn,
    state: &Stage,
    session: i64,
    now_ms: i64,
    behind_ms: u32,
    coupon: Option<&str>,
) -> Result<Quote, AppError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT product_id, variant_id, quantity, unit_price_minor
         FROM cart_lines WHERE session_id = $1 ORDER BY id",
    )
    .bind(session)
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<CartRow> = rows
        .into_iter()
        .map(|(product_id, variant_id, quantity, added_price)| CartRow {
            product_id,
            variant_id,
            quantity: u32::try_from(quantity).unwrap_or(0),
            added_price,
        })
        .collect();
    let deals = deals::live(
        conn,
        &state.show.id,
        &state.deals_seen(now_ms, behind_ms),
        session,
    )
    .await?;
    let stock = crate::db::stock(conn, &state.show.id).await?;
    let units = |p: &str, v: &str| {
        stock
            .iter()
            .find(|(sp, sv, _)| sp == p && sv == v)
            .map_or(0, |s| s.2)
    };
    let mut quote = pricing::quote(&state.show, &rows, &deals, units);
    if let Some(code) = coupon {
        coupons::apply(conn, session, code, now_ms, &mut quote).await?;
    }
    Ok(quote)
}

/// Runs a checkout command to its answer: `Ack` with the order (paid, or
/// pending while the provider has not answered) or `Reject` with nothing kept.
pub async fn place(
    state: &Stage,
    session: i64,
    connection: u64,
    behind_ms: u32,
    id: &str,
    request: &CheckoutRequest,
) -> Result<ServerMsg, AppError> {
    let now_ms = crate::clock::now_ms();
    if let Some(refusal) = sold_out(state, session, id, request, now_ms, behind_ms).await? {
        return Ok(refusal);
    }
    let checkout = Checkout { request, behind_ms };
    unit::pay(state, session, connection, id, &checkout).await
}

/// A checkout, paid in the unit of work's two phases: phase 1 re-prices the
/// cart, checks it against what the shopper was shown, takes the stock, the
/// deal units and the coupon and writes the order `payment_pending`; phase 2
/// is [`settle`].
struct Checkout<'a> {
    request: &'a CheckoutRequest,
    /// How far the shopper's picture runs behind: its deals' clock.
    behind_ms: u32,
}

impl Payment for Checkout<'_> {
    /// A retried checkout whose order exists gets the order as it stands.
    async fn found(&self, unit: &mut Unit<'_>) -> Result<Option<ServerMsg>, AppError> {
        let (state, session) = (unit.state, unit.session);
        let Some(order_id) = orders::placed_by(&mut unit.tx, session, unit.id).await? else {
            return Ok(None);
        };
        let order = orders::load(&mut unit.tx, order_id).await?;
        let deals = state.running_deals();
        let cart = cart::lines(&mut unit.tx, &state.show.id, session, &deals).await?;
        Ok(Some(ServerMsg::Ack {
            id: unit.id.to_owned(),
            cart: Some(cart),
            order: Some(Box::new(order)),
            wallet: None,
            chat: None,
        }))
    }

    async fn reserve(&self, unit: &mut Unit<'_>) -> Result<Reserved, AppError> {
        // The time once it is this checkout's turn, not on arrival: a deal
        // that ended while the checkout waited prices it no longer.
        let now_ms = crate::clock::now_ms();
        let (state, session, id) = (unit.state, unit.session, unit.id);
        let at = (now_ms, self.behind_ms);
        let reserved = reserve(state, session, id, &mut unit.tx, self.request, at).await?;
        // The coupon is used now: every tab's wallet shows it.
        unit.changes.wallet |=
            matches!(reserved, Reserved::Charge(_)) && self.request.coupon.is_some();
        Ok(reserved)
    }

    async fn reserved(
        &self,
        state: &Stage,
        session: i64,
        connection: u64,
        order_id: i64,
    ) -> Result<(), AppError> {
        let mut conn = state.pool.acquire().await?;
        announce(state, &settle::items(&mut conn, order_id).await?).await?;
        // The cart moved into the order: the session's other tabs hear it.
        let cart = cart::lines(&mut conn, &state.show.id, session, &state.running_deals()).await?;
        state
            .sessions
            .send(session, connection, &ServerMsg::CartChanged { cart });
        Ok(())
    }

    fn key(order_id: i64) -> String {
        orders::number(order_id)
    }

    /// The test provider's card is charged at once; cash on delivery
    /// collects nothing now; every other method (QRIS, e-wallets, virtual
    /// accounts, Stripe's card fields) is asked for as a payment the shopper
    /// completes elsewhere before the request window ends.
    async fn collect(&self, payments: &Payments, order_id: i64) -> Settlement {
        let (key, request) = (orders::number(order_id), self.request);
        let method = &request.method;
        if *method == PayMethod::CashOnDelivery {
            return Settlement::OnDelivery;
        }
        if takes_card_here(payments, method) {
            return Settlement::Charged(payments.charge(&key, &request.total, &request.card).await);
        }
        let Some(provider) = payments.taking(method) else {
            let reason = "no provider takes this method".into();
            return Settlement::Requested(Requested::Refused { reason });
        };
        let expires_at_ms = crate::clock::now_ms().saturating_add(payments.window_ms());
        let (total, buyer) = (&request.total, &request.contact);
        let requested = payments
            .request(provider, &key, total, method, buyer, expires_at_ms)
            .await;
        Settlement::Requested(requested)
    }

    async fn settle(
        state: &Stage,
        order_id: i64,
        settlement: Settlement,
        reply_to: Option<(&str, u64)>,
    ) -> Result<ServerMsg, AppError> {
        settle(state, order_id, settlement, reply_to).await
    }
}

/// The refusal of a new checkout that counts on more of a deal's units than
/// are left (or on a deal that has ended), read without waiting for the show's
/// turn: once a big deal sells out, the many buyers still checking out at its
/// price are answered at once, not one at a time. Units come back only when a
/// payment fails, so this is what the turn would answer a moment later. `None`
/// for anything else, and for a checkout answered before (its order, its
/// stored answer), which the turn answers as it did.
async fn sold_out(
    state: &Stage,
    session: i64,
    id: &str,
    request: &CheckoutRequest,
    now_ms: i64,
    behind_ms: u32,
) -> Result<Option<ServerMsg>, AppError> {
    let counted: Vec<_> = request.lines.iter().filter(|l| l.deal_units > 0).collect();
    let (year, month) = civil_month(now_ms);
    if counted.is_empty() || invalid_details(id, &request.problems(year, month)).is_some() {
        return Ok(None);
    }
    let running = state.deals_seen(now_ms, behind_ms);
    let mut conn = state.pool.acquire().await?;
    let mut short = None;
    for line in counted {
        let left = match running.iter().find(|d| d.product_id == line.product_id) {
            Some(deal) => {
                let sold = deals::sold(&mut conn, &state.show.id, &deal.id).await?;
                deal.quantity.saturating_sub(sold)
            }
            None => 0,
        };
        if left < line.deal_units {
            short = Some(&line.product_id);
            break;
        }
    }
    let Some(product) = short else {
        return Ok(None);
    };
    let placed = orders::placed_by(&mut conn, session, id).await?;
    if placed.is_some() || answers::stored(&mut conn, session, id).await?.is_some() {
        return Ok(None);
    }
    let message = format!("the deal on {product} has no units left");
    Ok(Some(reject(id, RejectCode::PriceChanged, message)))
}

/// Phase 1 of a checkout on `tx`: the order's id, written `payment_pending`,
/// or the refusal.
async fn reserve(
    state: &Stage,
    session: i64,
    id: &str,
    tx: &mut crate::db::Tx,
    request: &CheckoutRequest,
    (now_ms, behind_ms): (i64, u32),
) -> Result<Reserved, AppError> {
    let (year, month) = civil_month(now_ms);
    if let Some(refusal) = invalid_details(id, &request.problems(year, month)) {
        return Ok(Reserved::Answer(Box::new(refusal)));
    }
    if let Some((code, message)) = unpayable(&state.payments, request) {
        return Ok(refuse(id, code, message));
    }

    let coupon = request.coupon.as_deref();
    let quote = priced(tx, state, session, now_ms, behind_ms, coupon).await?;
    if let Some((code, message)) = mismatch(&quote, request) {
        return Ok(refuse(id, code, message));
    }
    let totals = quote
        .totals(&request.shipping)
        .expect("mismatch() checked the shipping option");

    for line in &quote.lines {
        let taken = sqlx::query(
            "UPDATE stock SET quantity = quantity - $1
             WHERE show_id = $2 AND product_id = $3 AND variant_id = $4 AND quantity >= $5",
        )
        .bind(i64::from(line.quantity))
        .bind(&state.show.id)
        .bind(&line.product_id)
        .bind(&line.variant_id)
        .bind(i64::from(line.quantity))
        .execute(&mut **tx)
        .await?;
        if taken.rows_affected() != 1 {
            // Rolled back with the transaction: no stock taken, no order.
            return Ok(refuse(
                id,
                RejectCode::OutOfStock,
                "sold out meanwhile".into(),
            ));
        }
    }
    let running = state.deals_seen(now_ms, behind_ms);
    for line in quote.lines.iter().filter(|l| l.deal_units > 0) {
        let spec = running
            .iter()
            .find(|d| Some(&d.id) == line.deal_id.as_ref());
        let taken = match spec {
            Some(spec) => deals::take(tx, &state.show.id, spec, line.deal_units).await?,
            None => false,
        };
        if !taken {
            // Rolled back with the transaction: nothing taken, no order.
            let message = format!("the deal on {} sold out meanwhile", line.product_id);
            return Ok(refuse(id, RejectCode::PriceChanged, message));
        }
    }
    let shipping_name = quote
        .shipping
        .iter()
        .find(|o| o.id == request.shipping)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let coupon_minor = totals.coupon.as_ref().map_or(0, |c| c.minor);
    let (charging_by, charging_until_ms) = state.payments.charging(now_ms);
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (session_id, command_id, show_id, status, placed_at_ms, currency,
                             subtotal_minor, discount_minor, shipping_minor, total_minor,
                             shipping_name, card_last4, coupon_code, coupon_minor,
                             charging_by, charging_until_ms, method, provider)
         VALUES ($1, $2, $3, 'payment_pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                 $16, $17)
         RETURNING id",
    )
    .bind(session)
    .bind(id)
    .bind(&state.show.id)
    .bind(now_ms)
    .bind(&quote.currency)
    .bind(totals.subtotal.minor)
    // The stored discount is the deals' and the coupon's together (see the migration).
    .bind(totals.discount.minor + coupon_minor)
    .bind(totals.shipping.minor)
    .bind(totals.total.minor)
    .bind(shipping_name)
    .bind(request.card.last4())
    .bind(coupon)
    .bind(coupon_minor)
    .bind(charging_by)
    .bind(charging_until_ms)
    .bind(serde_json::to_string(&request.method)?)
    .bind(state.payments.taking(&request.method).map(|p| p.name()))
    .fetch_one(&mut **tx)
    .await?;
    if let Some(code) = coupon {
        if !coupons::take(tx, session, code, order_id, now_ms).await? {
            // Rolled back with the transaction: no order, no stock taken.
            let message = format!("coupon {code} was used meanwhile");
            return Ok(refuse(id, RejectCode::CouponUsed, message));
        }
    }
    for line in &quote.lines {
        insert_line(tx, state, order_id, line).await?;
        // The cart moves into the order: no second checkout can buy it while this one is paid for.
        let quantity = i64::from(line.quantity);
        cart::take_ordered(tx, session, &line.product_id, &line.variant_id, quantity).await?;
    }
    Ok(Reserved::Charge(order_id))
}

async fn insert_line(
    tx: &mut crate::db::Tx,
    state: &Stage,
    order_id: i64,
    line: &lapak_protocol::QuoteLine,
) -> Result<(), AppError> {
    let product = state.show.product(&line.product_id);
    let name = product.map(|p| p.name.clone()).unwrap_or_default();
    let variant = product.and_then(|p| p.variants.iter().find(|v| v.id == line.variant_id));
    let label = variant.map(|v| v.label.clone()).unwrap_or_default();
    // The receipt keeps the shopper's language too, as the names were when ordered.
    let json = |t: Option<&lapak_protocol::Translations>| {
        serde_json::to_string(&t.cloned().unwrap_or_default()).unwrap_or_else(|_| "{}".into())
    };
    let (names, labels) = (
        json(product.map(|p| &p.names)),
        json(variant.map(|v| &v.labels)),
    );
    // A line split by a deal's limit is two order lines: the deal units at the
    // deal price (counted against the deal), the rest at the regular price.
    let parts = [
        (line.deal_units, &line.unit_price, line.deal_id.as_ref()),
        (line.quantity - line.deal_units, &line.regular_price, None),
    ];
    for (quantity, price, deal_id) in parts.into_iter().filter(|(q, _, _)| *q > 0) {
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, variant_id, name, variant_label,
                                      quantity, unit_price_minor, deal_id, names, labels)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(order_id)
        .bind(&line.product_id)
        .bind(&line.variant_id)
        .bind(&name)
        .bind(&label)
        .bind(i64::from(quantity))
        .bind(price.minor)
        .bind(deal_id)
        .bind(&names)
        .bind(&labels)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Why the request is not what the server would charge now, if it is not.
fn mismatch(quote: &Quote, request: &CheckoutRequest) -> Option<(RejectCode, String)> {
    if quote.lines.is_empty() {
        return Some((RejectCode::EmptyCart, "the cart is empty".into()));
    }
    if let (Some(code), Some(problem)) = (&request.coupon, quote.coupon_problem) {
        let why = match problem {
            CouponProblem::Unknown => "is not in the wallet".to_owned(),
            CouponProblem::Used => "was used by an order already".to_owned(),
            CouponProblem::Expired => "has expired".to_owned(),
            CouponProblem::MinSpend { min_spend } => {
                format!("needs a spend of {min_spend} after deals")
            }
            CouponProblem::AllClaimed => "has no claims left".to_owned(),
        };
        return Some((problem.into(), format!("coupon {code} {why}")));
    }
    let same_lines = quote.lines.len() == request.lines.len()
        && quote.lines.iter().zip(&request.lines).all(|(q, r)| {
            (&q.product_id, &q.variant_id, q.quantity) == (&r.product_id, &r.variant_id, r.quantity)
        });
    if !same_lines {
        return Some((
            RejectCode::CartChanged,
            "the lines are not this session's cart".into(),
        ));
    }
    if let Some((q, _)) = quote
        .lines
        .iter()
        .zip(&request.lines)
        .find(|(q, r)| (&q.unit_price, q.deal_units) != (&r.unit_price, r.deal_units))
    {
        let message = format!("{} costs {} now", q.product_id, q.unit_price.minor);
        return Some((RejectCode::PriceChanged, message));
    }
    let Some(totals) = quote.totals(&request.shipping) else {
        return Some((
            RejectCode::UnknownShipping,
            format!("no shipping option {}", request.shipping),
        ));
    };
    if totals.total != request.total {
        let message = format!("the total is {} now", totals.total.minor);
        return Some((RejectCode::PriceChanged, message));
    }
    if let Some(short) = quote.lines.iter().find(|l| !l.buyable()) {
        let message = format!("only {} of {} left", short.available, short.product_id);
        return Some((RejectCode::OutOfStock, message));
    }
    None
}

/// Whether a card for `method` is typed into Lapak's own (demo) fields and
/// charged at once: the test provider's. Stripe's card is typed into Stripe's fields.
fn takes_card_here(payments: &Payments, method: &PayMethod) -> bool {
    *method == PayMethod::Card && payments.offered().cards == Some(CardFields::Test)
}

/// Why the request cannot be paid as it asks, if it cannot: a method the
/// show does not offer (cash on delivery over its limit), a test card
/// missing, or a card number sent where the provider's own fields take it.
fn unpayable(payments: &Payments, request: &CheckoutRequest) -> Option<(RejectCode, String)> {
    let method = &request.method;
    if !payments.offered().offers(method, &request.total) {
        let message = format!("{method:?} is not offered for this order");
        return Some((RejectCode::PaymentUnavailable, message));
    }
    let card_sent = request.card != Card::default();
    if takes_card_here(payments, method) && !card_sent {
        return Some((RejectCode::InvalidDetails, "the card is missing".into()));
    }
    if !takes_card_here(payments, method) && card_sent {
        // why: a card number is only ever typed into the provider's own
        // fields; one sent here is refused, and never stored or logged.
        let message = "card details are taken by the payment provider's own fields only";
        return Some((RejectCode::BadRequest, message.into()));
    }
    None
}

fn refuse(id: &str, code: RejectCode, message: String) -> Reserved {
    Reserved::Answer(Box::new(reject(id, code, message)))
}
