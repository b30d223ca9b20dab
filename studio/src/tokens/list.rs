//! The brand's tokens, newest first: what each may do, when it was made and
//! last used, whether it still works, and revoking it (asked first).

use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::api::tokens::Token;
use leptos::prelude::*;

use crate::api::Api;
use crate::ask::Ask;
use crate::format;
use crate::text::Text;
use crate::trouble::in_words;

/// Whether a token still works, and since or until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    /// Works until revoked.
    Live,
    /// Works until then (Unix ms).
    LiveUntil(i64),
    /// Stopped working then.
    Expired(i64),
    /// Revoked then.
    Revoked(i64),
}

/// `token`'s state at `now_ms`: a revocation first, then its expiry.
pub fn state(token: &Token, now_ms: i64) -> TokenState {
    match (token.revoked_at_ms, token.expires_at_ms) {
        (Some(at), _) => TokenState::Revoked(at),
        (None, Some(at)) if at <= now_ms => TokenState::Expired(at),
        (None, Some(at)) => TokenState::LiveUntil(at),
        (None, None) => TokenState::Live,
    }
}

/// The state in the owner's words.
fn state_words(text: &Text, state: TokenState) -> String {
    match state {
        TokenState::Live => text.token_live.to_owned(),
        TokenState::LiveUntil(at) => (text.token_expires)(&format::when(at)),
        TokenState::Expired(at) => (text.token_expired)(&format::when(at)),
        TokenState::Revoked(at) => (text.token_revoked_at)(&format::when(at)),
    }
}

/// The list, and the question before a revocation.
#[component]
pub fn TokenList(
    /// The signed-in owner's calls.
    api: StoredValue<Api>,
    /// The list as read; read again after a revocation.
    read: LocalResource<Result<Vec<Token>, Refusal>>,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    // The last list read stays while a read fails; the page says why above it.
    let tokens = Memo::new(move |last: Option<&Vec<Token>>| match read.get() {
        Some(Ok(found)) => found,
        _ => last.cloned().unwrap_or_default(),
    });
    let asking = RwSignal::new(None::<Token>);
    let said = RwSignal::new(None::<String>);
    let revoke = move |token: Token| {
        asking.set(None);
        leptos::task::spawn_local(async move {
            let words = match api.get_value().revoke_token(token.id).await {
                Ok(()) => (text.token_revoked)(&token.name),
                Err(refused) => in_words(text, &refused).to_owned(),
            };
            said.set(Some(words));
            read.refetch();
        });
    };
    let question = move || {
        asking.get().map(|token| {
            let name = token.name.clone();
            view! {
                <Ask question=(text.confirm_revoke)(&name) yes=text.yes_revoke no=text.keep_token
                    testid="confirm-revoke"
                    on_yes=move || revoke(token.clone()) on_no=move || asking.set(None) />
            }
        })
    };
    let now = js_sys::Date::now() as i64;
    view! {
        <p class="studio-form-said" role="status" data-testid="tokens-said">{move || said.get()}</p>
        {question}
        <Show when=move || !tokens.read().is_empty()
            fallback=move || view! { <p class="studio-empty">{text.no_tokens}</p> }>
            <table class="studio-table studio-token-table" data-testid="token-list">
                <thead>
                    <tr>
                        <th scope="col">{text.token_name}</th>
                        <th scope="col">{text.token_scope}</th>
                        <th scope="col">{text.token_created}</th>
                        <th scope="col">{text.token_last_used}</th>
                        <th scope="col">{text.token_state}</th>
                        <th scope="col"><span class="studio-visually-hidden">{text.revoke}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || tokens.get() key=|t| (t.id, t.revoked_at_ms, t.last_used_at_ms) let:token>
                        <Row token=token.clone() now on_revoke=move |t| asking.set(Some(t)) />
                    </For>
                </tbody>
            </table>
        </Show>
    }
}

/// One token's row.
#[component]
fn Row(
    /// The token as listed.
    token: Token,
    /// When the list was drawn (Unix ms): what "expired" is judged by.
    now: i64,
    /// Asks before revoking it.
    on_revoke: impl Fn(Token) + Copy + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let state = state(&token, now);
    let scopes = token
        .scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let last_used = token
        .last_used_at_ms
        .map_or_else(|| text.never_used.to_owned(), format::when);
    let live = matches!(state, TokenState::Live | TokenState::LiveUntil(_));
    let (id, name) = (token.id, token.name.clone());
    view! {
        <tr data-testid=format!("token-{id}") data-state=if live { "live" } else { "stopped" }>
            <th scope="row">{name.clone()}</th>
            <td><code>{scopes}</code></td>
            <td>{format::when(token.created_at_ms)}</td>
            <td data-testid="token-last-used">{last_used}</td>
            <td>{state_words(text, state)}</td>
            <td>
                {live.then(|| view! {
                    <button type="button" class="studio-quiet" data-testid=format!("revoke-{id}")
                        aria-label=(text.revoke_of)(&name)
                        on:click=move |_| on_revoke(token.clone())>
                        {text.revoke}
                    </button>
                })}
            </td>
        </tr>
    }
}
