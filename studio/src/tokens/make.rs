//! Making a token: its name, what it may do (the scopes the API grants), and
//! when it stops working.

use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::api::tokens::{Made, NewToken, Scope};
use leptos::prelude::*;

use crate::api::Api;
use crate::text::Text;
use crate::trouble::in_words;

/// The longest name the API takes.
const MAX_NAME_CHARS: usize = 64;
/// When a token may stop working: never, or in so many days (the API takes 1 to 366).
const EXPIRIES: [Option<i64>; 4] = [None, Some(30), Some(90), Some(366)];

/// The token the form asks for, or why it cannot be made.
pub fn asked(
    text: &Text,
    name: &str,
    scopes: &[Scope],
    expires_in_days: Option<i64>,
) -> Result<NewToken, &'static str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(text.token_name_needed);
    }
    if scopes.is_empty() {
        return Err(text.token_scope_needed);
    }
    // In the API's order, whatever order they were ticked in.
    let scopes = Scope::ALL
        .into_iter()
        .filter(|s| scopes.contains(s))
        .collect();
    Ok(NewToken {
        name: name.to_owned(),
        scopes,
        expires_in_days,
    })
}

/// Why the API would not make it, in the owner's words.
fn refused_words(text: &'static Text, refused: &Refusal) -> &'static str {
    match refused.code.as_str() {
        "too_many_tokens" => text.too_many_tokens,
        "invalid" => text.token_name_needed,
        _ => in_words(text, refused),
    }
}

/// The form; `on_made` hears the token made, secret and all.
#[component]
pub fn MakeToken(
    /// The signed-in owner's calls.
    api: StoredValue<Api>,
    /// Hears the token just made.
    on_made: impl Fn(Made) + Copy + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(vec![Scope::ShowsRead]);
    let expiry = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let token = match asked(
            text,
            &name.get_untracked(),
            &scopes.get_untracked(),
            expiry.get_untracked(),
        ) {
            Ok(token) => token,
            Err(why) => return error.set(Some(why)),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api.get_value().create_token(&token).await {
                Ok(made) => {
                    error.set(None);
                    name.set(String::new());
                    on_made(made);
                }
                Err(refused) => error.set(Some(refused_words(text, &refused))),
            }
            busy.set(false);
        });
    };
    let scope_box = move |scope: Scope| {
        let ticked = move || scopes.read().contains(&scope);
        view! {
            <label class="studio-check">
                <input type="checkbox" data-testid=format!("token-scope-{}", scope.as_str().replace(':', "-"))
                    prop:checked=ticked
                    on:change=move |_| scopes.update(|all| {
                        if all.contains(&scope) { all.retain(|s| *s != scope) } else { all.push(scope) }
                    }) />
                <span>{(text.scope_words)(scope)}" "<code>{scope.as_str()}</code></span>
            </label>
        }
    };
    view! {
        <form class="studio-token-form" on:submit=submit data-testid="token-form">
            <label>
                <span>{text.token_name}</span>
                <input type="text" maxlength=MAX_NAME_CHARS.to_string() data-testid="token-name" placeholder="shop system"
                    bind:value=name />
            </label>
            <fieldset class="studio-scopes">
                <legend>{text.token_scope}</legend>
                {Scope::ALL.map(scope_box)}
            </fieldset>
            <label>
                <span>{text.token_expiry}</span>
                <select data-testid="token-expiry"
                    on:change=move |ev| expiry.set(event_target_value(&ev).parse().ok())>
                    {EXPIRIES.map(|days| view! {
                        <option value=days.map(|d| d.to_string()).unwrap_or_default()>{(text.expiry_choice)(days)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button class="studio-primary" data-testid="create-token" disabled=move || busy.get()>{text.create_token}</button>
            <p class="studio-error" role="alert" data-testid="token-form-error">{move || error.get()}</p>
        </form>
    }
}
