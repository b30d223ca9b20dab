//! The studio's root component: the workspace once signed in, else the
//! sign-in form.

use lapak_protocol::api::session::Me;
use leptos::prelude::*;

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
    leptos::task::spawn_local(async move {
        if let Ok(found) = api::me().await {
            me.set(Some(found));
        }
        checked.set(true);
    });
    view! {
        <Show when=move || checked.get()>
            {move || match me.get() {
                Some(signed_in) => view! { <workspace::Workspace me=signed_in on_out=move || me.set(None) /> }.into_any(),
                None => view! { <sign_in::SignIn on_in=move |found| me.set(Some(found)) /> }.into_any(),
            }}
        </Show>
    }
}
