//! `GET /api/v1/shows/{show}/metrics`: the live dashboard's figures (owners
//! and hosts; tokens with `shows:read`), and the same as CSV files to export. Orders, units, GMV, gifts and watch
//! time are read from the tables the commands write, so they equal them
//! exactly; the minute-by-minute figures come from what the hub published.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lapak_protocol::hls::format_date_time;
use lapak_protocol::{Activity, Money};
use serde::Serialize;

use super::shows::show_for;
use crate::access::{Actor, ApiError, Permission};
use crate::db::Conn;
use crate::error::AppError;
use crate::metrics::Minute;
use crate::{checkout, gifting, ledger};
use crate::{community, now_ms, taps, Server, Stage};

/// The dashboard's figures at one moment.
#[derive(Serialize)]
pub struct Metrics {
    /// Server time they were read, Unix ms.
    at_ms: i64,
    viewers: Viewers,
    /// Seconds of video watched by all viewers (credited by heartbeats).
    watch_seconds: u64,
    likes: u64,
    chat_lines: u64,
    /// Paid orders, and their goods (after discounts, before shipping).
    orders: u64,
    units: u64,
    gmv: Money,
    /// Paid orders that used a coupon, and what coupons took off them: the
    /// brand's cost of its coupons, apart from GMV.
    coupon_orders: u64,
    coupon_discounts: Money,
    products: Vec<ProductFigures>,
    gifts: Gifts,
    /// Minute by minute, oldest first.
    minutes: Vec<MinuteFigures>,
}

#[derive(Serialize)]
struct Viewers {
    now: u32,
    peak: u32,
}

/// One product's selling.
#[derive(Serialize)]
struct ProductFigures {
    product_id: String,
    name: String,
    /// Tag impressions: each minute its tag was up, the viewers watching then.
    impressions: u64,
    /// Taps on its tag, and the shoppers who tapped.
    taps: u64,
    tappers: u64,
    /// Units added to carts.
    adds_to_cart: u64,
    /// Paid orders with it, its units in them and their value at the price charged.
    orders: u64,
    units: u64,
    gmv: Money,
}

#[derive(Serialize)]
struct Gifts {
    /// Gift sends, gifts in them and the coins they carried to the host.
    sends: u64,
    gifts: u64,
    coins: u64,
    /// The host's earnings converted to money so far.
    converted: Money,
}

#[derive(Serialize)]
struct MinuteFigures {
    #[serde(flatten)]
    minute: Minute,
    orders: u64,
    gmv_minor: i64,
}

async fn gifts(conn: &mut Conn, show: &str) -> Result<(u64, u64, u64, i64), AppError> {
    let (sends, gifts, coins) = ledger::gift_figures(conn, show).await?;
    let converted = gifting::converted(conn, show).await?;
    Ok((
        sends.unsigned_abs(),
        gifts.unsigned_abs(),
        coins.unsigned_abs(),
        converted,
    ))
}

/// `GET /api/v1/shows/{show}/metrics`.
pub async fn read(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Metrics>, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadMetrics)?;
    let show = &state.show;
    Ok(Json(gather(&state, show).await?))
}

/// The show's figures now.
async fn gather(state: &Stage, show: &crate::show::ShowFile) -> Result<Metrics, ApiError> {
    let figures = state.hub.figures();
    // One read transaction: orders, lines and gifts from the same moment.
    let mut tx = state.pool.begin().await?;
    let sales = checkout::sales(&mut tx, &show.id).await?;
    let taps = taps::per_product(&mut tx, &show.id).await?;
    let per_minute = checkout::paid_per_minute(&mut tx, &show.id).await?;
    let (sends, gift_count, coins, converted) = gifts(&mut tx, &show.id).await?;
    let watch_seconds = community::total(&mut tx, &show.id, Activity::WatchSeconds).await?;
    let likes = community::total(&mut tx, &show.id, Activity::Like).await?;
    let chat_lines = community::total(&mut tx, &show.id, Activity::Comment).await?;
    let (orders, gmv, coupon_orders, coupon_discounts) =
        checkout::paid_totals(&mut tx, &show.id).await?;
    tx.commit().await?;
    let products = show
        .products
        .iter()
        .map(|p| {
            let (orders, units, value) = sales.get(&p.id).copied().unwrap_or_default();
            let (taps, tappers) = taps.get(&p.id).copied().unwrap_or_default();
            ProductFigures {
                impressions: figures
                    .minutes
                    .iter()
                    .filter(|m| m.pinned.contains(&p.id))
                    .map(|m| u64::from(m.viewers))
                    .sum(),
                taps,
                tappers,
                product_id: p.id.clone(),
                name: p.name.clone(),
                adds_to_cart: figures.adds.get(&p.id).copied().unwrap_or(0),
                orders,
                units,
                gmv: show.money(value),
            }
        })
        .collect::<Vec<_>>();
    let minutes = figures
        .minutes
        .into_iter()
        .map(|minute| {
            let (orders, gmv_minor) = per_minute
                .get(&minute.start_ms)
                .copied()
                .unwrap_or_default();
            MinuteFigures {
                minute,
                orders,
                gmv_minor,
            }
        })
        .collect();
    Ok(Metrics {
        at_ms: now_ms(),
        viewers: Viewers {
            now: figures.viewers,
            peak: figures.peak,
        },
        watch_seconds,
        likes,
        chat_lines,
        orders: orders.unsigned_abs(),
        units: products.iter().map(|p| p.units).sum(),
        gmv: show.money(gmv),
        coupon_orders: coupon_orders.unsigned_abs(),
        coupon_discounts: show.money(coupon_discounts),
        products,
        gifts: Gifts {
            sends,
            gifts: gift_count,
            coins,
            converted: show.money(converted),
        },
        minutes,
    })
}

/// A CSV file to download, named after the show and what it holds.
fn csv_file(show: &str, what: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{show}-{what}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

fn csv_rows<R: Serialize>(rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.serialize(row)
            .map_err(|e| AppError::Show(e.to_string()))?;
    }
    out.into_inner()
        .map_err(|e| AppError::Show(e.to_string()).into())
}

/// A minute as the CSV export writes it.
#[derive(Serialize)]
struct MinuteRow {
    /// ISO 8601, UTC.
    minute: String,
    viewers: u32,
    chat: u32,
    likes: u64,
    orders: u64,
    sales_minor: i64,
    currency: String,
    pinned: String,
}

/// A product as the CSV export writes it.
#[derive(Serialize)]
struct ProductRow {
    product_id: String,
    name: String,
    impressions: u64,
    taps: u64,
    tappers: u64,
    adds_to_cart: u64,
    orders: u64,
    units: u64,
    sales_minor: i64,
    currency: String,
}

/// `GET /api/v1/shows/{show}/metrics/{file}`: `minutes.csv` or
/// `products.csv`, the figures for a spreadsheet after the show.
pub async fn export(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadMetrics)?;
    let show = &state.show;
    let metrics = gather(&state, show).await?;
    let currency = metrics.gmv.currency;
    let (what, body) = match file.as_str() {
        "minutes.csv" => (
            "minutes",
            csv_rows(metrics.minutes.into_iter().map(|m| MinuteRow {
                minute: format_date_time(m.minute.start_ms),
                viewers: m.minute.viewers,
                chat: m.minute.chat,
                likes: m.minute.likes,
                orders: m.orders,
                sales_minor: m.gmv_minor,
                currency: currency.clone(),
                pinned: m.minute.pinned.join(" "),
            }))?,
        ),
        "products.csv" => (
            "products",
            csv_rows(metrics.products.into_iter().map(|p| ProductRow {
                product_id: p.product_id,
                name: p.name,
                impressions: p.impressions,
                taps: p.taps,
                tappers: p.tappers,
                adds_to_cart: p.adds_to_cart,
                orders: p.orders,
                units: p.units,
                sales_minor: p.gmv.minor,
                currency: p.gmv.currency,
            }))?,
        ),
        _ => return Err(ApiError::not_found("exports: minutes.csv, products.csv")),
    };
    Ok(csv_file(&show.id, what, body))
}
