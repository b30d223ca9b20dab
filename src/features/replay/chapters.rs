//! A chapter of the replay: the stretch from when a product was first shown.
//! Its button, on the product's shelf item, moves the picture there.
use lapak_protocol::ProductId;
use leptos::prelude::*;
use reactive_stores::Store;

use super::{from_start, window};
use crate::actions::Actions;
use crate::features::Panel;
use crate::i18n;
use crate::store::State;

/// "See it in the show", with the time the product was first shown.
#[component]
pub fn ChapterButton(
    /// The whole state.
    state: Store<State>,
    /// The open sheet: the shelf closes, so the picture is seen.
    panel: RwSignal<Panel>,
    /// The product.
    product_id: ProductId,
    /// Programme time (unix ms) it was first shown.
    at: i64,
    /// Its name, for the button's accessible name.
    #[prop(into)]
    name: Signal<String>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let window = window(state);
    let when = move || {
        window
            .get()
            .map(|(starts, _)| from_start(at, starts))
            .unwrap_or_default()
    };
    let seek = move |_| {
        actions.seek(at);
        panel.set(Panel::Closed);
    };
    view! {
        <button
            class="lapak-chip-button lapak-chapter"
            data-testid=format!("chapter-{product_id}")
            aria-label=move || (text.see_named_in_show)(&name.get(), &when())
            on:click=seek
        >
            {text.see_in_show}
            <span class="lapak-chapter-time">{when}</span>
        </button>
    }
}
