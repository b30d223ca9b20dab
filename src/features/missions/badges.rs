//! The badge collection: earned badges in colour, locked ones with how to earn them.
use lapak_protocol::Badge;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::features::icons::LockIcon;
use crate::i18n;
use crate::store::{CommunityStoreFields, State, StateStoreFields};

/// Every badge of the show; a locked one names the mission that grants it.
#[component]
pub fn Badges(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let community = state.community();
    view! {
        <Show when=move || !community.badges().read().is_empty()>
            <section class="lapak-badges-panel" aria-labelledby="lapak-badges-title" data-testid="badges">
                <h3 id="lapak-badges-title" class="lapak-section-title">{text.badges}</h3>
                <ul class="lapak-medals">
                    // Keyed by badge: one earned keeps its row, which changes in place.
                    <For each=move || community.badges().get() key=|b| b.id.clone() children=move |badge| view! {
                        <Medal state badge/>
                    }/>
                </ul>
            </section>
        </Show>
    }
}

/// One badge: its art and name never change; whether it is earned, and the
/// mission that grants it, are read by its id.
#[component]
fn Medal(state: Store<State>, badge: Badge) -> impl IntoView {
    let text = i18n::text();
    let community = state.community();
    let id = badge.id.clone();
    let earned = Memo::new(move |_| community.progress().read().badges.contains(&id));
    let id = badge.id.clone();
    let how = move || {
        if earned.get() {
            return text.earned.to_owned();
        }
        let missions = community.missions().read();
        missions
            .iter()
            .find(|m| m.reward.badge.as_ref() == Some(&id))
            .map(|m| super::mission_title(text, m))
            .unwrap_or_default()
    };
    view! {
        <li class="lapak-medal" class:is-locked=move || !earned.get() data-testid=format!("badge-{}", badge.id) data-earned=move || earned.get().to_string()>
            <span class="lapak-medal-art">
                <img src=badge.image_url alt="" width="48" height="48"/>
                {move || (!earned.get()).then(|| view! { <span class="lapak-medal-lock"><LockIcon/></span> })}
            </span>
            <span class="lapak-medal-name">{badge.name}</span>
            <span class="lapak-medal-how">{how}</span>
        </li>
    }
}
