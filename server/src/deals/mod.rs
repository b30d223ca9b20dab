//! Flash deals as they stand: the deals running at a stream time, with the
//! units sold at the deal price to everyone — one row per deal, which a
//! checkout changes only by a conditional update — and to one shopper,
//! counted from that shopper's orders that are not failed.

mod hosted;

pub use hosted::{is_hosted, HostedDeals, Request};

use lapak_protocol::pricing::DealBought;

use crate::db::{Conn, Tx};
use crate::error::AppError;
use crate::pricing::LiveDeal;
use crate::show::DealSpec;

/// Units of the show's deal `deal_id` sold (or held by a pending payment) at its
/// price. Kept per show: two shows may script a deal on the same product at
/// the same stream time, and so share its id.
pub async fn sold(conn: &mut Conn, show: &str, deal_id: &str) -> Result<u32, AppError> {
    let sold: Option<i64> =
        sqlx::query_scalar("SELECT sold FROM deal_units WHERE show_id = $1 AND deal_id = $2")
            .bind(show)
            .bind(deal_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(sold.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))
}

/// Units of the show's deal `deal_id` that `session` bought (or holds by a pending payment).
async fn bought_by(
    conn: &mut Conn,
    show: &str,
    deal_id: &str,
    session: i64,
) -> Result<u32, AppError> {
    // The deal is matched in the sum, not in WHERE: the lines are then found
    // from the shopper's few orders, never from the deal's many lines.
    let mine: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(CASE WHEN l.deal_id = $3 THEN l.quantity ELSE 0 END), 0) AS BIGINT)
         FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.session_id = $1 AND o.show_id = $2 AND o.status != 'failed'",
    )
    .bind(session)
    .bind(show)
    .bind(deal_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u32::try_from(mine).unwrap_or(u32::MAX))
}

/// Takes `units` of the deal `spec` for an order, unless fewer are left:
/// whether they were taken. The check and the change are one statement, so no
/// two orders can take the same unit whoever else writes meanwhile.
pub async fn take(tx: &mut Tx, show: &str, spec: &DealSpec, units: u32) -> Result<bool, AppError> {
    let taken = sqlx::query(
        "INSERT INTO deal_units (show_id, deal_id, sold) SELECT $1, $2, $3 WHERE $3 <= $4
         ON CONFLICT (show_id, deal_id) DO UPDATE SET sold = deal_units.sold + excluded.sold
         WHERE deal_units.sold + excluded.sold <= $4",
    )
    .bind(show)
    .bind(&spec.id)
    .bind(i64::from(units))
    .bind(i64::from(spec.quantity))
    .execute(&mut **tx)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Gives `units` of deal `deal_id` back: their order's payment failed.
pub async fn give_back(tx: &mut Tx, show: &str, deal_id: &str, units: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE deal_units SET sold = sold - $3 WHERE show_id = $1 AND deal_id = $2")
        .bind(show)
        .bind(deal_id)
        .bind(units)
        .execute(&mut **tx)
        .await?;
    Ok(())
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
        let sold = sold(conn, show, &spec.id).await?;
        let bought = bought_by(conn, show, &spec.id, session).await?;
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
        let units = bought_by(conn, show, &spec.id, session).await?;
        if units > 0 {
            bought.push(DealBought {
                deal_id: spec.id.clone(),
                units,
            });
        }
    }
    Ok(bought)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(quantity: u32) -> DealSpec {
        DealSpec {
            id: "lamp@0".into(),
            product_id: "lamp".into(),
            price: 100,
            start_ms: 0,
            end_ms: 1_000,
            quantity,
            per_buyer: quantity,
        }
    }

    #[tokio::test]
    async fn a_deals_units_are_taken_only_while_left_and_come_back_when_given() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::testing::database(dir.path()).await;
        let spec = deal(4);
        let mut tx = pool.begin().await.unwrap();
        assert!(
            !take(&mut tx, "s", &spec, 5).await.unwrap(),
            "more than the deal has"
        );
        assert!(take(&mut tx, "s", &spec, 3).await.unwrap());
        assert!(!take(&mut tx, "s", &spec, 2).await.unwrap(), "one is left");
        assert!(take(&mut tx, "s", &spec, 1).await.unwrap());
        give_back(&mut tx, "s", &spec.id, 2).await.unwrap();
        assert!(
            take(&mut tx, "other show", &spec, 4).await.unwrap(),
            "shows count apart"
        );
        tx.commit().await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(sold(&mut conn, "s", &spec.id).await.unwrap(), 2);
        assert_eq!(sold(&mut conn, "other show", &spec.id).await.unwrap(), 4);
    }

    /// Two checkouts that did not take turns (two servers, say) race for the
    /// last unit: the statement itself lets one have it.
    #[tokio::test]
    async fn the_last_unit_goes_to_one_of_two_racing_transactions() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::testing::database(dir.path()).await;
        let spec = deal(1);
        if !crate::db::shared(&pool) {
            // An SQLite file has one writer at a time: the race cannot happen there.
            let mut tx = crate::db::begin_write(&pool, "s").await.unwrap();
            assert!(take(&mut tx, "s", &spec, 1).await.unwrap());
            assert!(!take(&mut tx, "s", &spec, 1).await.unwrap());
            return;
        }
        let (mut first, mut second) = (pool.begin().await.unwrap(), pool.begin().await.unwrap());
        assert!(take(&mut first, "s", &spec, 1).await.unwrap());
        let racing = tokio::spawn(async move {
            let taken = take(&mut second, "s", &spec, 1).await.unwrap();
            second.commit().await.unwrap();
            taken
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            !racing.is_finished(),
            "the second waits for the first's row"
        );
        first.commit().await.unwrap();
        assert!(!racing.await.unwrap(), "the first took the last unit");
    }
}
