//! The brand's API tokens (owners only, as the API allows): make one with a
//! name, what it may do and when it stops; its secret shown once, with Copy;
//! the list with each one's scopes, when it was made and last used, and
//! revoking, asked first.

mod list;
mod make;

use lapak_protocol::api::tokens::Made;
use leptos::prelude::*;

use crate::api::Api;
use crate::copy::CopyButton;
use crate::text::Text;
use crate::trouble::of_load;

/// The tokens page.
#[component]
pub fn Tokens(
    /// The signed-in owner's calls.
    api: StoredValue<Api>,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    // Read when the page opens and after each change made here: only owners,
    // here, change the list (a token's last use moves by the minute at most).
    let read = LocalResource::new(move || async move { api.get_value().tokens().await });
    let made = RwSignal::new(None::<Made>);
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    let on_made = move |new: Made| {
        made.set(Some(new));
        read.refetch();
    };
    view! {
        <main class="studio-tokens-page" data-testid="tokens">
            <section class="studio-panel" aria-labelledby="tokens-heading">
                <h2 id="tokens-heading">{text.api_tokens}</h2>
                <p class="studio-hint-left">{text.tokens_hint}</p>
                <make::MakeToken api on_made />
                {move || made.get().map(|made_now| view! { <Secret made=made_now on_hide=move || made.set(None) /> })}
                <crate::trouble::Said trouble testid="tokens-trouble" />
                <list::TokenList api read />
            </section>
        </main>
    }
}

/// A token just made: its secret, this once, with Copy, until the owner hides it.
#[component]
fn Secret(
    /// The token and its secret.
    made: Made,
    /// Hides the secret for good.
    on_hide: impl Fn() + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let secret = made.token.clone();
    view! {
        <div class="studio-secret" data-testid="token-made">
            <p role="alert">{(text.token_made)(&made.info.name)}</p>
            <div class="studio-secret-row">
                <span class="studio-secret-label">{text.secret}</span>
                <code data-testid="token-secret">{secret.clone()}</code>
            </div>
            <div class="studio-form-actions">
                <CopyButton value=Signal::stored(secret) testid="copy-secret" />
                <button type="button" class="studio-quiet" data-testid="hide-secret" on:click=move |_| on_hide()>
                    {text.secret_copied_hide}
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests;
