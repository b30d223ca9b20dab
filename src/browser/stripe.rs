//! Stripe's own card fields (Stripe.js): the shopper types the card into
//! Stripe's frame, so the number never reaches the widget, its socket or
//! Lapak's server. Stripe.js is loaded once per page, from the show's
//! `CardFields::Stripe { js_url, .. }`; the card Element is mounted in a node
//! the view gives; the order's client secret confirms the payment (Stripe.js
//! runs 3-D Secure itself when the bank asks for it).
use std::cell::RefCell;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// A `Stripe(publishableKey)` instance.
    type StripeJs;
    /// Its `elements()` group.
    type Elements;
    /// A mounted `card` Element.
    type CardElement;

    #[wasm_bindgen(js_name = Stripe, catch)]
    fn new_stripe(publishable_key: &str) -> Result<StripeJs, JsValue>;
    #[wasm_bindgen(method)]
    fn elements(this: &StripeJs) -> Elements;
    #[wasm_bindgen(method, js_name = confirmCardPayment)]
    fn confirm_card_payment(this: &StripeJs, client_secret: &str, data: &JsValue) -> Promise;
    #[wasm_bindgen(method, catch)]
    fn create(this: &Elements, kind: &str) -> Result<CardElement, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn mount(this: &CardElement, into: &web_sys::Element) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn destroy(this: &CardElement);
}

thread_local! {
    /// Stripe.js being loaded or loaded: its URL, the promise of its
    /// `onload`, and its `<script>`.
    static LOADING: RefCell<Option<(String, Promise, web_sys::HtmlElement)>> = const { RefCell::new(None) };
}

/// Loads Stripe.js from `js_url`, once per page: a `<script>` added to the
/// document's head, awaited until it ran.
async fn load(js_url: &str) -> Result<(), String> {
    let promise = LOADING.with(|loading| {
        let mut loading = loading.borrow_mut();
        if let Some((_, promise, _)) = loading.as_ref().filter(|(url, ..)| url == js_url) {
            return Ok(promise.clone());
        }
        let (promise, script) = add_script(js_url)?;
        *loading = Some((js_url.to_owned(), promise.clone(), script));
        Ok::<_, String>(promise)
    })?;
    if JsFuture::from(promise).await.is_err() {
        // why: a failed load (offline, blocked by the page's CSP) is not kept,
        // so mounting again tries again, with a new `<script>`.
        let failed = LOADING.with(|loading| {
            let mut loading = loading.borrow_mut();
            if loading.as_ref().is_some_and(|(url, ..)| url == js_url) {
                loading.take()
            } else {
                None
            }
        });
        if let Some((_, _, script)) = failed {
            script.remove();
        }
        return Err("Stripe.js could not be loaded".into());
    }
    Ok(())
}

fn add_script(js_url: &str) -> Result<(Promise, web_sys::HtmlElement), String> {
    let document = leptos::prelude::document();
    let script = document
        .create_element("script")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().map_err(JsValue::from))
        .map_err(|_| "no <script> element".to_owned())?;
    let _ = script.set_attribute("src", js_url);
    let _ = script.set_attribute("data-lapak-stripe", "");
    let mut settle = |resolve: Function, reject: Function| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    };
    let promise = Promise::new(&mut settle);
    let parent = document
        .head()
        .map(web_sys::Element::from)
        .or_else(|| document.document_element())
        .ok_or_else(|| "no document to load Stripe.js into".to_owned())?;
    parent
        .append_child(&script)
        .map_err(|_| "Stripe.js could not be added".to_owned())?;
    Ok((promise, script))
}

/// Stripe's card fields, mounted; destroyed when dropped.
pub struct CardField {
    stripe: StripeJs,
    card: CardElement,
}

/// Mounts Stripe's card Element in `into`, loading Stripe.js from `js_url`
/// first if this page has not; the reason when it cannot.
pub async fn mount_card(
    js_url: &str,
    publishable_key: &str,
    into: &web_sys::Element,
) -> Result<CardField, String> {
    load(js_url).await?;
    let stripe = new_stripe(publishable_key).map_err(|e| message(&e))?;
    let card = stripe.elements().create("card").map_err(|e| message(&e))?;
    card.mount(into).map_err(|e| message(&e))?;
    Ok(CardField { stripe, card })
}

impl CardField {
    /// Confirms the order's PaymentIntent with the card typed in these fields
    /// (and 3-D Secure, when the bank asks): `Ok` once the payment succeeded
    /// or is processing, else Stripe's message for the shopper.
    pub async fn confirm_card_payment(&self, client_secret: &str) -> Result<(), String> {
        let data = Object::new();
        let method = Object::new();
        let _ = Reflect::set(&method, &"card".into(), &self.card);
        let _ = Reflect::set(&data, &"payment_method".into(), &method);
        let result = JsFuture::from(self.stripe.confirm_card_payment(client_secret, &data))
            .await
            .map_err(|e| message(&e))?;
        let error = field(&result, "error");
        if !error.is_undefined() && !error.is_null() {
            return Err(message(&error));
        }
        let status = field(&field(&result, "paymentIntent"), "status").as_string();
        match status.as_deref() {
            Some("succeeded" | "processing") => Ok(()),
            _ => Err("the payment was not completed".into()),
        }
    }
}

impl Drop for CardField {
    fn drop(&mut self) {
        self.card.destroy();
    }
}

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A Stripe error's `message` (already in the shopper's language when Stripe
/// has it), or the thrown value as text.
fn message(error: &JsValue) -> String {
    field(error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "Stripe could not take the card".into())
}
