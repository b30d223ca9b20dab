//! An order that waits for its payment while the show goes on: the amount, a
//! countdown on the server's clock, and what to do (scan a QRIS code, transfer
//! to a virtual account, open or approve in the wallet, pay the courier). The
//! shopper can close it and keep watching; the orders' "Pay now" opens it
//! again. The server's `OrderUpdated`, pushed to every tab of the session,
//! turns it confirmed, paid on delivery or expired in place.
mod action;
mod qr;

use lapak_protocol::{Money, Order, OrderStatus, PaymentDue};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::browser::focus::use_focus_on_mount;
use crate::browser::intl::format_money;
use crate::features::clock_text;
use crate::features::deal::ServerClock;
use crate::features::icons::CheckIcon;
use crate::features::order_memo;
use crate::features::price::Price;
use crate::features::sheet::{lazy_body, lazy_sheet_body, Sheet, SplitLoaderError};
use crate::features::Panel;
use crate::i18n::{self, Catalogue};
use crate::store::payments::{due, minutes_left, ms_left};
use crate::store::{State, StateStoreFields};
use action::PayActionView;

/// The payment sheet, while `Panel::Payment(number)` is open (the orders' "Pay now").
#[component]
pub fn PaymentSheet(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let number = Memo::new(move |_| match &*panel.read() {
        Panel::Payment(number) => Some(number.clone()),
        _ => None,
    });
    move || {
        number.get().map(|number| {
            view! {
                <Sheet panel open=Panel::Payment(number) class="lapak-sheet-tall lapak-payment" title=text.payment_title
                    testid="payment-sheet" back=(Panel::Orders, text.back_to_orders)>
                    {lazy_body(move || payment_body(state, panel))}
                </Sheet>
            }
        })
    }
}

// The sheet's body, in its own lazily loaded wasm chunk (`payment`, with the QR encoder).
lazy_sheet_body!(payment, preload_payment, fn payment_body(state, panel) {
    {
        let number = match panel.get_untracked() {
            Panel::Payment(number) => number,
            _ => String::new(),
        };
        let close = move |_| panel.set(Panel::Closed);
        view! { <PaymentStatus state number on_done=close/> }.into_any()
    }
});

/// An order's payment as it stands now: what to pay and how while it waits;
/// then confirmed, to be paid on delivery, or expired.
#[component]
pub fn PaymentStatus(
    /// The whole state.
    state: Store<State>,
    /// The order's number.
    number: String,
    /// "Keep watching": closes what shows it.
    on_done: impl Fn(leptos::ev::MouseEvent) + Clone + 'static,
) -> impl IntoView {
    let text = i18n::text();
    let order = order_memo(state, number.clone());
    let status = Memo::new(move |_| order.read().as_ref().map(|o| o.status));
    let amount = Memo::new(move |_| {
        let order = order.read();
        let order = order.as_ref()?;
        Some(
            order
                .payment
                .as_ref()
                .map_or(&order.totals.total, |p| &p.amount)
                .clone(),
        )
    });
    // The pay button is gone: the one way on takes focus, so the keyboard stays in the sheet.
    let done = NodeRef::new();
    use_focus_on_mount(done);
    view! {
        <div class="lapak-payment-status" data-testid="payment-status">
            {move || match status.get() {
                Some(OrderStatus::AwaitingPayment) => view! { <Waiting state order/> }.into_any(),
                Some(status) => view! { <Settled state status amount text/> }.into_any(),
                None => ().into_any(),
            }}
            <p class="lapak-muted lapak-payment-order" data-testid="payment-order">{(text.order_number)(&number)}</p>
            <button class="lapak-primary" node_ref=done aria-describedby="lapak-payment-heading" on:click=on_done>
                {text.keep_watching}
            </button>
        </div>
    }
}

/// What is due, until when, and how to pay it.
#[component]
fn Waiting(state: Store<State>, order: Memo<Option<Order>>) -> impl IntoView {
    let text = i18n::text();
    let due = Memo::new(move |_| order.read().as_ref().and_then(|o| due(o).cloned()));
    move || {
        due.get().map(|due| {
            let amount = format_money(&due.amount, &state.locale().read_untracked().tag);
            let money = Signal::stored(Some(due.amount.clone()));
            view! {
                <div class="lapak-due" data-testid="payment-due">
                    <h3 id="lapak-payment-heading" data-testid="payment-heading">{text.awaiting_title}</h3>
                    <p class="lapak-due-amount">
                        <span class="lapak-muted">{text.amount_due}</span>
                        <strong data-testid="due-amount"><Price locale=state.locale() money/></strong>
                    </p>
                    <Countdown due=due.clone()/>
                    <PayActionView action=due.action amount/>
                </div>
            }
        })
    }
}

/// A payment that no longer waits: confirmed, to be paid on delivery, expired, or as its status says.
#[component]
fn Settled(
    state: Store<State>,
    status: OrderStatus,
    amount: Memo<Option<Money>>,
    text: &'static Catalogue,
) -> impl IntoView {
    let courier = move || {
        let tag = state.locale().read_untracked().tag.clone();
        let amount = amount.get().map(|a| format_money(&a, &tag));
        (text.pay_courier)(&amount.unwrap_or_default())
    };
    let (confirmed, heading, hint) = match status {
        OrderStatus::Paid => (true, text.order_confirmed, text.paid_hint.to_owned()),
        OrderStatus::PayOnDelivery => (true, text.on_delivery_confirmed, courier()),
        OrderStatus::Expired => (
            false,
            text.payment_expired,
            text.payment_expired_hint.to_owned(),
        ),
        other => (false, text.status(other), String::new()),
    };
    view! {
        <div class="lapak-confirmed" class:is-over=!confirmed data-testid="payment-settled">
            {confirmed.then(|| view! { <CheckIcon/> })}
            <h3 id="lapak-payment-heading" data-testid="payment-heading">{heading}</h3>
            <p class="lapak-muted">{hint}</p>
        </div>
    }
}

/// Time left to pay `due`, on the server's clock: `m:ss` on screen, and for
/// screen readers whole minutes, which a reader meets when it reads the line
/// (a second-by-second text would be read out every second).
#[component]
pub fn Countdown(
    /// The payment due (nothing shows when it does not expire).
    due: PaymentDue,
) -> impl IntoView {
    let text = i18n::text();
    let clock = expect_context::<ServerClock>();
    let left = Memo::new(move |_| ms_left(&due, clock.0.get()));
    let seconds = Memo::new(move |_| left.get().map(|ms| (ms + 999) / 1000));
    let minutes = Memo::new(move |_| left.get().map(minutes_left));
    let shown = move || match seconds.get() {
        Some(0) => text.time_up.to_owned(),
        Some(s) => (text.pay_within)(&clock_text(s)),
        None => String::new(),
    };
    let said = move || match minutes.get() {
        Some(0) => text.time_up.to_owned(),
        Some(m) => (text.minutes_to_pay)(m),
        None => String::new(),
    };
    view! {
        <Show when=move || left.get().is_some()>
            <p class="lapak-countdown" class:is-up=move || seconds.get() == Some(0) data-testid="due-countdown">
                <span aria-hidden="true">{shown}</span>
                <span class="lapak-visually-hidden">{said}</span>
            </p>
        </Show>
    }
}
