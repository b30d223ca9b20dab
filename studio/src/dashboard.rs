//! The live dashboard: the show's figures read again as the show's stream
//! tells them changing — viewers, watch
//! time, likes and chat, orders and GMV, orders by status and the sales
//! after refunds, gifts and what they earned the host with the top gifters —
//! each product's selling with
//! the weakest flagged against the show's average, and a per-minute chart
//! with a band saying which product was pinned when. Once the show has ended
//! it is the show's results: the same figures, under when it ended.

use std::time::Duration;

use lapak_protocol::api::metrics::{Ended, Metrics, MinuteFigures, ProductFigures, TopGifter};
use leptos::prelude::*;

use crate::context::Workspace;
use crate::format;
use crate::text::Text;
use crate::trouble::{of_load, Said};

/// How often the figures are read while the show's stream is down: peers
/// report after minutes or days.
const METRICS_EVERY: Duration = Duration::from_secs(1);
/// The changes the figures follow: orders, stock and deals sold, the audience and what it does.
const FIGURES_CHANGE_ON: &[&str] = &[
    "orders", "stock", "deal", "viewers", "chat", "likes", "gifts", "pins", "on_air",
];
/// Minutes the chart shows, the latest last.
const CHART_MINUTES: usize = 30;

/// Taps on the tag per tag impression (click-through), as a share.
fn tap_through(product: &ProductFigures) -> Option<f64> {
    (product.impressions > 0).then(|| product.taps as f64 / product.impressions as f64)
}

/// Orders per add to cart, as a share.
fn conversion(product: &ProductFigures) -> Option<f64> {
    (product.adds_to_cart > 0).then(|| product.orders as f64 / product.adds_to_cart as f64)
}

/// The product that converts worst, if it is below the show's own average
/// (orders per add over every product added to a cart).
pub fn weakest(products: &[ProductFigures]) -> Option<String> {
    let adds: u64 = products.iter().map(|p| p.adds_to_cart).sum();
    let orders: u64 = products.iter().map(|p| p.orders).sum();
    if adds == 0 {
        return None;
    }
    let average = orders as f64 / adds as f64;
    products
        .iter()
        .filter_map(|p| Some((p, conversion(p)?)))
        .filter(|(_, rate)| *rate < average)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(p, _)| p.product_id.clone())
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{:.0} %", s * 100.0))
}

/// The dashboard for the workspace's show.
#[component]
pub fn Dashboard() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let read = LocalResource::new(move || {
        let show = workspace.show_id().unwrap_or_default();
        async move { workspace.api.get_value().metrics(&show).await }
    });
    crate::events::refetch_on(FIGURES_CHANGE_ON, METRICS_EVERY, read);
    // The last figures read stay up while a read fails; the failure is said above them.
    let metrics = Memo::new(move |last: Option<&Option<Metrics>>| match read.get() {
        Some(Ok(found)) => Some(found),
        _ => last.cloned().flatten(),
    });
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    let export = move |what: &'static str| {
        workspace
            .show_id()
            .map(|show| format!("/api/v1/shows/{show}/metrics/{what}.csv"))
    };
    view! {
        <main class="studio-dashboard" data-testid="dashboard">
            <nav class="studio-exports" aria-label=text.export>
                <a class="studio-quiet" download href=move || export("products")>{text.export_products}</a>
                <a class="studio-quiet" download href=move || export("minutes")>{text.export_minutes}</a>
                <a class="studio-quiet" download href=move || export("orders")>{text.export_orders}</a>
                <a class="studio-quiet" download href=move || export("gifters")>{text.export_gifters}</a>
            </nav>
            <Said trouble testid="dashboard-trouble" />
            {move || metrics.get().map(|m| view! { <Figures metrics=m text=text /> })}
        </main>
    }
}

/// When the show ended, and whether its replay plays now.
#[component]
fn EndedNote(ended: Ended, text: &'static Text) -> impl IntoView {
    view! {
        <p class="studio-ended" data-testid="dashboard-ended" data-replay=ended.replay.to_string()>
            <b>{(text.ended_at)(&format::when(ended.at_ms))}</b>
            {ended.replay.then(|| view! { " " {text.now_a_replay} })}
        </p>
    }
}

#[component]
fn Figures(metrics: Metrics, text: &'static Text) -> impl IntoView {
    let count = format::count;
    // Once ended, "watching now" would be the replay's audience: the results leave it out.
    let watching = metrics.ended.is_none().then(|| {
        (
            text.viewers_now,
            count(metrics.viewers.now.into()),
            "viewers",
        )
    });
    let cards = [
        (text.peak, count(metrics.viewers.peak.into()), "peak"),
        (
            text.watch_time,
            format::watch_time(metrics.watch_seconds),
            "watch",
        ),
        (text.likes, count(metrics.likes), "likes"),
        (text.chat_lines, count(metrics.chat_lines), "chat"),
        (text.orders, count(metrics.orders), "orders"),
        (text.units, count(metrics.units), "units"),
        (text.gmv, format::money(&metrics.gmv), "gmv"),
        (
            text.net_sales,
            format::money(&metrics.net_sales),
            "net-sales",
        ),
        (text.refunds, format::money(&metrics.refunds), "refunds"),
        (
            text.order_statuses,
            (text.statuses_summary)(&metrics.statuses),
            "statuses",
        ),
        (
            text.coupon_discounts,
            (text.coupon_orders)(
                &format::money(&metrics.coupon_discounts),
                metrics.coupon_orders,
            ),
            "coupons",
        ),
        (
            text.gift_earnings,
            format::money(&metrics.gifts.earned),
            "gift-earnings",
        ),
        (text.gift_coins, count(metrics.gifts.coins), "coins"),
    ];
    let cards = watching.into_iter().chain(cards);
    let flagged = weakest(&metrics.products);
    let names: Vec<(String, String)> = metrics
        .products
        .iter()
        .map(|p| (p.product_id.clone(), p.name.clone()))
        .collect();
    let currency = metrics.gmv.currency.clone();
    view! {
        {metrics.ended.map(|ended| view! { <EndedNote ended text /> })}
        <section class="studio-cards" aria-label=text.dashboard>
            {cards.into_iter().map(|(label, value, id)| view! {
                <div class="studio-card">
                    <span>{label}</span>
                    <b data-testid=format!("figure-{id}")>{value}</b>
                </div>
            }).collect_view()}
        </section>
        <section class="studio-panel">
            <h2>{text.per_product}</h2>
            // A phone scrolls the wide table sideways, by touch or by keyboard.
            <div class="studio-scroll" tabindex="0" role="region" aria-label=text.per_product>
            <table class="studio-table" data-testid="product-figures">
                <thead><tr>
                    <th scope="col">{text.product}</th>
                    <th scope="col">{text.impressions}</th>
                    <th scope="col">{text.taps}</th>
                    <th scope="col">{text.tap_through}</th>
                    <th scope="col">{text.adds}</th>
                    <th scope="col">{text.orders}</th>
                    <th scope="col">{text.units}</th>
                    <th scope="col">{text.conversion}</th>
                    <th scope="col">{text.gmv}</th>
                </tr></thead>
                <tbody>
                    {metrics.products.into_iter().map(|p| {
                        let weak = flagged.as_deref() == Some(p.product_id.as_str());
                        view! {
                            <tr data-testid=format!("figures-{}", p.product_id) class:studio-weak=weak>
                                <th scope="row">
                                    {p.name.clone()}
                                    {weak.then(|| view! { <span class="studio-flag">{text.below_average}</span> })}
                                </th>
                                <td>{format::count(p.impressions)}</td>
                                <td data-testid=format!("taps-{}", p.product_id)>{format::count(p.taps)}</td>
                                <td>{percent(tap_through(&p))}</td>
                                <td>{format::count(p.adds_to_cart)}</td>
                                <td>{format::count(p.orders)}</td>
                                <td>{format::count(p.units)}</td>
                                <td>{percent(conversion(&p))}</td>
                                <td>{format::money(&p.gmv)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
        <TopGifters top=metrics.gifts.top text=text />
        <Chart minutes=metrics.minutes names=names currency=currency text=text />
    }
}

/// The show's top gifters by the names shoppers saw, with their coins and
/// what the host earned from each.
#[component]
fn TopGifters(top: Vec<TopGifter>, text: &'static Text) -> impl IntoView {
    let table = (!top.is_empty()).then(|| {
        view! {
            <table class="studio-table" data-testid="top-gifters">
                <thead><tr>
                    <th scope="col">{text.gifter}</th>
                    <th scope="col">{text.coins}</th>
                    <th scope="col">{text.earned}</th>
                </tr></thead>
                <tbody>
                    {top.into_iter().map(|g| view! {
                        <tr data-testid=format!("gifter-{}", g.viewer_id)>
                            <th scope="row">{g.name}</th>
                            <td>{format::count(g.coins)}</td>
                            <td>{format::money(&g.earned)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    });
    view! {
        <section class="studio-panel">
            <h2>{text.top_gifters}</h2>
            {table.unwrap_or_else(|| view! { <p class="studio-empty">{text.no_gifts}</p> }.into_any())}
        </section>
    }
}

/// Viewers per minute as bars, with orders marked, and a band of what was pinned.
#[component]
fn Chart(
    minutes: Vec<MinuteFigures>,
    names: Vec<(String, String)>,
    currency: String,
    text: &'static Text,
) -> impl IntoView {
    let name = |id: &String| {
        names
            .iter()
            .find(|(p, _)| p == id)
            .map_or_else(|| id.clone(), |(_, n)| n.clone())
    };
    let shown: Vec<MinuteFigures> = minutes
        .into_iter()
        .rev()
        .take(CHART_MINUTES)
        .rev()
        .collect();
    let tallest = shown.iter().map(|m| m.viewers).max().unwrap_or(0).max(1);
    let bars = shown
        .iter()
        .map(|m| {
            let height = format!(
                "height: {}%",
                u64::from(m.viewers) * 100 / u64::from(tallest)
            );
            let pinned = m.pinned.iter().map(name).collect::<Vec<_>>().join(", ");
            let any_pinned = (!pinned.is_empty()).to_string();
            let time = format::time(m.start_ms);
            let sales = format::minor(m.gmv_minor, &currency);
            let summary = (text.minute_summary)(&time, m.viewers, m.chat, m.orders, &sales);
            view! {
                <li title=summary.clone() aria-label=summary>
                    <span class="studio-bar" style=height data-orders=m.orders.to_string()></span>
                    <span class="studio-band" data-pinned=any_pinned>{pinned}</span>
                    <span class="studio-minute">{time}</span>
                </li>
            }
        })
        .collect_view();
    let chart = if shown.is_empty() {
        view! { <p class="studio-empty">{text.no_minutes}</p> }.into_any()
    } else {
        view! { <ol class="studio-chart" data-testid="minutes">{bars}</ol> }.into_any()
    };
    view! {
        <section class="studio-panel">
            <h2>{text.per_minute}</h2>
            {chart}
        </section>
    }
}
