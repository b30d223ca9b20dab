//! Selling mid-show: the flash deals running with their countdowns (a host's
//! can be stopped), a deal to start on the picked product, and its stock.

use std::time::Duration;

use lapak_protocol::api::deals::NewDeal;
use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::api::shows::ProductSummary;
use lapak_protocol::api::stock::Units;
use lapak_protocol::{Deal, Money};
use leptos::prelude::*;

use super::Workspace;
use crate::format;
use crate::text::Text;
use crate::trouble::{of_load, Said};

/// How often deals and stock are read again while the show's stream is down;
/// the countdown ticks as often.
const SELLING_EVERY: Duration = Duration::from_secs(1);

/// What the deal form starts with: a deal people can still catch.
const DEFAULT_QUANTITY: &str = "10";
const DEFAULT_PER_BUYER: &str = "2";
const DEFAULT_MINUTES: &str = "5";

/// "m:ss" left until `ends_at_ms`.
fn countdown(ends_at_ms: i64, now_ms: i64) -> String {
    let left = (ends_at_ms - now_ms).max(0) / 1000;
    format!("{}:{:02}", left / 60, left % 60)
}

/// The deals running, the deal form and the stock of the picked product.
#[component]
pub fn Selling() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let now = RwSignal::new(js_sys::Date::now() as i64);
    let read = LocalResource::new(move || {
        let show = workspace.show_id().unwrap_or_default();
        async move {
            let api = workspace.api.get_value();
            let found = (api.deals(&show).await, api.stock(&show).await);
            now.set(js_sys::Date::now() as i64);
            Ok::<_, Refusal>((found.0?, found.1?))
        }
    });
    crate::events::refetch_on(&["deal", "stock"], SELLING_EVERY, read);
    // The countdowns run between reads.
    crate::poll::every(SELLING_EVERY, move || now.set(js_sys::Date::now() as i64));
    // The last deals and stock read stay up while a read fails; the failure is said above them.
    let selling = Memo::new(
        move |last: Option<&(Vec<Deal>, Vec<Units>)>| match read.get() {
            Some(Ok(found)) => found,
            _ => last.cloned().unwrap_or_default(),
        },
    );
    let deals = Memo::new(move |_| selling.with(|(deals, _)| deals.clone()));
    let stock = Memo::new(move |_| selling.with(|(_, stock)| stock.clone()));
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    let load = move || read.refetch();
    let product = Memo::new(move |_| {
        let picked = workspace.selling.get()?;
        workspace.products().into_iter().find(|p| p.id == picked)
    });
    let choose = move |ev| {
        let id = event_target_value(&ev);
        workspace.selling.set((!id.is_empty()).then_some(id));
    };
    let stop = move |deal: String| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().stop_deal(&show, &deal).await {
                Ok(()) => workspace.notice.set(Some(text.deal_stopped.to_owned())),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
            load();
        });
    };
    let running = move |product: String| {
        Signal::derive(move || deals.read().iter().any(|d| d.product_id == product))
    };
    view! {
        <section class="studio-panel studio-selling" data-testid="selling">
            <h2>{text.deals_and_stock}</h2>
            <Said trouble testid="selling-trouble" />
            <ul class="studio-list" data-testid="deals">
                <For each=move || deals.get() key=|d| (d.id.clone(), d.remaining) let:deal>
                    {
                        let name = workspace.name_of(&deal.product_id);
                        let id = deal.id.clone();
                        let hosted = deal.id.starts_with("host-");
                        let ends = deal.ends_at_ms;
                        view! {
                            <li class="studio-deal" data-testid=format!("deal-{}", deal.product_id)>
                                <span class="studio-deal-name">
                                    <b>{name.clone()}</b>" "{format::money(&deal.price)}
                                    <small>{(text.units_left)(deal.remaining, deal.quantity)}</small>
                                </span>
                                <span class="studio-countdown" aria-label=text.ends_in>{move || countdown(ends, now.get())}</span>
                                <Show when=move || hosted>
                                    {
                                        let id = id.clone();
                                        view! {
                                            <button class="studio-quiet" data-testid="stop-deal" aria-label=(text.stop_deal_of)(&name) on:click=move |_| stop(id.clone())>
                                                {text.stop_deal}
                                            </button>
                                        }
                                    }
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
            <label class="studio-sell-choice">
                <span>{text.product}</span>
                <select data-testid="sell-product" on:change=choose
                    prop:value=move || workspace.selling.get().unwrap_or_default()>
                    <option value="">"—"</option>
                    <For each=move || workspace.products() key=|p| p.id.clone() let:p>
                        <option value=p.id.clone()>{p.name.clone()}</option>
                    </For>
                </select>
            </label>
            {move || match product.get() {
                None => view! { <p class="studio-empty">{text.pick_to_sell}</p> }.into_any(),
                Some(product) => view! {
                    <DealForm product=product.clone() running=running(product.id.clone()) on_done=load />
                    <StockRows product=product stock=stock on_done=load />
                }.into_any(),
            }}
        </section>
    }
}

/// A deal to start on `product`: price, units, per buyer, minutes.
#[component]
fn DealForm(
    product: ProductSummary,
    running: Signal<bool>,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let price = RwSignal::new(String::new());
    let quantity = RwSignal::new(DEFAULT_QUANTITY.to_owned());
    let per_buyer = RwSignal::new(DEFAULT_PER_BUYER.to_owned());
    let minutes = RwSignal::new(DEFAULT_MINUTES.to_owned());
    let currency = product.price.currency.clone();
    let step = format::step(&currency);
    let full = product.price.clone();
    let product_id = product.id.clone();
    let start = Action::new_local(move |(show, deal): &(String, NewDeal)| {
        let (show, deal) = (show.clone(), deal.clone());
        async move {
            match workspace.api.get_value().start_deal(&show, &deal).await {
                Ok(_) => workspace.notice.set(Some(text.deal_started.to_owned())),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
            on_done();
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(show) = workspace.show_id() else {
            return;
        };
        let deal = (|| {
            Some(NewDeal {
                product_id: product_id.clone(),
                price: Money::from_decimal(&price.get_untracked(), &currency)?.minor,
                quantity: quantity.get_untracked().trim().parse().ok()?,
                per_buyer: per_buyer.get_untracked().trim().parse().ok()?,
                duration_s: minutes.get_untracked().trim().parse::<u64>().ok()? * 60,
            })
        })();
        let Some(deal) = deal else {
            workspace
                .notice
                .set(Some(text.deal_form_incomplete.to_owned()));
            return;
        };
        start.dispatch((show, deal));
    };
    view! {
        <form class="studio-deal-form" on:submit=submit data-testid="deal-form">
            <p class="studio-sell-product">
                <b>{product.name.clone()}</b>" · "{(text.full_price)(&format::money(&full))}
            </p>
            {number_field(text.deal_price, price, "deal-price", step, true)}
            {number_field(text.deal_units, quantity, "deal-quantity", "1".into(), true)}
            {number_field(text.per_buyer, per_buyer, "deal-per-buyer", "1".into(), true)}
            {number_field(text.minutes, minutes, "deal-minutes", "1".into(), true)}
            <button class="studio-primary" data-testid="start-deal"
                disabled=move || running.get() || start.pending().get()>
                {move || if running.get() { text.deal_running } else { text.start_deal }}
            </button>
        </form>
    }
}

/// A labelled number field bound to `value`, as the selling forms have them
/// (the deal form's, the coupon form's). `step` is the finest value it takes.
pub(super) fn number_field(
    label: &'static str,
    value: RwSignal<String>,
    testid: &'static str,
    step: String,
    required: bool,
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type="number" min="0" step=step inputmode="decimal" required=required
                data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

/// The picked product's units per variant, each settable.
#[component]
fn StockRows(
    product: ProductSummary,
    stock: Memo<Vec<Units>>,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let rows = product.variants.into_iter().map(|variant| {
        let product_id = product.id.clone();
        let units = {
            let (p, v) = (product_id.clone(), variant.id.clone());
            move || {
                stock
                    .read()
                    .iter()
                    .find(|u| u.product_id == p && u.variant_id == v)
                    .map(|u| u.stock)
            }
        };
        let typed = RwSignal::new(None::<String>);
        let label = if variant.label.is_empty() { text.in_stock.to_owned() } else { variant.label.clone() };
        let variant_id = variant.id.clone();
        let save = Action::new_local(move |(show, value): &(String, u32)| {
            let (show, value) = (show.clone(), *value);
            let (product_id, variant_id) = (product_id.clone(), variant_id.clone());
            async move {
                let api = workspace.api.get_value();
                match api.set_stock(&show, &product_id, &variant_id, value).await {
                    Ok(_) => {
                        typed.set(None);
                        workspace.notice.set(Some(text.stock_set.to_owned()));
                    }
                    Err(refused) => workspace.notice.set(Some(refused.message)),
                }
                on_done();
            }
        });
        let set = move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let (Some(show), Some(value)) = (workspace.show_id(), typed.get_untracked()) else {
                return;
            };
            let Ok(value) = value.trim().parse::<u32>() else {
                workspace.notice.set(Some(text.stock_whole_number.to_owned()));
                return;
            };
            save.dispatch((show, value));
        };
        view! {
            <form class="studio-stock-row" on:submit=set>
                <label>
                    <span>{label}</span>
                    <input type="number" min="0" step="1" inputmode="numeric"
                        data-testid=format!("stock-{}", variant.id)
                        prop:value=move || typed.get().or_else(|| units().map(|u| u.to_string())).unwrap_or_default()
                        on:input=move |ev| typed.set(Some(event_target_value(&ev))) />
                </label>
                <button class="studio-quiet" data-testid=format!("set-stock-{}", variant.id)>{text.set_stock}</button>
            </form>
        }
    }).collect_view();
    view! {
        <div class="studio-stock" data-testid="stock">{rows}</div>
    }
}
