//! Prices, formatted by the browser's `Intl.NumberFormat` for the show's
//! currency and the shopper's locale.
use lapak_protocol::Money;
use leptos::prelude::*;
use reactive_stores::Field;

use crate::browser::intl::format_money;
use crate::store::Locale;

/// A formatted amount.
#[component]
pub fn Price(
    /// The shopper's locale, which formats it.
    #[prop(into)]
    locale: Field<Locale>,
    /// The amount; `None` renders nothing.
    #[prop(into)]
    money: Signal<Option<Money>>,
    /// Extra class names.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let text = move || {
        let locale = locale.read();
        money
            .get()
            .map(|m| format_money(&m, &locale.tag))
            .unwrap_or_default()
    };
    view! { <span class=format!("lapak-price {class}")>{text}</span> }
}
