//! The card in checkout when the show takes cards through Stripe: Stripe's own
//! fields, mounted in a node of their own, and a handle the form pays with
//! once the order's client secret arrives (`PayAction::Confirm`).
use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::browser::stripe::{mount_card, CardField};
use crate::i18n;

#[derive(Default)]
struct Slot {
    /// The mounted fields, once Stripe.js has loaded.
    field: Option<Rc<CardField>>,
    /// Counts the views that mounted fields: fields mounted late, for a view
    /// already gone, are dropped at once.
    view: u64,
}

/// The fields as the form reaches them: made by the form, given to
/// [`StripeCard`], and asked to confirm the payment.
#[derive(Clone)]
pub struct StripeCardHandle {
    slot: SendWrapper<Rc<RefCell<Slot>>>,
    /// Stripe.js could not be loaded (offline, or blocked by the page's
    /// Content-Security-Policy) in the view shown now: nothing can pay by card.
    unavailable: RwSignal<bool>,
}

impl Default for StripeCardHandle {
    fn default() -> StripeCardHandle {
        StripeCardHandle {
            slot: SendWrapper::new(Rc::default()),
            unavailable: RwSignal::new(false),
        }
    }
}

impl StripeCardHandle {
    /// Whether Stripe's fields are mounted and can pay.
    pub fn ready(&self) -> bool {
        self.slot.borrow().field.is_some()
    }

    /// Whether Stripe's fields are shown but could not load, so the form must
    /// not place an order it cannot pay.
    pub fn unavailable(&self) -> Signal<bool> {
        self.unavailable.into()
    }

    /// Confirms the payment of the order whose client secret this is, with the
    /// card in the fields (3-D Secure included): `Err` with the message for the
    /// shopper when it did not go through, or the fields are not there.
    pub async fn confirm(&self, client_secret: &str) -> Result<(), String> {
        // why: a clone, so the view may go away while Stripe answers.
        let field = self.slot.borrow().field.clone();
        match field {
            Some(field) => field.confirm_card_payment(client_secret).await,
            None => Err("the card fields are not ready".into()),
        }
    }

    /// A view begins mounting fields: its number.
    fn begin(&self) -> u64 {
        let mut slot = self.slot.borrow_mut();
        slot.view += 1;
        slot.field = None;
        self.unavailable.set(false);
        slot.view
    }

    fn mounted(&self, view: u64, field: CardField) {
        let mut slot = self.slot.borrow_mut();
        if slot.view == view {
            slot.field = Some(Rc::new(field));
        }
    }

    fn failed(&self, view: u64) {
        if self.slot.borrow().view == view {
            let _ = self.unavailable.try_set(true);
        }
    }

    // why: by its number, so a view gone after the next one began (another
    // method chosen, then the card again) leaves the next one's fields alone.
    fn unmount(&self, view: u64) {
        let mut slot = self.slot.borrow_mut();
        if slot.view == view {
            slot.view += 1;
            slot.field = None;
            // why: `try_`, as the form's own signals may be gone with it.
            let _ = self.unavailable.try_set(false);
        }
    }
}

/// Stripe's card fields, loading Stripe.js from `js_url` with the brand's
/// `publishable_key`; why they could not be shown, in their place.
#[component]
pub fn StripeCard(
    /// Where Stripe.js is loaded from (`CardFields::Stripe`).
    js_url: String,
    /// The brand's publishable key (`CardFields::Stripe`).
    publishable_key: String,
    /// What the form pays with.
    handle: StripeCardHandle,
    /// The field's label, in the shopper's language.
    label: &'static str,
) -> impl IntoView {
    let text = i18n::text();
    let node = NodeRef::<Div>::new();
    let problem = RwSignal::new(None::<&'static str>);
    let view = handle.begin();
    let mount = handle.clone();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(into) = node.get() else {
            return false;
        };
        let (js_url, publishable_key, handle) =
            (js_url.clone(), publishable_key.clone(), mount.clone());
        leptos::task::spawn_local(async move {
            match mount_card(&js_url, &publishable_key, &into).await {
                Ok(field) => handle.mounted(view, field),
                Err(why) => {
                    // why: the shopper gets what to do; the page's developer
                    // gets the reason (often the page's CSP) in the console.
                    leptos::logging::warn!("Lapak: Stripe's card fields: {why} ({js_url})");
                    problem.set(Some(text.card_fields_unavailable));
                    handle.failed(view);
                }
            }
        });
        true
    });
    on_cleanup(move || handle.unmount(view));
    view! {
        <div class="lapak-field lapak-stripe-card" role="group" aria-labelledby="lapak-stripe-card-label"
            class:is-invalid=move || problem.read().is_some()>
            <span id="lapak-stripe-card-label">{label}</span>
            <div node_ref=node data-testid="stripe-card"></div>
            <p class="lapak-field-error" role="alert">{move || problem.get()}</p>
        </div>
    }
}
