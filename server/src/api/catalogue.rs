//! The brand's catalogue over HTTP (docs/api.md): every product with its
//! variants, price and stock, for anyone of the brand (tokens with
//! `shows:read`); edited one product at a time, removed, or imported from CSV
//! or JSON, all of an import or nothing, by owners and tokens with
//! `shows:write`. Shows take copies when scheduled (`from_catalogue`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lapak_protocol::api::catalogue::Imported;

use super::Body;
use crate::access::{Actor, ApiError, Permission};
use crate::catalogue::{self, NotKept, Product, MAX_PRODUCTS};
use crate::Server;

/// Problems an import's refusal lists, at most.
const PROBLEMS_SHOWN: usize = 20;

/// `GET /api/v1/catalogue`: the brand's products, by id.
pub async fn list(
    State(server): State<Arc<Server>>,
    actor: Actor,
) -> Result<Json<Vec<Product>>, ApiError> {
    actor.may(Permission::ReadShows, actor.brand())?;
    let mut conn = server.pool.acquire().await?;
    Ok(Json(catalogue::list(&mut conn, actor.brand()).await?))
}

/// `GET /api/v1/catalogue/csv`: the same as CSV, a row per variant, as the
/// import reads it.
pub async fn export(State(server): State<Arc<Server>>, actor: Actor) -> Result<Response, ApiError> {
    actor.may(Permission::ReadShows, actor.brand())?;
    let mut conn = server.pool.acquire().await?;
    let products = catalogue::list(&mut conn, actor.brand()).await?;
    let csv = catalogue::to_csv(&products)?;
    let name = format!("attachment; filename=\"{}-catalogue.csv\"", actor.brand());
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, name),
    ];
    Ok((headers, csv).into_response())
}

/// `PUT /api/v1/catalogue/{product}`: adds (201) or replaces (200) a product.
pub async fn put(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
    Body(product): Body<Product>,
) -> Result<(StatusCode, Json<Product>), ApiError> {
    actor.may(Permission::ScheduleShows, actor.brand())?;
    if product.id != id {
        return Err(ApiError::invalid(
            "id: the product's id is the one in the path",
        ));
    }
    catalogue::check(&product).map_err(ApiError::invalid)?;
    let created = keep(&server, &actor, std::slice::from_ref(&product)).await?;
    let status = if created == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(product)))
}

/// `DELETE /api/v1/catalogue/{product}`: 204; shows that copied it keep their copies.
pub async fn remove(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    actor.may(Permission::ScheduleShows, actor.brand())?;
    let _write = server.writer.lock().await;
    let mut conn = server.pool.acquire().await?;
    if !catalogue::remove(&mut conn, actor.brand(), &id).await? {
        return Err(ApiError::not_found("no such product in the catalogue"));
    }
    tracing::info!(brand = actor.brand(), product = %id, who = %actor.who(), "catalogue product removed");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/catalogue/import`: CSV (`Content-Type: text/csv`, a row per
/// variant) or a JSON array of products; all kept, or none with every problem
/// (up to 20) named by its line or product.
pub async fn import(
    State(server): State<Arc<Server>>,
    actor: Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Imported>, ApiError> {
    actor.may(Permission::ScheduleShows, actor.brand())?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let products = if csv {
        let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid("CSV is UTF-8"))?;
        catalogue::from_csv(text).map_err(|problems| {
            let named = problems
                .into_iter()
                .map(|(line, problem)| format!("line {line}: {problem}"));
            refusal(named.collect())
        })?
    } else {
        serde_json::from_slice::<Vec<Product>>(&body)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.to_string()))?
    };
    if products.is_empty() {
        return Err(ApiError::invalid("the import holds no product"));
    }
    let mut ids = std::collections::HashSet::new();
    let problems: Vec<String> = products
        .iter()
        .filter_map(|p| match catalogue::check(p) {
            Err(problem) => Some(problem),
            Ok(()) if !ids.insert(&p.id) => Some(format!("product {} appears twice", p.id)),
            Ok(()) => None,
        })
        .collect();
    if !problems.is_empty() {
        return Err(refusal(problems));
    }
    let created = keep(&server, &actor, &products).await?;
    tracing::info!(brand = actor.brand(), products = products.len(), who = %actor.who(), "catalogue imported");
    Ok(Json(Imported {
        created,
        updated: products.len() - created,
    }))
}

/// Keeps `products` in one transaction: how many were new.
async fn keep(server: &Server, actor: &Actor, products: &[Product]) -> Result<usize, ApiError> {
    let _write = server.writer.lock().await;
    let scope = format!("catalogue:{}", actor.brand());
    let mut tx = crate::db::begin_write(&server.pool, &scope).await?;
    match catalogue::put(&mut tx, actor.brand(), products).await? {
        Ok(created) => {
            tx.commit().await?;
            Ok(created.iter().filter(|new| **new).count())
        }
        // Rolled back with the transaction: nothing kept.
        Err(NotKept::Full) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "catalogue_full",
            format!("a catalogue holds at most {MAX_PRODUCTS} products"),
        )),
    }
}

fn refusal(problems: Vec<String>) -> ApiError {
    let more = problems.len().saturating_sub(PROBLEMS_SHOWN);
    let mut message = problems
        .into_iter()
        .take(PROBLEMS_SHOWN)
        .collect::<Vec<_>>()
        .join("; ");
    if more > 0 {
        message.push_str(&format!("; and {more} more"));
    }
    ApiError::invalid(message)
}
