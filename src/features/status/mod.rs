//! What the shopper must know beyond the stream: the connection state and
//! why a command was refused.
mod announcer;

pub use announcer::Announcer;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::features::icons::CloseIcon;
use crate::i18n;
use crate::store::{Link, State, StateStoreFields};

/// The connection as the screen shows it, for `.lapak-screen`'s `data-link`:
/// "connecting", "reconnecting", "back" (recovered, "Back live" showing) or
/// "live". The row under the header waits on it (`_status.scss`).
// why an attribute on the screen, not `:has(.lapak-status…)`: a `:has()` on
// the screen made Chromium re-check it on every change below (each chat line,
// heart and tag move under a flood) and restyle the row ~6 times a second.
pub fn screen_link(
    state: Store<State>,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let link = state.link();
    move || match link.get() {
        Link::Connecting => "connecting",
        Link::Reconnecting { .. } => "reconnecting",
        Link::Live if state.reconnected().get() => "back",
        Link::Live => "live",
    }
}

/// Connection status: hidden while all is well (but announced), a countdown
/// with "Retry now" while reconnecting, and "Back live" once recovered.
#[component]
pub fn ConnectionStatus(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let link = state.link();
    let screen = screen_link(state);
    let back = move || screen() == "back";
    let label = move || match link.get() {
        Link::Connecting => text.connecting.to_owned(),
        Link::Live if back() => text.back_live.to_owned(),
        Link::Live => text.connected.to_owned(),
        Link::Reconnecting { retry_in_ms } => (text.reconnecting)(retry_in_ms.div_ceil(1000)),
    };
    let kind = move || match link.get() {
        Link::Connecting => "connecting",
        Link::Live => "live",
        Link::Reconnecting { .. } => "reconnecting",
    };
    view! {
        <div
            class="lapak-status"
            class:is-live=move || link.get() == Link::Live && !back()
            class:is-back=back
            data-state=kind
            data-testid="connection-status"
            role="status"
        >
            <span class="lapak-status-dot" aria-hidden="true"></span>
            {label}
            <Show when=move || matches!(link.get(), Link::Reconnecting { .. })>
                <button class="lapak-retry" data-testid="retry-now" on:click=move |_| actions.retry_now()>
                    {text.retry_now}
                </button>
            </Show>
        </div>
    }
}

/// The latest refusal, in the shopper's language, until dismissed.
#[component]
pub fn NoticeToast(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let message = move || {
        let notice = state.notice().get()?;
        let products = state.products().read();
        let name = notice
            .product_id
            .as_ref()
            .and_then(|id| products.iter().find(|p| &p.id == id))
            .map(|p| p.name.as_str())
            .unwrap_or_default();
        Some(text.notice(notice.kind, name))
    };
    view! {
        <div class="lapak-notice-region" aria-live="assertive">
            {move || message().map(|message| view! {
                <div class="lapak-notice" data-testid="notice">
                    <span>{message}</span>
                    <button class="lapak-icon-button" aria-label=text.close on:click=move |_| actions.dismiss_notice()>
                        <CloseIcon/>
                    </button>
                </div>
            })}
        </div>
    }
}
