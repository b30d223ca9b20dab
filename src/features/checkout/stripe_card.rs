//! The card in checkout when the show takes cards through Stripe: Stripe's own
//! fields, mounted in a node of their own, and a handle the form pays with
//! once the order's client secret arrives (`PayAction::Confirm`).
use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::browser::stripe::{mount_card, CardField};

#[derive(Default)]
struct Slot {
    /// The mounted fields, once Stripe.js has loaded.
    field: Option<Rc<CardField>>,
    /// The view is gone: fields mounted late are dropped at once.
    gone: bool,
}

/// The fields as the form reaches them: made by the form, given to
/// [`StripeCard`], and asked to confirm the payment.
#[derive(Clone)]
pub struct StripeCardHandle(SendWrapper<Rc<RefCell<Slot>>>);

impl Default for StripeCardHandle {
    fn default() -> StripeCardHandle {
        StripeCardHandle(SendWrapper::new(Rc::default()))
    }
}

impl StripeCardHandle {
    /// Whether Stripe's fields are mounted and can pay.
    pub fn ready(&self) -> bool {
        self.0.borrow().field.is_some()
    }

    /// Confirms the payment of the order whose client secret this is, with the
    /// card in the fields (3-D Secure included): `Err` with the message for the
    /// shopper when it did not go through, or the fields are not there.
    pub async fn confirm(&self, client_secret: &str) -> Result<(), String> {
        // why: a clone, so the view may go away while Stripe answers.
        let field = self.0.borrow().field.clone();
        match field {
            Some(field) => field.confirm_card_payment(client_secret).await,
            None => Err("the card fields are not ready".into()),
        }
    }

    fn mounted(&self, field: CardField) {
        let mut slot = self.0.borrow_mut();
        if !slot.gone {
            slot.field = Some(Rc::new(field));
        }
    }

    fn unmount(&self) {
        let mut slot = self.0.borrow_mut();
        slot.gone = true;
        slot.field = None;
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
    let node = NodeRef::<Div>::new();
    let problem = RwSignal::new(None::<String>);
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
                Ok(field) => handle.mounted(field),
                Err(why) => problem.set(Some(why)),
            }
        });
        true
    });
    on_cleanup(move || handle.unmount());
    view! {
        <div class="lapak-field lapak-stripe-card" role="group" aria-labelledby="lapak-stripe-card-label"
            class:is-invalid=move || problem.read().is_some()>
            <span id="lapak-stripe-card-label">{label}</span>
            <div node_ref=node data-testid="stripe-card"></div>
            <p class="lapak-field-error" role="alert">{move || problem.get()}</p>
        </div>
    }
}
