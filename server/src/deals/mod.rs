//! Flash deals as they stand: the deals running at a stream time, with the
//! units sold at the deal price — to everyone, and to one shopper — counted
//! from the orders that are not failed.

mod hosted;

pub use hosted::{is_hosted, HostedDeals, Request};

use lapak_protocol::pricing::DealBought;

use crate::db::Conn;
use crate::error::AppError;
use crate::pricing::LiveDeal;
use crate::show::DealSpec;

/// Units of the show's deal `deal_id` sold (or held by a pending payment) at its price: by
/// everyone, and by `session`. Counted within the show: two shows may script a
/// deal on the same product at the same stream time, and so share its id.
pub async fn units(
    conn: &mut Conn,
    show: &str,
    deal_id: &str,
    session: i64,
) -> Result<(u32, u32), AppError> {
    let (all, mine): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN o.session_id = $1 THEN l.quantity ELSE 0 END), 0) AS BIGINT)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.show_id = $2 AND l.deal_id = $3 AND o.status != 'failed'",
    )
    .bind(session)
    .bind(show)
    .bind(deal_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        u32::try_from(all).unwrap_or(u32::MAX),
        u32::try_from(mine).unwrap_or(u32::MAX),
    ))
}

/// The deals `running`, with what is left of each and what `session` holds of each.
pub async fn live(
    conn: &mut Conn,
    show: &str,
    running: &[DealSpec],
    session: i64,
) -> Result<Vec<LiveDeal>, AppError> {
    let mut deals = Vec::new();
    for spec in running.iter().cloned() {
        let (sold, bought) = units(conn, show, &spec.id, session).await?;
        deals.push(LiveDeal {
            remaining: spec.quantity.saturating_sub(sold),
            bought,
            spec,
        });
    }
    Ok(deals)
}

/// What `session` holds of each deal in `running`, for its cart.
pub async fn bought(
    conn: &mut Conn,
    show: &str,
    running: &[DealSpec],
    session: i64,
) -> Result<Vec<DealBought>, AppError> {
    let mut bought = Vec::new();
    for spec in running {
        let (_, units) = units(conn, show, &spec.id, session).await?;
        if units > 0 {
            bought.push(DealBought {
                deal_id: spec.id.clone(),
                units,
            });
        }
    }
    Ok(bought)
}
