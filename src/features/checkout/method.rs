//! How the shopper pays: a radio group of the methods the show offers for
//! this total (arrow keys move through it), and under it what the chosen one
//! needs — the test provider's demo card fields, the slot Stripe's own card
//! fields are mounted in, the OVO number to push the payment to, or a line
//! on what happens after paying.
use lapak_protocol::{CardFields, Ewallet, Field, PayMethod};
use leptos::prelude::*;

use super::stripe_card::{StripeCard, StripeCardHandle};
use crate::i18n;

/// A method's radio value, and its `data-testid` after `method-`.
pub fn method_key(method: &PayMethod) -> String {
    match method {
        PayMethod::Card => "card".into(),
        PayMethod::Qris => "qris".into(),
        PayMethod::Ewallet { wallet, .. } => format!("ewallet-{}", wallet.name().to_lowercase()),
        PayMethod::VirtualAccount { bank } => format!("va-{}", bank.name().to_lowercase()),
        PayMethod::CashOnDelivery => "cod".into(),
    }
}

/// The methods on offer, one radio each.
#[component]
pub fn MethodPicker(
    /// The methods the show offers for the total now, in the picker's order.
    #[prop(into)]
    offered: Signal<Vec<PayMethod>>,
    /// The method in use: the shopper's choice while it is offered, else the first.
    #[prop(into)]
    chosen: Signal<Option<PayMethod>>,
    /// What the shopper picked.
    choice: RwSignal<Option<PayMethod>>,
    /// Whether cards are the test provider's demo cards (marked as test mode).
    #[prop(into)]
    test_card: Signal<bool>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <fieldset class="lapak-methods" data-testid="pay-methods">
            <legend class="lapak-visually-hidden">{text.method_title}</legend>
            <Show when=move || offered.read().is_empty()>
                <p class="lapak-alert" data-testid="no-methods">{text.no_methods}</p>
            </Show>
            <For each=move || offered.get() key=method_key children=move |method| {
                let key = method_key(&method);
                let name = text.method_name(&method);
                let is_card = method == PayMethod::Card;
                let this = method.clone();
                let checked = Memo::new(move |_| chosen.read().as_ref() == Some(&this));
                view! {
                    <label class="lapak-option lapak-method" class:is-chosen=move || checked.get()>
                        <input type="radio" name="lapak-method" value=key.clone() prop:checked=move || checked.get()
                            data-testid=format!("method-{key}") on:change=move |_| choice.set(Some(method.clone()))/>
                        <span class="lapak-option-text"><strong>{name}</strong></span>
                        <Show when=move || is_card && test_card.get()>
                            <span class="lapak-pill is-pending" data-testid="test-mode">{text.test_mode}</span>
                        </Show>
                    </label>
                }
            }/>
        </fieldset>
    }
}

/// What the chosen method needs under the picker. `field` draws one of the form's fields.
#[component]
pub fn MethodDetails<F, V>(
    /// The method in use.
    #[prop(into)]
    chosen: Signal<Option<PayMethod>>,
    /// Whose fields take a card.
    #[prop(into)]
    cards: Signal<Option<CardFields>>,
    /// Draws a field of the form.
    field: F,
    /// Stripe's card fields, when the show takes cards through Stripe.
    stripe: StripeCardHandle,
) -> impl IntoView
where
    F: Fn(Field) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let text = i18n::text();
    // Re-drawn only when the kind of method changes, so typing keeps its field.
    let kind = Memo::new(move |_| chosen.get());
    move || {
        match kind.get() {
        Some(PayMethod::Card) => match cards.get() {
            Some(CardFields::Stripe {
                publishable_key,
                js_url,
            }) => view! {
                // why: Stripe's own fields are mounted here by its adapter, so no
                // card number passes through the widget's inputs.
                <div class="lapak-card-slot" data-testid="card-slot">
                    <StripeCard js_url publishable_key handle=stripe.clone() label=text.label(Field::CardNumber)/>
                </div>
                <p class="lapak-hint">{text.card_note}</p>
            }
            .into_any(),
            _ => view! {
                <p class="lapak-hint lapak-test-mode">{text.test_mode_hint}</p>
                {field(Field::CardNumber)}
                <div class="lapak-row">{field(Field::Expiry)}{field(Field::Cvc)}</div>
                <p class="lapak-hint">{text.card_note}</p>
            }
            .into_any(),
        },
        Some(PayMethod::Ewallet { wallet, .. }) if wallet.pushes() => view! {
            {field(Field::WalletPhone)}
            <p class="lapak-hint">{(text.push_hint)(wallet.name())}</p>
        }
        .into_any(),
        Some(method) => {
            let hint = hint(text, &method);
            view! { <p class="lapak-hint" data-testid="method-hint">{hint}</p> }.into_any()
        }
        None => ().into_any(),
    }
    }
}

/// What happens after paying by a method that needs nothing typed.
fn hint(text: &'static i18n::Catalogue, method: &PayMethod) -> String {
    match method {
        PayMethod::Qris => text.qris_hint.to_owned(),
        PayMethod::Ewallet { wallet, .. } => (text.ewallet_hint)(wallet.name()),
        PayMethod::VirtualAccount { bank } => (text.va_hint)(bank.name()),
        PayMethod::CashOnDelivery => text.cod_hint.to_owned(),
        PayMethod::Card => String::new(),
    }
}

/// The method as the order request carries it: OVO with the number typed.
pub fn with_phone(method: PayMethod, phone: impl FnOnce() -> String) -> PayMethod {
    match method {
        PayMethod::Ewallet { wallet, .. } if Ewallet::pushes(wallet) => PayMethod::Ewallet {
            wallet,
            phone: Some(phone()),
        },
        method => method,
    }
}
