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
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::sign_in(&email.get_untracked(), &password.get_untracked()).await {
                Ok(me) => on_in(me),
                Err(refused) => error.set(Some(match refused.code.as_str() {
                    "wrong_credentials" | "invalid" => text.wrong_credentials,
                    "throttled" => text.throttled,
                    _ => text.failed,
                })),
            }
            busy.set(false);
        });
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
                <p class="studio-error" role="alert" data-testid="sign-in-error">{move || error.get()}</p>
                <button type="submit" class="studio-primary" disabled=move || busy.get()>{text.sign_in}</button>
            </form>
        </main>
    }
}
