//! `GET /api/v1/shows/{show}/metrics`: the live dashboard's figures (owners
//! and hosts; tokens with `shows:read`), and the same as CSV files to export. Orders, units, GMV, gifts and watch
//! time are read from the tables the commands write, so they equal them
//! exactly, also once the show has ended; the host's earnings from gifts are
//! their coins at the show's rate (`lapak_protocol::host_earnings`); the
//! minute-by-minute figures come from what the hub published.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lapak_protocol::api::metrics::{
    Ended, GiftFigures, Metrics, MinuteFigures, ProductFigures, TopGifter, Viewers,
};
use lapak_protocol::api::replay::ReplayState;
use lapak_protocol::hls::format_date_time;
use lapak_protocol::{host_earnings, Activity, Money, LEADERBOARD_SIZE};
use serde::Serialize;

use super::shows::show_for;
use crate::access::{Actor, ApiError, Permission};
use crate::db::Conn;
use crate::error::AppError;
use crate::show::ShowFile;
use crate::{checkout, gifting, ledger, replay};
use crate::{community, now_ms, taps, Server, Stage};

/// The most gifters `gifters.csv` lists, most coins first.
// why: a bound on the answer's memory; a show has far fewer.
const MAX_EXPORTED_GIFTERS: usize = 100_000;

/// The `limit` top gifters, with what the host earned from each.
async fn top_gifters(
    conn: &mut Conn,
    show: &ShowFile,
    limit: usize,
) -> Result<Vec<TopGifter>, AppError> {
    let top = ledger::top_gifters(conn, &show.id, limit).await?;
    top.into_iter()
        .map(|(session, name, coins)| {
            let coins = coins.unsigned_abs();
            Ok(TopGifter {
                viewer_id: session.unsigned_abs(),
                name,
                coins,
                earned: earned(show, coins)?,
            })
        })
        .collect()
}

/// What the host earned for `coins` of gifts, by the show's own rule.
fn earned(show: &ShowFile, coins: u64) -> Result<Money, AppError> {
    let rate = show.gifting.host_credit_per_coin;
    let minor = host_earnings(coins, rate)
        .ok_or_else(|| AppError::Ledger(format!("{coins} coins at {rate} overflow")))?;
    Ok(show.money(minor))
}

async fn gifts(conn: &mut Conn, show: &ShowFile) -> Result<GiftFigures, AppError> {
    let (sends, gifts, coins) = ledger::gift_figures(conn, &show.id).await?;
    let converted = gifting::converted(conn, &show.id).await?;
    Ok(GiftFigures {
        sends: sends.unsigned_abs(),
        gifts: gifts.unsigned_abs(),
        coins: coins.unsigned_abs(),
        converted: show.money(converted),
        earned: earned(show, coins.unsigned_abs())?,
        top: top_gifters(conn, show, LEADERBOARD_SIZE).await?,
    })
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
async fn gather(state: &Stage, show: &ShowFile) -> Result<Metrics, ApiError> {
    let mut figures = state.hub.figures();
    // One read transaction: orders, lines and gifts from the same moment.
    let mut tx = state.pool.begin().await?;
    // An ended show's tally is the one kept when it ended: the replay's viewers are not its.
    if let Some(kept) = crate::metrics::kept(&mut tx, &show.id).await? {
        figures.peak = kept.peak;
        figures.minutes = kept.minutes;
        figures.adds = kept.adds;
    }
    let sales = checkout::sales(&mut tx, &show.id).await?;
    let taps = taps::per_product(&mut tx, &show.id).await?;
    let per_minute = checkout::paid_per_minute(&mut tx, &show.id).await?;
    let gifts = gifts(&mut tx, show).await?;
    let ended_at = replay::ended_at(&mut tx, &show.id).await?;
    let watch_seconds = community::total(&mut tx, &show.id, Activity::WatchSeconds).await?;
    let likes = community::total(&mut tx, &show.id, Activity::Like).await?;
    let chat_lines = community::total(&mut tx, &show.id, Activity::Comment).await?;
    let (orders, gmv, coupon_orders, coupon_discounts) =
        checkout::paid_totals(&mut tx, &show.id).await?;
    let (statuses, net_sales, refunds) = checkout::after::figures(&mut tx, &show.id).await?;
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
                start_ms: minute.start_ms,
                viewers: minute.viewers,
                chat: minute.chat,
                likes: minute.likes,
                pinned: minute.pinned,
                orders,
                gmv_minor,
            }
        })
        .collect();
    Ok(Metrics {
        at_ms: now_ms(),
        ended: ended_at.map(|at_ms| Ended {
            at_ms,
            replay: super::replay::state(state) == ReplayState::Ready,
        }),
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
        statuses,
        net_sales: show.money(net_sales),
        refunds: show.money(refunds),
        coupon_orders: coupon_orders.unsigned_abs(),
        coupon_discounts: show.money(coupon_discounts),
        products,
        gifts,
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

/// An order as the CSV export writes it.
#[derive(Serialize)]
struct OrderRow {
    number: String,
    /// ISO 8601, UTC.
    placed_at: String,
    status: String,
    /// `card`, `qris`, `ewallet`, `virtual_account` or `cash_on_delivery`.
    method: String,
    provider: String,
    units: u32,
    total_minor: i64,
    refunded_minor: i64,
    currency: String,
    flagged: String,
}

/// A gifter as the CSV export writes it.
#[derive(Serialize)]
struct GifterRow {
    /// 1 for the most coins.
    rank: usize,
    viewer_id: u64,
    name: String,
    coins: u64,
    earned_minor: i64,
    currency: String,
}

/// The most orders `orders.csv` holds, newest first.
// why: a bound on the answer's memory; a show sells far fewer.
const MAX_EXPORTED_ORDERS: u32 = 100_000;

/// The show's orders, newest first, as `orders.csv` rows.
async fn order_rows(state: &Stage) -> Result<Vec<OrderRow>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let page = checkout::after::list(&mut conn, &state.show.id, None, MAX_EXPORTED_ORDERS).await?;
    Ok(page
        .orders
        .into_iter()
        .map(|o| OrderRow {
            number: o.number,
            placed_at: format_date_time(o.placed_at_ms),
            status: word(o.status),
            method: word(&o.method),
            provider: o.provider.unwrap_or_default(),
            units: o.units,
            total_minor: o.totals.total.minor,
            refunded_minor: o.refunded.minor,
            currency: o.totals.total.currency,
            flagged: o.flagged.unwrap_or_default(),
        })
        .collect())
}

/// A value of one of the API's enums in a word, as the API spells it: the
/// value itself, or its `kind` (a method's).
fn word(value: impl Serialize) -> String {
    let value = serde_json::to_value(value).unwrap_or_default();
    let word = match value.get("kind") {
        Some(kind) => kind.as_str(),
        None => value.as_str(),
    };
    word.unwrap_or_default().to_owned()
}

/// `GET /api/v1/shows/{show}/metrics/{file}`: `minutes.csv`, `products.csv`,
/// `orders.csv` or `gifters.csv`, the figures for a spreadsheet after the show.
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
                minute: format_date_time(m.start_ms),
                viewers: m.viewers,
                chat: m.chat,
                likes: m.likes,
                orders: m.orders,
                sales_minor: m.gmv_minor,
                currency: currency.clone(),
                pinned: m.pinned.join(" "),
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
        "orders.csv" => ("orders", csv_rows(order_rows(&state).await?)?),
        "gifters.csv" => {
            let mut conn = state.pool.acquire().await?;
            let gifters = top_gifters(&mut conn, show, MAX_EXPORTED_GIFTERS).await?;
            let rows = gifters.into_iter().enumerate().map(|(at, g)| GifterRow {
                rank: at + 1,
                viewer_id: g.viewer_id,
                name: g.name,
                coins: g.coins,
                earned_minor: g.earned.minor,
                currency: g.earned.currency,
            });
            ("gifters", csv_rows(rows)?)
        }
        _ => {
            let exports = "exports: minutes.csv, products.csv, orders.csv, gifters.csv";
            return Err(ApiError::not_found(exports));
        }
    };
    Ok(csv_file(&show.id, what, body))
}
