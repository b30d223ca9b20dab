//! The name others see, and changing it.
use lapak_protocol::{ClientMsg, NAME_CHARS};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::i18n;
use crate::store::{CommunityStoreFields, GiftingStoreFields, State, StateStoreFields};

/// "You appear as user123456 · Change": a small inline form.
#[component]
pub fn NameRow(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let you = move || {
        state
            .gifting()
            .you()
            .read()
            .as_ref()
            .map(|v| v.name.clone())
            .unwrap_or_default()
    };
    let refused = move || match state.community().refused().get() {
        Some((code, ClientMsg::SetName { .. })) => Some(text.name_refusal(code)),
        _ => None,
    };
    let start = move |_| {
        draft.set(you());
        editing.set(true);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        actions.set_name(draft.get_untracked());
        editing.set(false);
    };
    view! {
        <div class="lapak-name-row" data-testid="name-row">
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <p>{text.you_appear_as}" "<strong data-testid="your-name">{you}</strong></p>
                    <button class="lapak-link" data-testid="change-name" on:click=start>{text.change_name}</button>
                }
            >
                <form class="lapak-name-form" on:submit=save>
                    <label class="lapak-visually-hidden" for="lapak-name-input">{text.your_name}</label>
                    <input
                        id="lapak-name-input"
                        data-testid="name-input"
                        autocomplete="nickname"
                        minlength=NAME_CHARS.start().to_string()
                        maxlength=NAME_CHARS.end().to_string()
                        required=true
                        prop:value=draft
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    />
                    <button class="lapak-primary" type="submit">{text.save}</button>
                </form>
            </Show>
            {move || refused().map(|why| view! { <p class="lapak-alert" role="alert">{why}</p> })}
        </div>
    }
}
