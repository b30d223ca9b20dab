//! The shopper's details: contact, address, the demo card and an e-wallet's
//! phone number, one labelled field each,
//! with the message for what to fix under the field once it has been left or
//! the shopper tried to pay. The rules are the protocol crate's, the server's own.
use lapak_protocol::{Address, Card, Contact, Field, Problem};
use leptos::prelude::*;

use crate::i18n::Catalogue;

/// Every field's value and whether the shopper has been through it.
#[derive(Clone, Copy)]
pub struct Form {
    values: [RwSignal<String>; 10],
    touched: [RwSignal<bool>; 10],
    /// The shopper tried to pay: every problem shows.
    pub submitted: RwSignal<bool>,
}

/// The fields in form order, with their input attributes: (field, type, autocomplete, inputmode).
const FIELDS: [(Field, &str, &str, &str); 10] = [
    (Field::Name, "text", "name", "text"),
    (Field::Email, "email", "email", "email"),
    (Field::Phone, "tel", "tel", "tel"),
    (Field::Street, "text", "street-address", "text"),
    (Field::City, "text", "address-level2", "text"),
    (Field::PostalCode, "text", "postal-code", "numeric"),
    (Field::CardNumber, "text", "cc-number", "numeric"),
    (Field::Expiry, "text", "cc-exp", "numeric"),
    (Field::Cvc, "text", "cc-csc", "numeric"),
    (Field::WalletPhone, "tel", "tel", "tel"),
];

fn index(field: Field) -> usize {
    FIELDS
        .iter()
        .position(|(f, ..)| *f == field)
        .expect("every field is in FIELDS")
}

impl Form {
    /// An empty form.
    pub fn new() -> Form {
        Form {
            values: std::array::from_fn(|_| RwSignal::new(String::new())),
            touched: std::array::from_fn(|_| RwSignal::new(false)),
            submitted: RwSignal::new(false),
        }
    }

    fn value(&self, field: Field) -> String {
        self.values[index(field)].get()
    }

    /// The contact as typed.
    pub fn contact(&self) -> Contact {
        Contact {
            name: self.value(Field::Name),
            email: self.value(Field::Email),
            phone: self.value(Field::Phone),
        }
    }

    /// The address as typed.
    pub fn address(&self) -> Address {
        Address {
            street: self.value(Field::Street),
            city: self.value(Field::City),
            postal_code: self.value(Field::PostalCode),
        }
    }

    /// The card as typed; it goes into the order request and nowhere else.
    pub fn card(&self) -> Card {
        Card {
            number: self.value(Field::CardNumber),
            expiry: self.value(Field::Expiry),
            cvc: self.value(Field::Cvc),
        }
    }

    /// The e-wallet's phone number as typed (OVO pushes the payment to it).
    pub fn wallet_phone(&self) -> String {
        self.value(Field::WalletPhone)
    }

    /// Clears the card fields after a decline, for another card; the form
    /// starts over quietly (the refusal says what happened).
    pub fn clear_card(&self) {
        self.submitted.set(false);
        for field in [Field::CardNumber, Field::Expiry, Field::Cvc] {
            self.values[index(field)].set(String::new());
            self.touched[index(field)].set(false);
        }
    }
}

/// One labelled input. `problems` are the form's current problems.
#[component]
pub fn TextField(
    form: Form,
    field: Field,
    text: &'static Catalogue,
    #[prop(into)] problems: Signal<Vec<(Field, Problem)>>,
) -> impl IntoView {
    let i = index(field);
    let (_, kind, autocomplete, inputmode) = FIELDS[i];
    let (value, touched) = (form.values[i], form.touched[i]);
    let id = format!("lapak-field-{i}");
    let error_id = format!("{id}-error");
    let shown = move || {
        (touched.get() || form.submitted.get())
            .then(|| {
                problems
                    .read()
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, p)| *p)
            })
            .flatten()
    };
    let testid = format!("field-{field:?}").to_lowercase();
    view! {
        <div class="lapak-field" class:is-invalid=move || shown().is_some()>
            <label for=id.clone()>{text.label(field)}</label>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                data-testid=testid
                prop:value=move || value.get()
                aria-invalid=move || shown().is_some().to_string()
                aria-describedby=error_id.clone()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| touched.set(true)
            />
            <p class="lapak-field-error" id=error_id data-testid="field-error">
                {move || shown().map(|p| text.problem(field, p))}
            </p>
        </div>
    }
}
