//! Replays: an ended show played again, still shoppable. Along the bottom
//! of the picture, where a player's controls are, the seek bar with its
//! markers, the elapsed and total time and sharing the moment on screen; on
//! the shelf, the top moments and each chapter's button. Every seek goes
//! through the store (`Msg::Seek`); the player view carries it out.
mod chapters;
mod moments;
mod seek_bar;

pub use chapters::ChapterButton;
pub use moments::TopMoments;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::features::clock_text;
use crate::features::icons::ShareIcon;
use crate::features::sheet::{lazy_view, SplitLoaderError};
use crate::i18n;
use crate::store::{ReplayStoreFields, State, StateStoreFields};
use seek_bar::SeekBar;

/// Whether the show is being replayed rather than live.
pub fn replaying(state: Store<State>) -> Memo<bool> {
    Memo::new(move |_| state.replay().info().with(Option::is_some))
}

/// The replay's window: programme times (unix ms) it starts and ends at.
fn window(state: Store<State>) -> Memo<Option<(i64, i64)>> {
    Memo::new(move |_| {
        let info = state.replay().info();
        let info = info.read();
        info.as_ref()
            .map(|i| (i.starts_ms, i.ends_ms.max(i.starts_ms)))
    })
}

/// `at` (unix ms) as a clock reads it from the replay's start `starts_ms`.
fn from_start(at: i64, starts_ms: i64) -> String {
    clock_text((at - starts_ms) / 1000)
}

// The controls, in their own lazily loaded wasm chunk (`replay`): only a
// replay's viewers need them.
lazy_view!(
    replay,
    fn replay_controls(state: Store<State>, position: Signal<Option<i64>>) {
        view! { <ReplayControls state position/> }.into_any()
    }
);

/// The controls along the bottom of a replayed picture: elapsed time, the
/// seek bar, the total time and sharing the moment on screen.
#[component]
fn ReplayControls(
    /// The whole state.
    state: Store<State>,
    /// Programme time (unix ms) of the frame on screen, from the player.
    #[prop(into)]
    position: Signal<Option<i64>>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let window = window(state);
    let seek = state.replay().seek();
    // Before the picture has a time (loading, or a seek not taken yet),
    // where it was asked to be.
    let at = Memo::new(move |_| {
        let (starts, ends) = window.get()?;
        let at = position.get().or_else(|| seek.get().map(|s| s.to_ms))?;
        Some(at.clamp(starts, ends))
    });
    // Whole seconds: the bar and the times change once a second, not every frame.
    let elapsed_s = Memo::new(move |_| Some((at.get()? - window.get()?.0) / 1000));
    let elapsed = move || elapsed_s.get().map(clock_text);
    let total = move || window.get().map(|(starts, ends)| from_start(ends, starts));
    let share = move |_| {
        if let Some(at) = at.get_untracked() {
            actions.share_moment(at);
        }
    };
    view! {
        <div class="lapak-replay-controls" data-testid="replay-controls">
            <span class="lapak-replay-time" aria-hidden="true">{elapsed}</span>
            <SeekBar state elapsed_s/>
            <span class="lapak-replay-time" aria-hidden="true">{total}</span>
            <button
                class="lapak-replay-share"
                data-testid="share-moment"
                aria-label=text.share_moment
                title=text.share_moment
                on:click=share
            >
                <ShareIcon/>
            </button>
        </div>
    }
}
