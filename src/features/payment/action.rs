//! What the shopper does to pay an order that waits, by the provider's
//! action: scan a QR code, transfer to a virtual account, open the wallet,
//! approve a push, or pay the courier.
use lapak_protocol::{Bank, Ewallet, PayAction};
use leptos::prelude::*;

use super::qr::QrCodeImage;
use crate::browser::{clipboard, device};
use crate::i18n::{self, Catalogue};

/// The action for a payment of `amount` (formatted).
#[component]
pub fn PayActionView(
    /// What to do.
    action: PayAction,
    /// The amount to pay, formatted for the locale.
    amount: String,
) -> impl IntoView {
    let text = i18n::text();
    match action {
        PayAction::Qr { qr_string } => view! {
            <QrCodeImage text=qr_string label=(text.qr_label)(&amount)/>
            <Steps steps=text.qr_steps/>
        }
        .into_any(),
        PayAction::Transfer {
            bank,
            account_number,
        } => view! { <Transfer bank account_number text/> }.into_any(),
        PayAction::Open {
            wallet,
            url,
            deep_link,
        } => view! { <OpenWallet wallet url deep_link text/> }.into_any(),
        PayAction::Approve { wallet, phone } => view! {
            <p class="lapak-due-says" data-testid="approve">{(text.approve_in_app)(wallet.name(), &phone)}</p>
        }
        .into_any(),
        PayAction::OnDelivery => view! {
            <p class="lapak-due-says" data-testid="pay-courier">{(text.pay_courier)(&amount)}</p>
        }
        .into_any(),
        // why: a card waiting for 3-D Secure is confirmed in Stripe's own
        // fields (`features/checkout`'s card slot), not here.
        PayAction::Confirm { .. } => ().into_any(),
    }
}

/// Numbered steps.
#[component]
fn Steps(steps: [&'static str; 3]) -> impl IntoView {
    view! {
        <ol class="lapak-due-steps">{steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}</ol>
    }
}

/// A virtual account: the bank, the number to transfer to with a Copy button, and how.
#[component]
fn Transfer(bank: Bank, account_number: String, text: &'static Catalogue) -> impl IntoView {
    let copied = RwSignal::new(false);
    let number = account_number.clone();
    let copy = move |_| {
        clipboard::copy(&number);
        copied.set(true);
    };
    view! {
        <div class="lapak-va">
            <span class="lapak-muted">{(text.va_number)(bank.name())}</span>
            <div class="lapak-va-row">
                <strong class="lapak-va-number" data-testid="va-number">{account_number}</strong>
                <button type="button" class="lapak-chip-button" data-testid="copy-number" aria-label=text.copy_number on:click=copy>
                    {move || if copied.get() { text.copied } else { text.copy }}
                </button>
            </div>
            <p class="lapak-visually-hidden" role="status">{move || copied.get().then_some(text.copied)}</p>
        </div>
        <Steps steps=text.va_steps/>
    }
}

/// A link to the wallet: its app on a phone, its page on a computer.
#[component]
fn OpenWallet(
    wallet: Ewallet,
    url: String,
    deep_link: Option<String>,
    text: &'static Catalogue,
) -> impl IntoView {
    let app = deep_link.filter(|_| device::is_handheld());
    // why: an app's link opens the app over this page; a web page opens beside the show.
    let target = app.is_none().then_some("_blank");
    let href = app.unwrap_or(url);
    view! {
        <a class="lapak-primary lapak-wallet-link" href=href target=target rel="noopener noreferrer" data-testid="open-wallet">
            {(text.open_wallet)(wallet.name())}
        </a>
        <p class="lapak-hint">{text.open_hint}</p>
    }
}
