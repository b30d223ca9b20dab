//! The show's orders after checkout, newest first: each with its status,
//! how it is paid, its total and what was refunded, flagged when its
//! provider reported another amount; and what the brand may do to it now —
//! refund a paid one (all that is left, or an amount), cancel one not paid
//! yet, mark cash on delivery delivered or returned — each asked once more
//! before it is sent. Below, the payment providers' callback URLs to enter
//! in their dashboards. The server checks every rule (docs/api.md).

use std::time::Duration;

use lapak_protocol::api::orders::{OrderPage, ShowOrder};
use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::{Money, OrderStatus};
use leptos::prelude::*;

use super::Workspace;
use crate::format;
use crate::text::Text;
use crate::trouble::{in_words, of_load, Said};

/// How often the orders are read again while the show's stream is down.
const ORDERS_EVERY: Duration = Duration::from_secs(2);
/// The changes the list follows: an order settled or moved, and the stock an
/// order takes or gives back (a new order, an expired one).
const ORDERS_CHANGE_ON: &[&str] = &["orders", "stock"];

/// What the brand may do to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    Refund,
    Cancel,
    Delivered,
    Returned,
}

impl Act {
    /// The last part of the API's path for it.
    fn path(self) -> &'static str {
        match self {
            Act::Refund => "refund",
            Act::Cancel => "cancel",
            Act::Delivered => "delivered",
            Act::Returned => "returned",
        }
    }

    fn label(self, text: &Text) -> &'static str {
        match self {
            Act::Refund => text.refund,
            Act::Cancel => text.cancel_order,
            Act::Delivered => text.delivered,
            Act::Returned => text.returned,
        }
    }

    /// The question before it, for order `number` with `left` not refunded yet.
    fn question(self, text: &Text, number: &str, left: &str) -> String {
        match self {
            Act::Refund => (text.confirm_refund)(number, left),
            Act::Cancel => (text.confirm_cancel)(number),
            Act::Delivered => (text.confirm_delivered)(number),
            Act::Returned => (text.confirm_returned)(number),
        }
    }

    /// What was done, to order `number` (a refund: `amount`).
    fn done(self, text: &Text, number: &str, amount: &str) -> String {
        match self {
            Act::Refund => (text.order_refunded)(number, amount),
            Act::Cancel => (text.order_cancelled)(number),
            Act::Delivered => (text.order_delivered)(number),
            Act::Returned => (text.order_returned)(number),
        }
    }
}

/// What may be done to `order` as it stands.
pub fn acts(order: &ShowOrder) -> Vec<Act> {
    let left = order.totals.total.minor - order.refunded.minor;
    match order.status {
        // Paid on delivery, it has no provider to refund through.
        OrderStatus::Paid if order.provider.is_some() && left > 0 => vec![Act::Refund],
        OrderStatus::PaymentPending | OrderStatus::AwaitingPayment => vec![Act::Cancel],
        OrderStatus::PayOnDelivery => vec![Act::Delivered, Act::Returned, Act::Cancel],
        _ => Vec::new(),
    }
}

/// The refund typed, in `currency`: `Some(None)` for all that is left (an
/// empty field), `None` when it is not an amount. Its range is the server's
/// to check, so its refusal says what is wrong.
pub fn refund_amount(typed: &str, currency: &str) -> Option<Option<Money>> {
    match typed.trim() {
        "" => Some(None),
        typed => Money::from_decimal(typed, currency).map(Some),
    }
}

/// Why a change to an order was refused, in the host's language.
pub fn refused_words(text: &Text, refusal: &Refusal) -> &'static str {
    match refusal.code.as_str() {
        "wrong_status" | "moved" => text.wrong_status,
        "paid_meanwhile" => text.paid_meanwhile,
        "provider_refused" => text.provider_refused,
        "no_provider" => text.no_provider,
        "invalid" => text.refund_too_much,
        _ => in_words(text, refusal),
    }
}

/// The show's orders, what may be done to them, and the providers' callbacks.
#[component]
pub fn Orders() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    // The page shown: the newest, or those older than this order.
    let before = RwSignal::new(None::<String>);
    let read = LocalResource::new(move || {
        let show = workspace.show_id().unwrap_or_default();
        let before = before.get();
        async move {
            let api = workspace.api.get_value();
            api.orders(&show, before.as_deref()).await
        }
    });
    crate::events::refetch_on(ORDERS_CHANGE_ON, ORDERS_EVERY, read);
    // The last page read stays listed while a read fails; the failure is said above it.
    let page = Memo::new(move |last: Option<&Option<OrderPage>>| match read.get() {
        Some(Ok(found)) => Some(found),
        _ => last.cloned().flatten(),
    });
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    let asking = RwSignal::new(None::<(ShowOrder, Act)>);
    let amount = RwSignal::new(String::new());
    let refused = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ask = move |order: ShowOrder, act: Act| {
        amount.set(String::new());
        refused.set(None);
        asking.set(Some((order, act)));
    };
    let confirm = move |_| {
        let (Some((order, act)), Some(show)) = (asking.get_untracked(), workspace.show_id()) else {
            return;
        };
        let currency = order.totals.total.currency.clone();
        let body = match act {
            Act::Refund => match refund_amount(&amount.get_untracked(), &currency) {
                Some(body) => body,
                None => {
                    refused.set(Some((text.amount_not_money)(&currency)));
                    return;
                }
            },
            _ => None,
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let api = workspace.api.get_value();
            let number = order.number;
            let done = match act {
                Act::Refund => api
                    .refund(&show, &number, body)
                    .await
                    .map(|refunded| format::money(&refunded.amount)),
                _ => api
                    .move_order(&show, &number, act.path())
                    .await
                    .map(|_| String::new()),
            };
            match done {
                Ok(amount) => {
                    workspace.notice.set(Some(act.done(text, &number, &amount)));
                    refused.set(None);
                    asking.set(None);
                }
                Err(refusal) => refused.set(Some(refused_words(text, &refusal).to_owned())),
            }
            busy.set(false);
            read.refetch();
        });
    };
    let row = move |order: ShowOrder| {
        let number = order.number.clone();
        let buttons = acts(&order)
            .into_iter()
            .map(|act| {
                let order = order.clone();
                let testid = format!("order-{}-{}", act.path(), order.number);
                // Every row has these buttons: the order's number tells them apart.
                let name = format!("{} {}", act.label(text), order.number);
                view! {
                    <button type="button" class="studio-quiet" data-testid=testid aria-label=name
                        on:click=move |_| ask(order.clone(), act)>
                        {act.label(text)}
                    </button>
                }
            })
            .collect_view();
        let flag = order.flagged.clone().map(|why| {
            view! { <span class="studio-flag" title=why>{text.amount_differed}</span> }
        });
        let refunded = (order.refunded.minor > 0).then(|| format::money(&order.refunded));
        view! {
            <tr data-testid=format!("order-{number}") data-status=format::spelled(order.status)>
                <th scope="row">{number.clone()}</th>
                <td>{format::when(order.placed_at_ms)}</td>
                <td>{(text.pay_method)(&order.method)}</td>
                <td>{(text.order_status)(order.status)}{flag}</td>
                <td>{format::money(&order.totals.total)}</td>
                <td>{refunded}</td>
                <td class="studio-order-acts">{buttons}</td>
            </tr>
        }
    };
    let question = move || {
        asking.get().map(|(order, act)| {
            let total = &order.totals.total;
            let left = Money {
                minor: total.minor - order.refunded.minor,
                currency: total.currency.clone(),
            };
            let step = format::step(&total.currency);
            let field = (act == Act::Refund).then(|| {
                view! {
                    <label>
                        <span>{text.refund_amount}</span>
                        <input type="number" min="0" step=step data-testid="refund-amount"
                            prop:value=move || amount.get()
                            on:input=move |ev| amount.set(event_target_value(&ev)) />
                    </label>
                }
            });
            view! {
                <div class="studio-form-actions studio-order-confirm" data-testid="order-confirm">
                    <p class="studio-confirm" role="alert">
                        {act.question(text, &order.number, &format::money(&left))}
                    </p>
                    {field}
                    <button type="button" class="studio-danger studio-inline" data-testid="order-confirm-yes"
                        disabled=move || busy.get() on:click=confirm>
                        {text.yes_do_it}
                    </button>
                    <button type="button" class="studio-quiet" data-testid="order-confirm-back"
                        on:click=move |_| asking.set(None)>
                        {text.go_back}
                    </button>
                </div>
            }
        })
    };
    let orders = move || page.get().map(|p| p.orders).unwrap_or_default();
    let older = move || page.with(|p| p.as_ref().and_then(|p| p.before.clone()));
    view! {
        <main class="studio-dashboard" data-testid="orders">
            <section class="studio-panel">
                <h2>{text.orders}</h2>
                <Said trouble testid="orders-trouble" />
                {question}
                <p class="studio-error" role="alert" data-testid="order-refused">{move || refused.get()}</p>
                <Show when=move || page.with(|p| p.as_ref().is_some_and(|p| !p.orders.is_empty()))
                    fallback=move || view! { <p class="studio-empty">{text.no_orders}</p> }>
                    <table class="studio-table" data-testid="order-list">
                        <thead><tr>
                            <th scope="col">{text.orders}</th>
                            <th scope="col">{text.placed}</th>
                            <th scope="col">{text.method}</th>
                            <th scope="col">{text.status}</th>
                            <th scope="col">{text.total}</th>
                            <th scope="col">{text.refunded}</th>
                            <th scope="col"></th>
                        </tr></thead>
                        <tbody>
                            // Keyed by what a row shows, so a moved order is drawn anew.
                            <For each=orders
                                key=|o| (o.number.clone(), format::spelled(o.status), o.refunded.minor, o.flagged.clone())
                                children=row />
                        </tbody>
                    </table>
                </Show>
                <nav class="studio-form-actions">
                    <Show when=move || before.read().is_some()>
                        <button type="button" class="studio-quiet" data-testid="orders-newest"
                            on:click=move |_| before.set(None)>
                            {text.newest_orders}
                        </button>
                    </Show>
                    <Show when=move || older().is_some()>
                        <button type="button" class="studio-quiet" data-testid="orders-older"
                            on:click=move |_| before.set(older())>
                            {text.older_orders}
                        </button>
                    </Show>
                </nav>
            </section>
            <Webhooks />
        </main>
    }
}

/// Each payment provider's callback URL on this server, to enter in its dashboard.
#[component]
fn Webhooks() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let read =
        LocalResource::new(move || async move { workspace.api.get_value().payment_setup().await });
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    // The studio is served by the server the providers call.
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let providers = move || {
        let origin = origin.clone();
        read.get()
            .and_then(Result::ok)
            .map(|setup| setup.providers)
            .unwrap_or_default()
            .into_iter()
            .map(move |provider| {
                let url = format!("{origin}{}", provider.callback_path);
                let testid = format!("webhook-{}", provider.name);
                view! {
                    <li data-testid=testid>
                        <b>{provider.name}</b>" "<code>{url}</code>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="studio-panel" data-testid="webhooks">
            <h2>{text.webhooks}</h2>
            <p class="studio-empty">{text.webhooks_hint}</p>
            <Said trouble testid="webhooks-trouble" />
            <ul class="studio-list">{providers}</ul>
        </section>
    }
}

#[cfg(test)]
mod tests;
