//! Cart commands. Each is one [`Unit`] of work: an id already answered gets
//! the stored answer and writes nothing, so a retried command is applied
//! exactly once. An `AddToCart` also counts `add_to_cart` for missions, in the
//! same transaction. Also the cart's reads and the moves between the cart and
//! an order that checkout makes.

use lapak_protocol::{
    pricing, Activity, Cart, CartLine, Money, RejectCode, ServerMsg, MAX_LINE_QUANTITY,
};

use crate::answers::reject;
use crate::deals;
use crate::error::AppError;
use crate::pricing::LiveDeal;
use crate::show::{DealSpec, ShowFile};
use crate::stage::Stage;
use crate::unit::{Sync, Unit};

/// The session's cart, lines in the order first added, with what the session
/// holds of the show's `running` deals, read on `conn` (inside a transaction, if it is one).
pub async fn lines(
    conn: &mut crate::db::Conn,
    show: &str,
    session: i64,
    running: &[DealSpec],
) -> Result<Cart, AppError> {
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT product_id, variant_id, quantity, unit_price_minor, currency
         FROM cart_lines WHERE session_id = $1 ORDER BY id",
    )
    .bind(session)
    .fetch_all(&mut *conn)
    .await?;
    let lines = rows
        .into_iter()
        .map(
            |(product_id, variant_id, quantity, minor, currency)| CartLine {
                product_id,
                variant_id,
                quantity: u32::try_from(quantity).unwrap_or(0),
                unit_price: Money { minor, currency },
            },
        )
        .collect();
    let bought = deals::bought(conn, show, running, session).await?;
    Ok(Cart { lines, bought })
}

/// A cart command, as the socket routes it here.
pub struct Command<'a> {
    /// Command id.
    pub id: &'a str,
    /// The line's product.
    pub product_id: &'a str,
    /// The line's variant.
    pub variant_id: &'a str,
    /// What it does to the line.
    pub change: LineChange,
}

/// What a cart command does to its line.
#[derive(Clone, Copy, Debug)]
pub enum LineChange {
    /// `AddToCart`: adds this many.
    Add(u32),
    /// `SetQuantity`: sets the line to this many (0 removes it).
    Set(u32),
}

/// Runs cart command `cmd` of `session` (on `connection`) to its answer. A
/// line added during a flash deal is added at the deal price; the deal runs on
/// the shopper's picture clock (`behind_ms`, see `lapak_protocol::deal_clock_ms`).
pub async fn execute(
    state: &Stage,
    session: i64,
    connection: u64,
    behind_ms: u32,
    cmd: Command<'_>,
) -> Result<ServerMsg, AppError> {
    let Command {
        id,
        product_id,
        variant_id,
        change,
    } = cmd;
    let mut unit = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(unit) => unit,
        Err(answered) => return Ok(answered),
    };
    let current: Option<i64> = sqlx::query_scalar(
        "SELECT quantity FROM cart_lines WHERE session_id = $1 AND product_id = $2 AND variant_id = $3",
    )
    .bind(session)
    .bind(product_id)
    .bind(variant_id)
    .fetch_optional(&mut *unit.tx)
    .await?;
    let current = current.map_or(0, |q| u32::try_from(q).unwrap_or(0));
    let wanted = match change {
        LineChange::Add(quantity) => current.saturating_add(quantity),
        LineChange::Set(quantity) => quantity,
    };
    // The deals as this viewer's picture shows them (ClientMsg::Behind).
    let running = state.deals_seen(crate::clock::now_ms(), behind_ms);
    let line = Line {
        session,
        product_id,
        variant_id,
        change,
        wanted,
    };
    let price = match check(&mut unit.tx, &state.show, &line, &running).await? {
        Ok(price) => price,
        Err((code, message)) => return unit.finish(reject(id, code, message)).await,
    };
    if wanted == 0 {
        sqlx::query(
            "DELETE FROM cart_lines WHERE session_id = $1 AND product_id = $2 AND variant_id = $3",
        )
        .bind(session)
        .bind(product_id)
        .bind(variant_id)
        .execute(&mut *unit.tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO cart_lines (session_id, product_id, variant_id, quantity, unit_price_minor, currency)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (session_id, product_id, variant_id)
             DO UPDATE SET quantity = excluded.quantity, unit_price_minor = excluded.unit_price_minor",
        )
        .bind(session)
        .bind(product_id)
        .bind(variant_id)
        .bind(i64::from(wanted))
        .bind(price.minor)
        .bind(&price.currency)
        .execute(&mut *unit.tx)
        .await?;
    }
    let cart = lines(&mut unit.tx, &state.show.id, session, &running).await?;
    if let LineChange::Add(_) = change {
        unit.count(Activity::AddToCart, 1).await?;
    }
    let reply = ServerMsg::Ack {
        id: id.to_owned(),
        cart: Some(cart.clone()),
        order: None,
        wallet: None,
        chat: None,
    };
    let committed = unit.commit(reply).await?;
    if let LineChange::Add(units) = change {
        state.hub.added_to_cart(product_id, units);
    }
    // Under the writer lock, so the session's other tabs hear carts in commit order.
    let changed = ServerMsg::CartChanged { cart };
    state.sessions.send(session, connection, &changed);
    Ok(committed.reply)
}

/// Takes `quantity` ordered units of a variant out of the session's cart.
pub async fn take_ordered(
    conn: &mut crate::db::Conn,
    session: i64,
    product_id: &str,
    variant_id: &str,
    quantity: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM cart_lines WHERE session_id = $1 AND product_id = $2 AND variant_id = $3 AND quantity <= $4",
    )
    .bind(session)
    .bind(product_id)
    .bind(variant_id)
    .bind(quantity)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE cart_lines SET quantity = quantity - $4
         WHERE session_id = $1 AND product_id = $2 AND variant_id = $3 AND quantity > $4",
    )
    .bind(session)
    .bind(product_id)
    .bind(variant_id)
    .bind(quantity)
    .execute(conn)
    .await?;
    Ok(())
}

/// Puts `quantity` units back in the session's cart (an order that was not paid).
pub async fn put_back(
    conn: &mut crate::db::Conn,
    session: i64,
    product_id: &str,
    variant_id: &str,
    quantity: i64,
    unit_price: &Money,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO cart_lines (session_id, product_id, variant_id, quantity, unit_price_minor, currency)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (session_id, product_id, variant_id)
         DO UPDATE SET quantity = CASE WHEN cart_lines.quantity + excluded.quantity < $7
                                       THEN cart_lines.quantity + excluded.quantity ELSE $7 END",
    )
    .bind(session)
    .bind(product_id)
    .bind(variant_id)
    .bind(quantity)
    .bind(unit_price.minor)
    .bind(&unit_price.currency)
    .bind(i64::from(MAX_LINE_QUANTITY))
    .execute(conn)
    .await?;
    Ok(())
}

/// A requested change to one cart line.
struct Line<'a> {
    session: i64,
    product_id: &'a str,
    variant_id: &'a str,
    change: LineChange,
    wanted: u32,
}

/// Checks a change against the catalogue, the limits and the stock; the unit price when allowed.
async fn check(
    tx: &mut crate::db::Tx,
    show: &ShowFile,
    line: &Line<'_>,
    running: &[DealSpec],
) -> Result<Result<Money, (RejectCode, String)>, AppError> {
    let Line {
        session,
        product_id,
        variant_id,
        change,
        wanted,
    } = *line;
    let Some(product) = show.product(product_id) else {
        return Ok(Err((
            RejectCode::UnknownProduct,
            format!("no product {product_id} in this show"),
        )));
    };
    if !product.variants.iter().any(|v| v.id == variant_id) {
        return Ok(Err((
            RejectCode::UnknownVariant,
            format!("{product_id} has no variant {variant_id}"),
        )));
    }
    let limit = product.max_per_order.min(MAX_LINE_QUANTITY);
    if matches!(change, LineChange::Add(0)) || wanted > limit {
        return Ok(Err((
            RejectCode::QuantityLimit,
            format!("at most {limit} of {product_id} per order"),
        )));
    }
    let stock: i64 = sqlx::query_scalar(
        "SELECT quantity FROM stock WHERE show_id = $1 AND product_id = $2 AND variant_id = $3",
    )
    .bind(&show.id)
    .bind(product_id)
    .bind(variant_id)
    .fetch_optional(&mut **tx)
    .await?
    .unwrap_or(0);
    if i64::from(wanted) > stock {
        return Ok(Err((RejectCode::OutOfStock, format!("only {stock} left"))));
    }
    let deals = deals::live(tx, &show.id, running, session).await?;
    let offers: Vec<_> = deals.iter().map(LiveDeal::offer).collect();
    let unit = pricing::unit_price(product_id, product.price, &offers);
    Ok(Ok(show.money(unit)))
}
