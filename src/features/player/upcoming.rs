//! A show that has not begun: when it starts, in the shopper's own terms
//! ("starts soon" only when it does), and "Remind me", the show as a calendar
//! event. The picture asks for no stream until the show goes live.
use lapak_protocol::OnAir;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::browser::intl::format_show_start;
use crate::features::deal::ServerClock;
use crate::features::replay::replaying;
use crate::i18n;
use crate::store::{State, StateStoreFields};

/// Within this of its start, a show "starts soon".
const SOON_MS: i64 = 60 * 60_000;

/// Over the picture while the show has not begun.
#[component]
pub fn UpcomingShow(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let clock = expect_context::<ServerClock>();
    let replaying = replaying(state);
    let waiting = Memo::new(move |_| !replaying.get() && state.on_air().get() == OnAir::Waiting);
    let starts = Memo::new(move |_| {
        state
            .show()
            .with(|s| s.as_ref().and_then(|s| s.starts_at_ms))
    });
    let soon = Memo::new(move |_| starts.get().is_none_or(|at| at - clock.0.get() <= SOON_MS));
    let when = Memo::new(move |_| {
        let at = starts.get()?;
        Some(format_show_start(
            at,
            clock.0.get_untracked(),
            &state.locale().read().tag,
        ))
    });
    let calendar = Memo::new(move |_| state.show().with(|s| s.as_ref()?.calendar_url.clone()));
    view! {
        <Show when=move || waiting.get()>
            <div class="lapak-upcoming">
                <div class="lapak-picture-status" data-testid="picture-status" data-state="waiting" role="status">
                    <span class="lapak-picture-status-text">
                        {move || if soon.get() { text.starts_soon } else { text.coming_up }}
                    </span>
                    {move || when.get().map(|when| view! {
                        <span class="lapak-picture-status-when" data-testid="starts-at">{(text.starts_at)(&when)}</span>
                    })}
                </div>
                {move || calendar.get().map(|href| view! {
                    <a class="lapak-remind" href=href download data-testid="remind-me">{text.remind_me}</a>
                })}
            </div>
        </Show>
    }
}
