//! `TagTap`: a shopper opened a product from its tag on the picture. Counted
//! per shopper and product in the command's unit of work, so a retried tap
//! counts once; the dashboard reads them as taps per tag impression.

use lapak_protocol::{RejectCode, ServerMsg};

use crate::answers::{ack, reject};
use crate::db::Conn;
use crate::error::AppError;
use crate::stage::Stage;
use crate::unit::{Sync, Unit};

/// Runs a `TagTap` on `product_id` to its answer.
pub async fn tap(
    state: &Stage,
    session: i64,
    id: &str,
    product_id: &str,
) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    if state.show.product(product_id).is_none() {
        let message = format!("no product {product_id} in this show");
        return command
            .finish(reject(id, RejectCode::UnknownProduct, message))
            .await;
    }
    if state.replay().is_some() {
        let counted = crate::replay::Counted::Tap;
        crate::replay::count(&mut command.tx, &state.show.id, session, counted).await?;
        return command.finish(ack(id)).await;
    }
    sqlx::query(
        "INSERT INTO tag_taps (show_id, product_id, session_id, taps) VALUES ($1, $2, $3, 1)
         ON CONFLICT (show_id, product_id, session_id) DO UPDATE SET taps = tag_taps.taps + 1",
    )
    .bind(&state.show.id)
    .bind(product_id)
    .bind(session)
    .execute(&mut *command.tx)
    .await?;
    command.finish(ack(id)).await
}

/// Taps and the shoppers who tapped, per product of `show`.
pub async fn per_product(
    conn: &mut Conn,
    show: &str,
) -> Result<std::collections::BTreeMap<String, (u64, u64)>, AppError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT product_id, CAST(SUM(taps) AS BIGINT), COUNT(*) FROM tag_taps WHERE show_id = $1 GROUP BY product_id",
    )
    .bind(show)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(p, taps, shoppers)| (p, (taps.unsigned_abs(), shoppers.unsigned_abs())))
        .collect())
}
