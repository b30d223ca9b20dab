//! Likes: the heart on the rail with the show's count, double-tapping the
//! video, and the hearts floating up from the button. Taps count at once; the
//! store gathers them into one `Like` a second. A replay shows its count at
//! the moment on screen, with nothing to tap (nobody is live to see it).
mod hearts;

use leptos::ev::PointerEvent;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::intl::format_count;
use crate::browser::keys::{key_of, Shortcut};
use crate::features::icons::HeartIcon;
use crate::features::replay::replaying;
use crate::i18n;
use crate::store::{CommunityStoreFields, State, StateStoreFields};

use crate::features::later::later;
use crate::features::sheet::{lazy_view, SplitLoaderError};
use hearts::Hearts;

// The hearts floating up from the button, in their own chunk (see `later`).
lazy_view!(
    hearts,
    fn hearts_layer(state: Store<State>) {
        view! { <Hearts hearts=state.community().hearts()/> }.into_any()
    }
);

/// Longest gap between two taps of a double tap, in ms.
const DOUBLE_TAP_MS: f64 = 300.0;
/// How far apart (px) two taps of a double tap may land.
const DOUBLE_TAP_SLOP: i32 = 40;

/// The heart button on the rail: a tap likes; shows the show's likes.
#[component]
pub fn LikeButton(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let likes = state.community().likes();
    let count = move || format_count(likes.get(), &state.locale().read_untracked().tag);
    let replaying = replaying(state);
    let replayed = move || {
        view! {
            <p class="lapak-round lapak-like is-replay" data-testid="replay-likes" role="img" aria-label=move || (text.likes_count)(&count())>
                <HeartIcon/>
                <span class="lapak-round-label">{count}</span>
            </p>
        }
    };
    view! {
        <Show when=move || !replaying.get() fallback=replayed>
            <button
                class="lapak-round lapak-like"
                data-testid="like-button"
                aria-keyshortcuts=key_of(Shortcut::Like)
                aria-label=move || (text.like_label)(&count())
                on:click=move |_| actions.like()
            >
                <HeartIcon/>
                <span class="lapak-round-label" data-testid="like-count">{count}</span>
                {later(move || hearts_layer(state))}
            </button>
        </Show>
    }
}

/// The video under everything else: a double tap likes, and each further
/// quick tap likes again. Tags and buttons sit above it, so their taps never
/// land here; keyboard and screen reader users have the button.
#[component]
pub fn LikeArea() -> impl IntoView {
    let actions = expect_context::<Actions>();
    let last = StoredValue::new(None::<(f64, i32, i32)>);
    let tap = move |ev: PointerEvent| {
        let here = (ev.time_stamp(), ev.client_x(), ev.client_y());
        let again = last.get_value().is_some_and(|(at, x, y)| {
            here.0 - at <= DOUBLE_TAP_MS
                && (here.1 - x).abs() <= DOUBLE_TAP_SLOP
                && (here.2 - y).abs() <= DOUBLE_TAP_SLOP
        });
        last.set_value(Some(here));
        if again {
            actions.like();
        }
    };
    view! { <div class="lapak-like-area" aria-hidden="true" data-testid="like-area" on:pointerup=tap></div> }
}
