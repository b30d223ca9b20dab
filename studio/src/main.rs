//! Lapak Studio: where a brand's team runs a show from a browser. It signs in
//! to the studio API (docs/api.md) and previews the stream with the viewer's
//! own player. First-party only: it is never embedded.

mod api;
mod catalogue;
mod dashboard;
mod format;
mod new_show;
mod poll;
mod schedule;
mod sign_in;
mod slug;
mod text;
mod workspace;

use leptos::prelude::*;

use api::Me;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Signed in: the workspace; else the sign-in form. A reloaded page asks the
/// server who it is first.
#[component]
fn App() -> impl IntoView {
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
