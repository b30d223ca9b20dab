//! Stripe's card fields in a real browser (headless Chromium): Stripe.js loaded
//! once, the card Element mounted in the `StripeCard` view, the payment
//! confirmed with the Element and the client secret, and a load that fails
//! said in place. Stripe.js is a fake with Stripe.js's surface, loaded from a
//! `data:` URL (no network); localstripe's fake Stripe.js needs localstripe
//! running, which this runner cannot start.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use js_sys::Reflect;
use lapak::features::checkout::stripe_card::{StripeCard, StripeCardHandle};
use lapak::store::Lang;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `Stripe(key)` as Stripe.js has it, recording into `window.stripeFake`.
const FAKE_STRIPE_JS: &str = r#"
window.stripeFake = { keys: [], destroyed: 0, loads: (window.stripeFake ? window.stripeFake.loads : 0) + 1 };
window.Stripe = function (key) {
  stripeFake.keys.push(key);
  let card = null;
  return {
    elements: () => ({
      create: (kind) => {
        card = {
          kind,
          mount(el) { this.input = document.createElement('input'); this.input.className = 'fake-card'; el.appendChild(this.input); },
          destroy() { stripeFake.destroyed += 1; if (this.input) this.input.remove(); },
        };
        return card;
      },
    }),
    confirmCardPayment: async (secret, data) => {
      if (!data || !data.payment_method || data.payment_method.card !== card) return { error: { message: 'no card Element' } };
      if (secret.includes('declined')) return { error: { message: 'Your card was declined.' } };
      return { paymentIntent: { id: secret.split('_secret_')[0], status: 'succeeded' } };
    },
  };
};
"#;

fn fake_url() -> String {
    format!(
        "data:text/javascript,{}",
        String::from(js_sys::encode_uri_component(FAKE_STRIPE_JS))
    )
}

fn fake(name: &str) -> JsValue {
    let fake = Reflect::get(&window(), &"stripeFake".into()).unwrap();
    Reflect::get(&fake, &name.into()).unwrap()
}

fn root() -> web_sys::HtmlElement {
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// The view mounted in a node of its own, until the second value is dropped.
fn mount(
    js_url: String,
    handle: StripeCardHandle,
) -> (web_sys::HtmlElement, Box<dyn std::any::Any>) {
    let root = root();
    let mounted = leptos::mount::mount_to(root.clone(), move || {
        lapak::i18n::provide(Lang::En);
        view! { <StripeCard js_url publishable_key="pk_test_lapak".to_owned() handle label="Card"/> }
    });
    (root, Box::new(mounted))
}

/// Waits (up to 5 s) for `done`.
async fn until(done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("not done in 5 s");
}

#[wasm_bindgen_test]
async fn the_card_element_mounts_once_loaded_and_confirms_with_the_client_secret() {
    let handle = StripeCardHandle::default();
    let (root, mounted) = mount(fake_url(), handle.clone());
    until(|| handle.ready()).await;
    let fields = root
        .query_selector("[data-testid=stripe-card] input.fake-card")
        .unwrap();
    assert!(fields.is_some(), "the card Element is in the view's node");
    assert_eq!(
        fake("keys").dyn_into::<js_sys::Array>().unwrap().to_vec(),
        [JsValue::from("pk_test_lapak")]
    );

    assert_eq!(
        handle.confirm("pi_1_secret_declined").await,
        Err("Your card was declined.".to_owned())
    );
    assert_eq!(handle.confirm("pi_1_secret_ok").await, Ok(()));

    // A second card field on the page loads Stripe.js no more.
    let other = StripeCardHandle::default();
    let (_, second) = mount(fake_url(), other.clone());
    until(|| other.ready()).await;
    assert_eq!(fake("loads").as_f64(), Some(1.0));
    let scripts = document()
        .query_selector_all("script[data-lapak-stripe]")
        .unwrap();
    assert_eq!(scripts.length(), 1);

    // Gone with its view: the Element is destroyed and cannot pay.
    drop(mounted);
    until(|| fake("destroyed").as_f64() == Some(1.0)).await;
    assert!(!handle.ready());
    assert!(handle.confirm("pi_2_secret_ok").await.is_err());
    drop(second);
}

#[wasm_bindgen_test]
async fn stripe_js_that_cannot_load_is_said_in_place() {
    let handle = StripeCardHandle::default();
    let (root, _mounted) = mount("http://127.0.0.1:9/v3/".to_owned(), handle.clone());
    let alert = || {
        root.query_selector("[role=alert]")
            .unwrap()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    };
    until(|| !alert().is_empty()).await;
    assert_eq!(
        alert(),
        lapak::i18n::Catalogue::get(Lang::En).card_fields_unavailable
    );
    assert!(!handle.ready());
    assert!(
        handle.unavailable().get_untracked(),
        "the form is told, so it places no order"
    );
}
