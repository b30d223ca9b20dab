//! The show's stock (owners and hosts; tokens with `shows:write` to change
//! it): units left per variant, and setting them. Viewers see the change at
//! once; carts and checkout check against it under the same writer lock.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use lapak_protocol::api::stock::{NewStock, Units};

use super::shows::show_for;
use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::Server;

/// Most units a variant may hold.
const MAX_STOCK: u32 = 1_000_000;

/// `GET /api/v1/shows/{show}/stock`.
pub async fn list(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Vec<Units>>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadShows)?;
    let show = &state.show;
    let mut conn = state.pool.acquire().await?;
    let rows = crate::db::stock(&mut conn, &show.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(product_id, variant_id, stock)| Units {
                product_id,
                variant_id,
                stock,
            })
            .collect(),
    ))
}

/// `PUT /api/v1/shows/{show}/stock/{product}/{variant}`.
pub async fn set(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, product, variant)): Path<(String, String, String)>,
    Body(request): Body<NewStock>,
) -> Result<Json<Units>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::RunShow)?;
    let show = &state.show;
    if request.stock > MAX_STOCK {
        return Err(ApiError::invalid(format!("stock: 0 to {MAX_STOCK}")));
    }
    let _write = state.writer.lock().await;
    let set = crate::db::set_stock(&state.pool, &show.id, &product, &variant, request.stock);
    if !set.await? {
        return Err(ApiError::not_found("no such variant in this show"));
    }
    state.hub.stock_changed(&product, &variant, request.stock);
    tracing::info!(show = %show.id, %product, %variant, stock = request.stock, who = %actor.who(), "stock set");
    Ok(Json(Units {
        product_id: product,
        variant_id: variant,
        stock: request.stock,
    }))
}
