//! The chat over the lower left of the video, as on TikTok LIVE: the host's
//! pinned message, the latest lines (the store keeps them bounded) and the
//! field to say something. A replay shows its lines without the field (nobody
//! is live to read them), or no chat at all when the brand hid it. When the
//! show ends, the field closes: nobody is live to read a line any more.
mod input;
mod log;

use lapak_protocol::OnAir;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::features::icons::PinIcon;
use crate::i18n;
use crate::store::{CommunityStoreFields, ReplayStoreFields, State, StateStoreFields};

use input::ChatInput;
use log::ChatLog;

/// The whole chat: pinned message, lines and field, under what `children`
/// stands at the column's top (the gift lane).
#[component]
pub fn Chat(
    /// The whole state.
    state: Store<State>,
    /// Shown above the lines, taking their room as it grows, and kept when a
    /// replay hides the chat.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let replay = state.replay().info();
    let live = move || replay.read().is_none() && state.on_air().get() != OnAir::Ended;
    let shown = move || replay.read().as_ref().is_none_or(|r| r.chat);
    view! {
        <div class="lapak-chat" data-testid="chat">
            {children.map(|c| c())}
            <Show when=shown>
                <div class="lapak-chat-feed">
                    <Pinned state/>
                    <ChatLog state/>
                </div>
                <Show when=live>
                    <ChatInput state/>
                </Show>
            </Show>
        </div>
    }
}

/// The host's pinned message, above the lines.
#[component]
fn Pinned(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
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
