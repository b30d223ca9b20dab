//! Captions: the video's WebVTT captions over the picture, shown and hidden
//! by the shopper (a button beside sound, or `T`), a choice kept between
//! visits. `browser::captions` reads the cues; this draws them where no tag,
//! chat line or product is, in the viewer's own text size.
use leptos::html::Video;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::browser::captions;
use crate::browser::keys::{key_of, Shortcut};
use crate::features::icons::CaptionsIcon;
use crate::i18n;
use crate::store::{State, StateStoreFields};

/// The button and the caption lines, for the `<video>` behind `video`; both
/// only when it has captions.
#[component]
pub fn Captions(
    /// The whole state.
    state: Store<State>,
    /// The video whose captions these are.
    video: NodeRef<Video>,
    /// Whether the shopper wants captions.
    on: RwSignal<bool>,
) -> impl IntoView {
    let text = i18n::text();
    let language = Signal::derive(move || state.locale().read().tag.clone());
    let captions = captions::watch(video, language);
    let shown = move || on.get() && !captions.lines.read().is_empty();
    view! {
        <Show when=move || captions.available.get()>
            <button
                class="lapak-round lapak-captions-button"
                data-testid="captions-button"
                aria-keyshortcuts=key_of(Shortcut::Captions)
                aria-pressed=move || on.get().to_string()
                aria-label=text.captions
                on:click=move |_| on.update(|on| *on = !*on)
            >
                <CaptionsIcon/>
            </button>
        </Show>
        <Show when=shown>
            // why: no live region: the captions repeat what the sound says,
            // which a screen reader's user hears already.
            <div class="lapak-captions" data-testid="captions" lang=move || language.get()>
                {move || {
                    captions
                        .lines
                        .get()
                        .into_iter()
                        .map(|line| view! { <span class="lapak-caption-line">{line}</span> })
                        .collect_view()
                }}
            </div>
        </Show>
    }
}
