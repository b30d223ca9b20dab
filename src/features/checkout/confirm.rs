//! A placed order paid by the card in Stripe's fields: the fields confirm its
//! PaymentIntent (3-D Secure included), the webhook then pays it, and the
//! sheet shows the outcome. A refused card may be retried in the fields, on
//! the same order, until the order expires.
use lapak_protocol::{OrderStatus, PayAction};
use leptos::prelude::*;
use reactive_stores::Store;

use super::stripe_card::StripeCardHandle;
use crate::store::{State, StateStoreFields};

/// How a placed order is followed in the sheet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// Answered at once (the demo card): the confirmation.
    AtOnce,
    /// Paid elsewhere (a QR, a transfer, an app) or on delivery: what to do, then its outcome.
    Elsewhere,
    /// Waiting for the card in Stripe's fields to confirm it, in the form.
    InStripe,
}

impl Placed {
    pub fn of(order: &lapak_protocol::Order) -> Placed {
        match &order.payment {
            None => Placed::AtOnce,
            Some(due)
                if order.status == OrderStatus::AwaitingPayment
                    && matches!(due.action, PayAction::Confirm { .. }) =>
            {
                Placed::InStripe
            }
            Some(_) => Placed::Elsewhere,
        }
    }
}

/// The client secret of the placed order waiting for Stripe's fields to confirm it.
fn to_confirm(state: Store<State>) -> Option<(String, String)> {
    let number = state.checkout().read().placed.clone()?;
    let orders = state.orders().read();
    let order = orders.iter().find(|o| o.number == number)?;
    match (&order.status, order.payment.as_ref().map(|p| &p.action)) {
        (OrderStatus::AwaitingPayment, Some(PayAction::Confirm { client_secret })) => {
            Some((number, client_secret.clone()))
        }
        _ => None,
    }
}

/// The confirmation of the placed order by Stripe's fields, as the form follows it.
#[derive(Clone, Copy)]
pub struct StripeConfirm {
    state: Store<State>,
    /// Why the fields could not confirm it (for the shopper), until tried again.
    pub problem: RwSignal<Option<String>>,
    /// The number of the order being confirmed now.
    confirming: RwSignal<Option<String>>,
    stripe: StoredValue<StripeCardHandle, LocalStorage>,
}

impl StripeConfirm {
    /// Confirms each order placed for Stripe's fields as its client secret arrives.
    pub fn new(state: Store<State>, stripe: StripeCardHandle) -> StripeConfirm {
        let this = StripeConfirm {
            state,
            problem: RwSignal::new(None),
            confirming: RwSignal::new(None),
            stripe: StoredValue::new_local(stripe),
        };
        Effect::new(move |_| {
            if let Some((number, secret)) = to_confirm(state) {
                if this.confirming.get_untracked().as_deref() != Some(number.as_str())
                    && this.problem.get_untracked().is_none()
                {
                    this.confirm(number, secret);
                }
            }
        });
        this
    }

    fn confirm(self, number: String, secret: String) {
        self.confirming.set(Some(number));
        self.problem.set(None);
        let stripe = self.stripe.get_value();
        leptos::task::spawn_local(async move {
            if let Err(why) = stripe.confirm(&secret).await {
                self.problem.set(Some(why));
                self.confirming.set(None);
            }
        });
    }

    /// The order is placed and its card was refused: tries the card in the
    /// fields again, on the same order. Whether there was such an order.
    pub fn retry(self) -> bool {
        let Some((number, secret)) = to_confirm(self.state) else {
            return false;
        };
        if self.confirming.get_untracked().is_none() {
            self.confirm(number, secret);
        }
        true
    }

    /// Whether the fields are confirming an order now.
    pub fn busy(self) -> bool {
        self.confirming.read().is_some()
    }

    /// Whether a placed order waits for the fields to confirm it.
    pub fn waiting(self) -> bool {
        to_confirm(self.state).is_some()
    }
}
