//! Saying something: a one-line field (Enter sends) that clears on send. A
//! line the server refuses comes back into an empty field, with why.
use lapak_protocol::{ClientMsg, MAX_CHAT_CHARS};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::features::icons::{CloseIcon, SendIcon};
use crate::i18n;
use crate::store::{CommunityStoreFields, State, StateStoreFields};

/// The field, the send button and the refusal of the last line.
#[component]
pub fn ChatInput(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let draft = RwSignal::new(String::new());
    let refused = Memo::new(move |_| match state.community().refused().read().as_ref() {
        Some((code, ClientMsg::Chat { text, .. })) => Some((*code, text.clone())),
        _ => None,
    });
    Effect::new(move |_| {
        if let Some((_, line)) = refused.get() {
            if draft.read_untracked().is_empty() {
                draft.set(line);
            }
        }
    });
    let slow_mode = state.community().slow_mode_s();
    let send = move |ev: SubmitEvent| {
        ev.prevent_default();
        let line = draft.get_untracked();
        if !line.trim().is_empty() {
            actions.chat(line);
            draft.set(String::new());
        }
    };
    view! {
        <div class="lapak-chat-alert" role="alert" data-testid="chat-alert" class:is-empty=move || refused.read().is_none()>
            {move || refused.get().map(|(code, _)| view! {
                <span>{text.chat_refusal(code)}</span>
                <button class="lapak-icon-button" data-testid="chat-alert-dismiss" aria-label=text.close on:click=move |_| actions.dismiss_community_notice()>
                    <CloseIcon/>
                </button>
            })}
        </div>
        <form class="lapak-chat-form" on:submit=send>
            <label class="lapak-chat-field">
                <span class="lapak-visually-hidden">{text.chat_label}</span>
                <input
                    class="lapak-chat-input"
                    data-testid="chat-input"
                    type="text"
                    enterkeyhint="send"
                    autocomplete="off"
                    maxlength=MAX_CHAT_CHARS
                    placeholder=move || match slow_mode.get() {
                        0 => text.say_something.to_owned(),
                        every => (text.slow_mode)(every),
                    }
                    bind:value=draft
                />
            </label>
            <button
                type="submit"
                class="lapak-chat-send"
                data-testid="chat-send"
                aria-label=text.send
                disabled=move || draft.read().trim().is_empty()
            >
                <SendIcon/>
            </button>
        </form>
    }
}
