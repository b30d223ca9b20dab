//! The sign-in form.

use lapak_protocol::api::session::Me;
use leptos::prelude::*;

use crate::api;
use crate::text::Text;

/// Email and password; `on_in` hears who signed in.
#[component]
pub fn SignIn(on_in: impl Fn(Me) + Copy + Send + Sync + 'static) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // why: one submission at a time; its answer is the form's state, so the
    // error and the busy button are derived from it, not kept beside it.
    let submit_action = Action::new_local(move |(email, password): &(String, String)| {
        let (email, password) = (email.clone(), password.clone());
        async move {
            let outcome = api::sign_in(&email, &password).await;
            if let Ok(me) = &outcome {
                on_in(me.clone());
            }
            outcome
        }
    });
    let error = move || {
        let refused = submit_action.value().get()?.err()?;
        Some(match refused.code.as_str() {
            "wrong_credentials" | "invalid" => text.wrong_credentials,
            "throttled" => text.throttled,
            _ => text.failed,
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submit_action.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <main class="studio-sign-in">
            <form on:submit=submit data-testid="sign-in">
                <h1>{text.title}</h1>
                <label>
                    {text.email}
                    <input type="email" autocomplete="username" required
                        data-testid="email" bind:value=email />
                </label>
                <label>
                    {text.password}
                    <input type="password" autocomplete="current-password" required
                        data-testid="password" bind:value=password />
                </label>
                <p class="studio-error" role="alert" data-testid="sign-in-error">{error}</p>
                <button type="submit" class="studio-primary" disabled=move || submit_action.pending().get()>{text.sign_in}</button>
            </form>
        </main>
    }
}
