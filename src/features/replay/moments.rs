//! A replay's top moments: up to five chips, each named by what happened in
//! it (the deal, the product on screen, the gift) and when, each moving the
//! picture there.
use lapak_protocol::replay::{About, Highlight, TopMoment};
use leptos::prelude::*;
use reactive_stores::Store;

use super::{from_start, window};
use crate::actions::Actions;
use crate::features::Panel;
use crate::i18n;
use crate::store::{ReplayStoreFields, State, StateStoreFields};

/// The chips, once the replay's log is in and has any.
#[component]
pub fn TopMoments(
    /// The whole state.
    state: Store<State>,
    /// The open sheet: it closes on a chip, so the picture is seen.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let moments = Memo::new(move |_| {
        let log = state.replay().log().read();
        log.index().map(|i| i.moments.clone()).unwrap_or_default()
    });
    view! {
        <Show when=move || !moments.read().is_empty()>
            <section class="lapak-moments" aria-labelledby="lapak-moments-title" data-testid="top-moments">
                <h3 id="lapak-moments-title" class="lapak-section-title">{text.top_moments}</h3>
                <ul class="lapak-moment-list">
                    <For each=move || moments.get() key=|m| m.at children=move |moment| view! {
                        <li><MomentChip state panel moment/></li>
                    }/>
                </ul>
            </section>
        </Show>
    }
}

/// The chip's words: what the moment is about, by the names the shopper
/// sees (the product's, the gift's), and what stood out when that is not it.
fn moment_name(state: Store<State>, moment: &TopMoment) -> String {
    let text = i18n::text();
    let what = (text.highlight)(moment.highlight);
    let product = |id: &str| {
        let products = state.products().read_untracked();
        products.iter().find(|p| p.id == id).map(|p| p.name.clone())
    };
    match &moment.about {
        Some(About::Deal(id)) => product(id).map(|name| (text.moment_deal)(&name)),
        Some(About::Product(id)) => product(id).map(|name| match moment.highlight {
            Highlight::Tag => name,
            _ => format!("{name} · {what}"),
        }),
        Some(About::Gift(id)) => {
            let gifting = state.gifting().read_untracked();
            gifting.gift(id).map(|gift| (text.moment_gift)(&gift.name))
        }
        None => None,
    }
    .unwrap_or_else(|| what.to_owned())
}

/// A stable name for what made a moment, for `data-` attributes and the stylesheet.
fn highlight_name(highlight: Highlight) -> &'static str {
    match highlight {
        Highlight::Chat => "chat",
        Highlight::Likes => "likes",
        Highlight::Gifts => "gifts",
        Highlight::Tag => "tag",
    }
}

#[component]
fn MomentChip(state: Store<State>, panel: RwSignal<Panel>, moment: TopMoment) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let window = window(state);
    let what = moment_name(state, &moment);
    let when = move || {
        window
            .get()
            .map(|(starts, _)| from_start(moment.at, starts))
            .unwrap_or_default()
    };
    let label = {
        let what = what.clone();
        move || (text.moment_at)(&what, &when())
    };
    let seek = move |_| {
        actions.seek(moment.at);
        panel.set(Panel::Closed);
    };
    view! {
        <button
            class="lapak-chip-button lapak-moment"
            data-testid="top-moment"
            data-highlight=highlight_name(moment.highlight)
            aria-label=label
            on:click=seek
        >
            {what}
            <span class="lapak-moment-time">{when}</span>
        </button>
    }
}
