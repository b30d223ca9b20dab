//! The layers the first tag does not wait for: the chat and its gift lane, the
//! floating hearts, a large gift's spotlight and the toasts. With the `split`
//! feature each is a wasm chunk of its own (see [`lazy_view!`]), fetched once
//! the show's first frame of tags has been painted, so the first payload holds
//! only the critical path (the video, the tags, the picker and the socket).
//! Nothing stands in their place while they load; a failed fetch is tried again.
use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use reactive_stores::Store;

use crate::browser::idle;
use crate::features::chat::Chat;
use crate::features::gifts::{GiftLane, Spotlight};
use crate::features::missions::Toasts;
use crate::features::sheet::lazy_view;
use crate::store::{State, StateStoreFields};

/// How long a failed fetch waits before it is tried again.
const RETRY: Duration = Duration::from_secs(3);

/// Whether the show's first frame of tags has been painted (the widget
/// provides it; a view mounted alone, as in a test, counts as painted).
#[derive(Clone, Copy)]
pub struct ShowPainted(pub Signal<bool>);

/// `load`'s view once the show has been painted (at once without the `split`
/// feature, where nothing is fetched and the view is built in the same frame).
pub fn later<Fut>(load: impl Fn() -> Fut + Copy + Send + Sync + 'static) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<AnyView, SplitLoaderError>> + Send + 'static,
{
    let attempt = RwSignal::new(0u32);
    let painted = use_context::<ShowPainted>().map(|p| p.0);
    let ready = move || !cfg!(feature = "split") || painted.is_none_or(|p| p.get());
    move || {
        ready().then(|| {
            view! {
                <Suspense fallback=|| ()>
                    {move || {
                        attempt.track();
                        Suspend::new(async move {
                            load().await.unwrap_or_else(|_| {
                                // why: a layer has no place to show a retry button;
                                // the fetch is tried again until it succeeds.
                                idle::after(RETRY, move || attempt.update(|n| *n += 1));
                                ().into_any()
                            })
                        })
                    }}
                </Suspense>
            }
        })
    }
}

// The chat, with the gift lane right above its lines.
lazy_view!(
    chat,
    fn chat_layer(state: Store<State>) {
        view! { <Chat state><GiftLane state/></Chat> }.into_any()
    }
);

// A large gift taking the whole widget for a moment.
lazy_view!(
    spotlight,
    fn spotlight_layer(state: Store<State>) {
        view! { <Spotlight state/> }.into_any()
    }
);

// Completed missions and copied links, in a polite live region.
lazy_view!(
    toasts,
    fn toasts_layer(state: Store<State>) {
        view! { <Toasts community=state.community()/> }.into_any()
    }
);
