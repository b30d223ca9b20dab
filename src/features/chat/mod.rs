//! The chat over the lower left of the video, as on TikTok LIVE: the host's
//! pinned message, the latest lines (the store keeps them bounded) and the
//! field to say something.
mod input;
mod log;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::features::icons::PinIcon;
use crate::i18n;
use crate::store::{CommunityStoreFields, State, StateStoreFields};

use input::ChatInput;
use log::ChatLog;

/// The whole chat: pinned message, lines and field.
#[component]
pub fn Chat(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    view! {
        <div class="lapak-chat" data-testid="chat">
            <div class="lapak-chat-feed">
                <Pinned state/>
                <ChatLog state/>
            </div>
            <ChatInput state/>
        </div>
    }
}

/// The host's pinned message, above the lines.
#[component]
fn Pinned(state: Store<State>) -> impl IntoView {
    let text = i18n::text(state);
    let pinned = state.community().pinned();
    move || {
        pinned.get().map(|message| {
            view! {
                <p class="lapak-chat-pinned" data-testid="chat-pinned">
                    <PinIcon/>
                    <span class="lapak-visually-hidden">{text.pinned}" "</span>
                    <span class="lapak-chat-pinned-text">{message}</span>
                </p>
            }
        })
    }
}
