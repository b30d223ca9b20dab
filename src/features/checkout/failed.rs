//! A payment that did not go through: the server was interrupted before the
//! card was charged, so nothing was taken and the items are back in the cart.
//! Said plainly, with the one way on — paying again under a new order id, with
//! the details still filled in — focused.
use leptos::prelude::*;

use crate::browser::focus::use_focus_on_mount;
use crate::i18n::Catalogue;

/// What happened, and the "Pay again" button (it submits the form around it).
#[component]
pub fn PaymentFailed(
    /// The shopper's language.
    text: &'static Catalogue,
    /// Paying is under way: the button waits.
    #[prop(into)]
    paying: Signal<bool>,
) -> impl IntoView {
    let button = NodeRef::new();
    use_focus_on_mount(button);
    view! {
        <div class="lapak-failed" data-testid="payment-failed">
            <p id="lapak-failed-message" role="alert">
                <strong>{text.payment_failed}</strong>
                " "
                <span>{text.payment_failed_hint}</span>
            </p>
            <button type="submit" class="lapak-primary" data-testid="pay-again" node_ref=button
                aria-describedby="lapak-failed-message" disabled=move || paying.get()>
                {text.pay_again}
            </button>
        </div>
    }
}
