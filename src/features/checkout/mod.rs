//! Checkout without leaving the stream: the server re-prices the cart (and says
//! what changed), the shopper gives contact, address, delivery and how to pay
//! on one sheet, pays, and sees the confirmation — or the payment waiting to be
//! made in a bank or e-wallet app, or, when the payment did not go through,
//! the same form still filled in, to pay again. The video keeps playing,
//! minimized.
mod confirm;
mod failed;
pub(crate) mod form;
mod method;
mod review;
pub mod stripe_card;

use lapak_protocol::{Card, CheckoutRequest, Money, PayMethod, Quote, RejectCode};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::clock::year_month;
use crate::browser::focus::{first_invalid, use_focus_on_mount};
use crate::browser::intl::format_money;
use crate::features::coupons::CouponPicker;
use crate::features::icons::{CheckIcon, LockIcon};
use crate::features::order_memo;
use crate::features::orders::OrderCard;
use crate::features::payment::PaymentStatus;
use crate::features::sheet::{lazy_body, lazy_sheet_body, Sheet, SplitLoaderError};
use crate::features::Panel;
use crate::i18n;
use crate::store::payments::{offered, takes_test_card};
use crate::store::{payment_failed, CartMode, State, StateStoreFields};
use confirm::{Placed, StripeConfirm};
use failed::PaymentFailed;
use form::{Form, TextField};
use lapak_protocol::{Field, OrderStatus};
use method::{with_phone, MethodDetails, MethodPicker};
use review::{Delivery, QuoteLines, Summary};
use stripe_card::StripeCardHandle;

/// Starts checkout: Lapak's own sheet, or the host page's checkout in host-cart mode.
pub fn open_checkout(state: Store<State>, actions: Actions, panel: RwSignal<Panel>) {
    actions.start_checkout();
    if state.cart_mode().get_untracked() == CartMode::Lapak {
        panel.set(Panel::Checkout);
    }
}

/// The checkout sheet, while `Panel::Checkout` is open.
#[component]
pub fn CheckoutSheet(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Sheet panel open=Panel::Checkout class="lapak-sheet-tall lapak-checkout" title=text.checkout testid="checkout">
            {lazy_body(move || checkout_body(state, panel))}
        </Sheet>
    }
}

// The sheet's body, in its own lazily loaded wasm chunk (`checkout`). A failed
// fetch comes back as `Err` (not a panic) and is not cached: calling again retries.
lazy_sheet_body!(checkout, preload_checkout, fn checkout_body(state, panel) { view! { <Checkout state panel/> }.into_any() });

#[component]
fn Checkout(state: Store<State>, panel: RwSignal<Panel>) -> impl IntoView {
    let actions = expect_context::<Actions>();
    // However the sheet goes (close button, Escape, another sheet), checkout ends with it.
    on_cleanup(move || actions.close_checkout());
    let close = move |_| panel.set(Panel::Closed);
    // Kept while the sheet is open, so that paying again finds the details filled in.
    let form = Form::new();
    let choice = RwSignal::new(None::<String>);
    let method = RwSignal::new(None::<PayMethod>);
    let checkout = state.checkout();
    // Stripe's card fields, when the show takes cards through Stripe: kept by
    // the sheet, so the order they confirm finds them still mounted.
    let stripe = StripeCardHandle::default();
    // A failed payment goes back to the form: there is nothing to confirm.
    let shown = Memo::new(move |_| {
        let checkout = checkout.read();
        let orders = state.orders().read();
        let failed = payment_failed(&checkout, &orders);
        let Some(number) = checkout.placed.clone().filter(|_| !failed) else {
            return (None, Placed::InStripe);
        };
        let order = orders.iter().find(|o| o.number == number);
        match order.map_or(Placed::AtOnce, Placed::of) {
            // A card in Stripe's fields: the form stays (the same one: its
            // fields confirm the payment), as before the order was placed.
            Placed::InStripe => (None, Placed::InStripe),
            placed => (Some(number), placed),
        }
    });
    view! {
        {move || match shown.get() {
            // Paid elsewhere (a QR, a transfer, an app) or on delivery: what to do, then its outcome.
            (Some(number), Placed::Elsewhere) => {
                view! { <PaymentStatus state number on_done=close/> }.into_any()
            }
            (Some(number), _) => {
                view! { <Confirmation state number on_done=close/> }.into_any()
            }
            (None, _) => {
                view! { <OrderForm state form choice method stripe=stripe.clone()/> }.into_any()
            }
        }}
    }
}

#[component]
fn OrderForm(
    state: Store<State>,
    /// The shopper's details.
    form: Form,
    /// The delivery option the shopper picked, if any.
    choice: RwSignal<Option<String>>,
    /// The payment method the shopper picked, if any.
    method: RwSignal<Option<PayMethod>>,
    /// Stripe's card fields, when the show takes cards through Stripe.
    stripe: StripeCardHandle,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let checkout = state.checkout();
    let quote = Memo::new(move |_| checkout.read().quote.clone());
    let shipping = Memo::new(move |_| {
        let quote = quote.read();
        let options = &quote.as_ref()?.shipping;
        choice
            .get()
            .filter(|id| options.iter().any(|o| &o.id == id))
            .or_else(|| options.first().map(|o| o.id.clone()))
    });
    let totals = Memo::new(move |_| quote.read().as_ref()?.totals(&shipping.get()?));
    let payments = Memo::new(move |_| state.with(State::payments));
    let test_card = Memo::new(move |_| takes_test_card(&payments.read()));
    let offered = Memo::new(move |_| {
        // why: before the quote there is no total; a total in no currency
        // offers every method but cash on delivery, whose limit needs one.
        let unknown = Money {
            minor: i64::MAX,
            currency: String::new(),
        };
        let totals = totals.read();
        let total = totals.as_ref().map_or(&unknown, |t| &t.total);
        offered(&payments.read(), total)
    });
    let chosen = Memo::new(move |_| {
        let offered = offered.read();
        method
            .get()
            .filter(|m| offered.contains(m))
            .or_else(|| offered.first().cloned())
    });
    let request = move || {
        let method = with_phone(chosen.get()?, || form.wallet_phone());
        // The card goes out only for the demo card (the store checks it again).
        let card = if method == PayMethod::Card && test_card.get() {
            form.card()
        } else {
            Card::default()
        };
        let quote = quote.get()?;
        Some(CheckoutRequest {
            lines: quote.order_lines(),
            shipping: shipping.get()?,
            total: totals.get()?.total,
            // The coupon the quote applied: its total is the total shown.
            coupon: quote.coupon.as_ref().map(|c| c.code.clone()),
            contact: form.contact(),
            address: form.address(),
            method,
            card,
        })
    };
    let problems = Signal::derive(move || {
        let (year, month) = year_month();
        let Some(request) = request() else {
            return Vec::new();
        };
        let mut problems = request.problems(year, month);
        // why: the protocol takes an empty card for one typed into Stripe's
        // fields; the demo card's own fields must be filled in.
        if request.method == PayMethod::Card && test_card.get() && request.card == Card::default() {
            problems.extend(request.card.problems(year, month));
        }
        problems
    });
    let paying = Memo::new(move |_| state.outbox().read().paying());
    let failed = Memo::new(move |_| payment_failed(&checkout.read(), &state.orders().read()));
    let refused = Memo::new(move |_| checkout.read().refused);
    Effect::new(move |_| {
        if refused.get() == Some(RejectCode::PaymentDeclined) {
            form.clear_card();
        }
    });
    let confirming = StripeConfirm::new(state, stripe.clone());
    // why: Stripe's fields that could not load would place an order nothing can pay.
    let card_unavailable = stripe.unavailable();
    let buyable = move || {
        quote.read().as_ref().is_some_and(Quote::buyable)
            && chosen.read().is_some()
            && !card_unavailable.get()
    };
    let form_ref = NodeRef::new();
    let pay = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The order is placed and its card was refused in Stripe's fields: try the card again.
        if confirming.retry() {
            return;
        }
        form.submitted.set(true);
        if !problems.read().is_empty() {
            first_invalid(form_ref);
            return;
        }
        if !buyable() || paying.get_untracked() {
            return;
        }
        match request() {
            // Under a new id: the failed order's id would only find it again.
            Some(request) if failed.get_untracked() => actions.pay_again(request),
            Some(request) => actions.place_order(request),
            None => {}
        }
    };
    let alert = move || {
        if let Some(why) = confirming.problem.get() {
            return Some(why);
        }
        let refused = refused
            .get()
            .map(|code| text.checkout_refusal(code).to_owned());
        let invalid = (form.submitted.get() && !problems.read().is_empty())
            .then(|| text.check_fields.to_owned());
        refused.or(invalid)
    };
    let busy = move || paying.get() || confirming.busy();
    let pay_label = move || match (busy(), totals.get(), chosen.get()) {
        (true, ..) => text.paying.to_owned(),
        (false, Some(t), Some(method)) => {
            text.pay_button(&method, &format_money(&t.total, &state.locale().read().tag))
        }
        (false, Some(t), None) => (text.pay)(&format_money(&t.total, &state.locale().read().tag)),
        (false, None, _) => text.quoting.to_owned(),
    };
    let field = move |field: Field| view! { <TextField form field text problems/> };
    view! {
        <form class="lapak-form" novalidate node_ref=form_ref on:submit=pay>
            <Show when=move || quote.read().is_none()>
                <p class="lapak-empty" role="status">{text.quoting}</p>
            </Show>
            <section aria-labelledby="lapak-review-title">
                <h3 id="lapak-review-title">{text.review_title}</h3>
                <QuoteLines state quote/>
            </section>
            <section aria-labelledby="lapak-contact-title">
                <h3 id="lapak-contact-title">{text.contact_title}</h3>
                {field(Field::Name)}
                <div class="lapak-row">{field(Field::Email)}{field(Field::Phone)}</div>
            </section>
            <section aria-labelledby="lapak-address-title">
                <h3 id="lapak-address-title">{text.address_title}</h3>
                {field(Field::Street)}
                <div class="lapak-row">{field(Field::City)}{field(Field::PostalCode)}</div>
            </section>
            <Delivery state quote shipping choice/>
            <CouponPicker state quote/>
            <section aria-labelledby="lapak-payment-title">
                <h3 id="lapak-payment-title"><LockIcon/> {text.payment_title}</h3>
                <MethodPicker offered chosen choice=method test_card/>
                <MethodDetails chosen cards=Signal::derive(move || payments.read().cards.clone()) field stripe/>
            </section>
            <Summary state text totals/>
            <p class="lapak-alert" role="alert" data-testid="checkout-alert" class:is-empty=move || alert().is_none()>
                {alert}
            </p>
            <Show when=move || failed.get() fallback=move || view! {
                <button type="submit" class="lapak-primary" data-testid="pay" disabled=move || busy() || !(buyable() || confirming.waiting())>
                    {pay_label}
                </button>
            }>
                <PaymentFailed text paying/>
            </Show>
        </form>
    }
}

#[component]
fn Confirmation(
    state: Store<State>,
    number: String,
    on_done: impl Fn(leptos::ev::MouseEvent) + Clone + 'static,
) -> impl IntoView {
    let text = i18n::text();
    let order = order_memo(state, number.clone());
    let status = Memo::new(move |_| order.read().as_ref().map(|o| o.status));
    // The pay button is gone: the one way on takes focus, so the keyboard stays in the sheet.
    let done = NodeRef::new();
    use_focus_on_mount(done);
    let heading = move || match status.get() {
        Some(OrderStatus::PaymentPending) => text.confirming_payment,
        _ => text.order_confirmed,
    };
    view! {
        <div class="lapak-confirmation" data-testid="confirmation">
            <div class="lapak-confirmed" class:is-pending=move || status.get() == Some(OrderStatus::PaymentPending) role="status">
                <CheckIcon/>
                <h3>{heading}</h3>
                <Show when=move || status.get() == Some(OrderStatus::PaymentPending)>
                    <p class="lapak-muted">{text.confirming_hint}</p>
                </Show>
            </div>
            <OrderCard state number/>
            <button class="lapak-primary" node_ref=done on:click=on_done>{text.keep_watching}</button>
        </div>
    }
}
