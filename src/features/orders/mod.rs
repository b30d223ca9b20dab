//! The shopper's orders: a button on the rail, a sheet with every order of this
//! session (kept by the server, so it survives a reload), and the order card the
//! checkout confirmation shows too. An order waiting for its payment shows the
//! time left and "Pay now", which opens what to pay and how.
use lapak_protocol::{Order, OrderStatus, PayMethod};
use leptos::prelude::*;
use reactive_stores::{Field, Store};

use crate::browser::intl::format_date_time;
use crate::features::icons::ReceiptIcon;
use crate::features::order_memo;
use crate::features::payment::Countdown;
use crate::features::price::Price;
use crate::features::sheet::{lazy_body, lazy_sheet_body, Sheet, SplitLoaderError};
use crate::features::Panel;
use crate::i18n;
use crate::store::payments::due;
use crate::store::{State, StateStoreFields};

/// Opens the orders sheet; only there once the shopper has ordered.
#[component]
pub fn OrdersButton(
    /// The shopper's orders.
    #[prop(into)]
    orders: Field<Vec<Order>>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Show when=move || !orders.read().is_empty()>
            <button
                class="lapak-round lapak-orders-button"
                data-testid="orders-button"
                aria-label=text.orders
                aria-expanded=move || (panel.get() == Panel::Orders).to_string()
                on:click=move |_| Panel::toggle(panel, Panel::Orders)
            >
                <ReceiptIcon/>
                <span class="lapak-round-label">{text.orders}</span>
            </button>
        </Show>
    }
}

/// The orders sheet, while `Panel::Orders` is open.
#[component]
pub fn OrdersSheet(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Sheet panel open=Panel::Orders class="lapak-sheet-tall" title=text.orders_title testid="orders-sheet">
            {lazy_body(move || orders_body(state, panel))}
        </Sheet>
    }
}

#[component]
fn OrdersList(state: Store<State>, panel: RwSignal<Panel>) -> impl IntoView {
    let text = i18n::text();
    let numbers = move || {
        state
            .orders()
            .read()
            .iter()
            .map(|o| o.number.clone())
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || state.orders().read().is_empty()>
            <p class="lapak-empty">{text.orders_empty}</p>
        </Show>
        <ul class="lapak-orders">
            <For each=numbers key=|n| n.clone() children=move |number| view! { <li><OrderCard state number panel/></li> }/>
        </ul>
    }
}

/// One order: number, status, when, lines, amounts, how it is paid.
#[component]
pub fn OrderCard(
    /// The whole state.
    state: Store<State>,
    /// The order's number.
    number: String,
    /// The open sheet: given, a waiting order offers "Pay now", which opens its payment.
    #[prop(optional)]
    panel: Option<RwSignal<Panel>>,
) -> impl IntoView {
    let text = i18n::text();
    let order = order_memo(state, number);
    move || {
        order.get().map(|order| {
            let paid_by = match order.payment.as_ref().map(|p| &p.method) {
                None | Some(PayMethod::Card) => (text.paid_with)(&order.card_last4),
                Some(method) => text.method_name(method),
            };
            let pay_now = panel.zip(due(&order).cloned()).map(|(panel, due)| {
                let number = order.number.clone();
                // why: several orders may wait; each "Pay now" is told apart by its order's number.
                let described_by = format!("lapak-order-{number}");
                view! {
                    <div class="lapak-order-due">
                        <Countdown due/>
                        <button class="lapak-chip-button" data-testid="pay-now" aria-describedby=described_by
                            on:click=move |_| panel.set(Panel::Payment(number.clone()))>
                            {text.pay_now}
                        </button>
                    </div>
                }
            });
            let Order {
                number,
                status,
                placed_at_ms,
                lines,
                totals,
                shipping,
                ..
            } = order;
            let locale = state.locale().read_untracked().tag.clone();
            let status_class = match status {
                OrderStatus::Paid | OrderStatus::PayOnDelivery => "is-paid",
                OrderStatus::PaymentPending | OrderStatus::AwaitingPayment => "is-pending",
                OrderStatus::Failed
                | OrderStatus::Expired
                | OrderStatus::Cancelled
                | OrderStatus::Returned
                | OrderStatus::Refunded => "is-failed",
            };
            let lines = lines
                .into_iter()
                .map(|line| {
                    let total = line.unit_price.times(line.quantity);
                    let variant = (!line.variant_label.is_empty()).then(|| format!(" · {}", line.variant_label));
                    view! {
                        <li class="lapak-order-line">
                            <span>{line.quantity} " × " {line.name} <span class="lapak-muted">{variant}</span></span>
                            <Price locale=state.locale() money=Signal::stored(total)/>
                        </li>
                    }
                })
                .collect_view();
            let discount = (totals.discount.minor > 0).then_some(totals.discount.clone());
            let coupon = totals.coupon.clone().filter(|c| c.minor > 0);
            view! {
                <article class="lapak-order" data-testid=format!("order-{number}")>
                    <header class="lapak-order-head">
                        <strong id=format!("lapak-order-{number}") data-testid="order-number">{(text.order_number)(&number)}</strong>
                        <span class=format!("lapak-pill {status_class}") data-testid="order-status">{text.status(status)}</span>
                    </header>
                    <p class="lapak-muted lapak-order-meta">
                        {format_date_time(placed_at_ms, &locale)} " · " {shipping} " · " {paid_by}
                    </p>
                    {pay_now}
                    <ul class="lapak-order-lines">{lines}</ul>
                    <dl class="lapak-sums">
                        {discount.map(|d| view! {
                            <div><dt>{text.discount}</dt><dd>"−" <Price locale=state.locale() money=Signal::stored(Some(d))/></dd></div>
                        })}
                        {coupon.map(|c| view! {
                            <div data-testid="order-coupon"><dt>{text.coupon}</dt><dd>"−" <Price locale=state.locale() money=Signal::stored(Some(c))/></dd></div>
                        })}
                        <div><dt>{text.shipping}</dt><dd><Price locale=state.locale() money=Signal::stored(Some(totals.shipping))/></dd></div>
                        <div class="lapak-sum-total"><dt>{text.total}</dt><dd><Price locale=state.locale() money=Signal::stored(Some(totals.total))/></dd></div>
                    </dl>
                </article>
            }
        })
    }
}

// The sheet's body, in its own lazily loaded wasm chunk (`orders`).
lazy_sheet_body!(orders, preload_orders, fn orders_body(state, panel) { view! { <OrdersList state panel/> }.into_any() });
