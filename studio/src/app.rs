//! The studio's root component: the workspace once signed in, else the
//! sign-in form.

use lapak_protocol::api::session::Me;
use leptos::prelude::*;

use crate::trouble::{Said, Trouble};
use crate::{api, sign_in, text, workspace};

/// Signed in: the workspace; else the sign-in form. A reloaded page asks the
/// server who it is first.
#[component]
pub fn App() -> impl IntoView {
    let (text, language) = text::for_browser();
    provide_context(text);
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", language);
    }
    let me = RwSignal::new(None::<Me>);
    let checked = RwSignal::new(false);
    let trouble = Trouble::new();
    leptos::task::spawn_local(async move {
        // Nobody signed in is an answer, not a refusal: the sign-in form, no trouble.
        if let Some(found) = trouble.settle(api::me().await) {
            me.set(found);
        }
        checked.set(true);
    });
    view! {
        // Said beside the sign-in form only: signed in, the workspace says its own.
        {move || me.read().is_none().then(|| view! { <Said trouble testid="session-trouble" /> })}
        <Show when=move || checked.get()>
            {move || match me.get() {
                Some(signed_in) => view! { <workspace::Workspace me=signed_in on_out=move || me.set(None) /> }.into_any(),
                None => view! { <sign_in::SignIn on_in=move |found| me.set(Some(found)) /> }.into_any(),
            }}
        </Show>
    }
}
