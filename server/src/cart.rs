//! Cart commands. Each runs in one SQLite transaction that first looks up the
//! command id: an id already answered gets the stored answer and writes
//! nothing, so a retried command is applied exactly once. An `AddToCart` also
//! counts `add_to_cart` for missions, in the same transaction.

use lapak_protocol::{
    pricing, Activity, Cart, CartLine, ClientMsg, Money, RejectCode, ServerMsg, MAX_LINE_QUANTITY,
};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::community::{self, Changes};
use crate::error::AppError;
use crate::pricing::LiveDeal;
use crate::show::{DealSpec, ShowFile};
use crate::{deals, now_ms, reject};

/// The answer to a command, and whether the cart changed.
pub struct Outcome {
    /// `Ack` or `Reject`.
    pub reply: ServerMsg,
    /// Whether other connections of the session must hear of a new cart.
    pub changed: bool,
    /// What the command changed in the viewer's progress, to announce.
    pub changes: Changes,
}

/// The session's cart, lines in the order first added, with what the session
/// holds of the `running` deals, read on `conn` (inside a transaction, if it is one).
pub async fn lines(
    conn: &mut sqlx::SqliteConnection,
    session: i64,
    running: &[DealSpec],
) -> Result<Cart, AppError> {
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT product_id, variant_id, quantity, unit_price_minor, currency
         FROM cart_lines WHERE session_id = ? ORDER BY id",
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
    let bought = deals::bought(conn, running, session).await?;
    Ok(Cart { lines, bought })
}

/// Runs one cart command for `session` at stream time `stream_ms` (a line
/// added during a flash deal is added at the deal price).
pub async fn execute(
    pool: &SqlitePool,
    show: &ShowFile,
    session: i64,
    cmd: &ClientMsg,
    stream_ms: u64,
) -> Result<Outcome, AppError> {
    let (id, product_id, variant_id, add, quantity) = match cmd {
        ClientMsg::AddToCart {
            id,
            product_id,
            variant_id,
            quantity,
        } => (id, product_id, variant_id, true, *quantity),
        ClientMsg::SetQuantity {
            id,
            product_id,
            variant_id,
            quantity,
        } => (id, product_id, variant_id, false, *quantity),
        ClientMsg::Hello { .. }
        | ClientMsg::Ping
        | ClientMsg::Quote { .. }
        | ClientMsg::Checkout { .. }
        | ClientMsg::TopUp { .. }
        | ClientMsg::SendGift { .. }
        | ClientMsg::Chat { .. }
        | ClientMsg::Like { .. }
        | ClientMsg::Heartbeat { .. }
        | ClientMsg::Share { .. }
        | ClientMsg::JoinClub { .. }
        | ClientMsg::SetName { .. } => {
            unreachable!("only cart commands come here")
        }
    };

    let mut tx = pool.begin_with(crate::db::BEGIN_WRITE).await?;
    if let Some(reply) = stored_answer(&mut tx, session, id).await? {
        return Ok(Outcome {
            reply,
            changed: false,
            changes: Changes::default(),
        });
    }

    let current: Option<i64> = sqlx::query_scalar(
        "SELECT quantity FROM cart_lines WHERE session_id = ? AND product_id = ? AND variant_id = ?",
    )
    .bind(session)
    .bind(product_id)
    .bind(variant_id)
    .fetch_optional(&mut *tx)
    .await?;
    let current = current.map_or(0, |q| u32::try_from(q).unwrap_or(0));
    let wanted = if add {
        current.saturating_add(quantity)
    } else {
        quantity
    };

    let change = Change {
        product_id,
        variant_id,
        add,
        quantity,
        wanted,
    };
    let outcome = match check(&mut tx, show, session, &change, stream_ms).await? {
        Err((code, message)) => Outcome {
            reply: reject(id, code, message),
            changed: false,
            changes: Changes::default(),
        },
        Ok(price) => {
            if wanted == 0 {
                sqlx::query("DELETE FROM cart_lines WHERE session_id = ? AND product_id = ? AND variant_id = ?")
                    .bind(session)
                    .bind(product_id)
                    .bind(variant_id)
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query(
                    "INSERT INTO cart_lines (session_id, product_id, variant_id, quantity, unit_price_minor, currency)
                     VALUES (?, ?, ?, ?, ?, ?)
                     ON CONFLICT (session_id, product_id, variant_id)
                     DO UPDATE SET quantity = excluded.quantity, unit_price_minor = excluded.unit_price_minor",
                )
                .bind(session)
                .bind(product_id)
                .bind(variant_id)
                .bind(i64::from(wanted))
                .bind(price.minor)
                .bind(&price.currency)
                .execute(&mut *tx)
                .await?;
            }
            let cart = lines(&mut tx, session, &show.deals_at(stream_ms)).await?;
            let changes = if add {
                community::count(&mut tx, show, session, Activity::AddToCart, 1, now_ms()).await?
            } else {
                Changes::default()
            };
            Outcome {
                reply: ServerMsg::Ack {
                    id: id.clone(),
                    cart: Some(cart),
                    order: None,
                    wallet: None,
                    chat: None,
                },
                changed: true,
                changes,
            }
        }
    };

    store_answer(&mut tx, session, id, &outcome.reply).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The answer already given to command `id`, if any.
pub async fn stored_answer(
    conn: &mut sqlx::SqliteConnection,
    session: i64,
    id: &str,
) -> Result<Option<ServerMsg>, AppError> {
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT response FROM processed_commands WHERE session_id = ? AND command_id = ?",
    )
    .bind(session)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(stored.map(|s| serde_json::from_str(&s)).transpose()?)
}

/// Records the answer to command `id`, so a retry gets it again and changes nothing.
pub async fn store_answer(
    conn: &mut sqlx::SqliteConnection,
    session: i64,
    id: &str,
    reply: &ServerMsg,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO processed_commands (session_id, command_id, response) VALUES (?, ?, ?)",
    )
    .bind(session)
    .bind(id)
    .bind(serde_json::to_string(reply)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the answer to command `id`: a payment's `payment_pending`, once it is settled.
pub async fn replace_answer(
    conn: &mut sqlx::SqliteConnection,
    session: i64,
    id: &str,
    reply: &ServerMsg,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE processed_commands SET response = ? WHERE session_id = ? AND command_id = ?",
    )
    .bind(serde_json::to_string(reply)?)
    .bind(session)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes `quantity` ordered units of a variant out of the session's cart.
pub async fn take_ordered(
    conn: &mut sqlx::SqliteConnection,
    session: i64,
    product_id: &str,
    variant_id: &str,
    quantity: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM cart_lines WHERE session_id = ?1 AND product_id = ?2 AND variant_id = ?3 AND quantity <= ?4",
    )
    .bind(session)
    .bind(product_id)
    .bind(variant_id)
    .bind(quantity)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE cart_lines SET quantity = quantity - ?4
         WHERE session_id = ?1 AND product_id = ?2 AND variant_id = ?3 AND quantity > ?4",
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
    conn: &mut sqlx::SqliteConnection,
    session: i64,
    product_id: &str,
    variant_id: &str,
    quantity: i64,
    unit_price: &Money,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO cart_lines (session_id, product_id, variant_id, quantity, unit_price_minor, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (session_id, product_id, variant_id)
         DO UPDATE SET quantity = MIN(quantity + excluded.quantity, ?7)",
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
struct Change<'a> {
    product_id: &'a str,
    variant_id: &'a str,
    add: bool,
    quantity: u32,
    wanted: u32,
}

/// Checks a change against the catalogue, the limits and the stock; the unit price when allowed.
async fn check(
    tx: &mut Transaction<'_, Sqlite>,
    show: &ShowFile,
    session: i64,
    change: &Change<'_>,
    stream_ms: u64,
) -> Result<Result<Money, (RejectCode, String)>, AppError> {
    let Change {
        product_id,
        variant_id,
        add,
        quantity,
        wanted,
    } = *change;
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
    if (add && quantity == 0) || wanted > limit {
        return Ok(Err((
            RejectCode::QuantityLimit,
            format!("at most {limit} of {product_id} per order"),
        )));
    }
    let stock: i64 = sqlx::query_scalar(
        "SELECT quantity FROM stock WHERE show_id = ? AND product_id = ? AND variant_id = ?",
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
    let deals = deals::live(tx, show, stream_ms, session).await?;
    let offers: Vec<_> = deals.iter().map(LiveDeal::offer).collect();
    let unit = pricing::unit_price(product_id, product.price, &offers);
    Ok(Ok(show.money(unit)))
}
