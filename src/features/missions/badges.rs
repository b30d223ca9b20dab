//! The badge collection: earned badges in colour, locked ones with how to earn them.
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
    let rows = move || {
        let earned = community.progress().read().badges.clone();
        let missions = community.missions().read();
        community
            .badges()
            .get()
            .into_iter()
            .map(|badge| {
                let how = missions
                    .iter()
                    .find(|m| m.reward.badge.as_ref() == Some(&badge.id))
                    .map(|m| super::mission_title(text, m));
                (earned.contains(&badge.id), how, badge)
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !community.badges().read().is_empty()>
            <section class="lapak-badges-panel" aria-labelledby="lapak-badges-title" data-testid="badges">
                <h3 id="lapak-badges-title" class="lapak-section-title">{text.badges}</h3>
                <ul class="lapak-medals">
                    <For each=rows key=|(earned, _, b)| (b.id.clone(), *earned) children=move |(earned, how, badge)| view! {
                        <li class="lapak-medal" class:is-locked=!earned data-testid=format!("badge-{}", badge.id) data-earned=earned.to_string()>
                            <span class="lapak-medal-art">
                                <img src=badge.image_url alt="" width="48" height="48"/>
                                {(!earned).then(|| view! { <span class="lapak-medal-lock"><LockIcon/></span> })}
                            </span>
                            <span class="lapak-medal-name">{badge.name}</span>
                            <span class="lapak-medal-how">
                                {if earned { text.earned.to_owned() } else { how.unwrap_or_default() }}
                            </span>
                        </li>
                    }/>
                </ul>
            </section>
        </Show>
    }
}
