//! Where everyone sees gifts arrive: a lane of streaks over the video ("Ayu
//! sent Rose x12", a summary when it is full) and, for a large gift, a moment
//! over the whole widget — or a still banner for shoppers who prefer less motion.
use lapak_protocol::{Gift, GiftTier};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::browser::intl::format_count;
use crate::browser::motion::reduced_motion;
use crate::features::viewer_name::ViewerName;
use crate::i18n::{self, Catalogue};
use crate::store::{GiftingStoreFields, LaneEntry, State, StateStoreFields};

/// The streaks on screen, oldest on top.
#[component]
pub fn GiftLane(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let text = i18n::text();
    let lane = state.gifting().lane();
    let entries = move || lane.read().entries.clone();
    let overflow = move || lane.read().overflow;
    // role=log without live announcements: a busy show would drown a screen
    // reader; large gifts are announced by the spotlight.
    view! {
        <div class="lapak-lane" role="log" aria-live="off" aria-label=text.gifts data-testid="gift-lane">
            // Keyed by streak: a streak that grows keeps its row and updates its count in place.
            <For each=entries key=|e| e.streak.id children=move |entry| view! {
                <LaneRow state entry text/>
            }/>
            <Show when=move || overflow() != 0>
                <p class="lapak-lane-more" data-testid="gift-lane-more">
                    {move || (text.more_gifts)(&format_count(overflow(), &state.locale().read_untracked().tag))}
                </p>
            </Show>
        </div>
    }
}

/// Who sent what: the sender's name ("You" for the shopper's own) and the gift.
fn describe(state: Store<State>, entry: &LaneEntry, text: &Catalogue) -> (String, Gift) {
    let gift = state
        .gifting()
        .read_untracked()
        .gift(&entry.streak.gift_id)
        .cloned();
    let who = if entry.mine {
        text.you.to_owned()
    } else {
        entry.streak.from.name.clone()
    };
    // A gift the catalogue does not know (a newer server) still shows who sent something.
    let gift = gift.unwrap_or_else(|| Gift {
        id: entry.streak.gift_id.clone(),
        name: entry.streak.gift_id.clone(),
        names: Default::default(),
        image_url: String::new(),
        coins: 0,
        tier: GiftTier::Small,
    });
    (who, gift)
}

#[component]
fn LaneRow(state: Store<State>, entry: LaneEntry, text: &'static Catalogue) -> impl IntoView {
    let (who, gift) = describe(state, &entry, text);
    let tier = gift.tier;
    let id = entry.streak.id;
    let lane = state.gifting().lane();
    let count = move || {
        lane.read()
            .entries
            .iter()
            .find(|e| e.streak.id == id)
            .map_or(entry.streak.count, |e| e.streak.count)
    };
    view! {
        <div
            class="lapak-lane-row"
            class:is-mine=entry.mine
            class:is-medium=tier == GiftTier::Medium
            class:is-large=tier == GiftTier::Large
            data-testid="gift-lane-row"
        >
            <span class="lapak-initial" aria-hidden="true">{super::initial(&who)}</span>
            <span class="lapak-lane-text">
                <strong><ViewerName community=state.community() viewer=entry.streak.from.clone() you=entry.mine/></strong>
                <span>{(text.sent)(&gift.name)}</span>
            </span>
            <img src=gift.image_url alt="" width="36" height="36"/>
            <span class="lapak-lane-count" data-testid="gift-lane-count">"x"{count}</span>
        </div>
    }
}

/// A large gift over the whole widget: an animated moment, or a still banner
/// when the shopper prefers reduced motion.
#[component]
pub fn Spotlight(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let text = i18n::text();
    let still = reduced_motion();
    let spotlight = state.gifting().spotlight();
    let current = Memo::new(move |_| spotlight.get());
    view! {
        <div class="lapak-spotlight-region" role="status" aria-live="polite">
            {move || current.get().map(|entry| {
                let (who, gift) = describe(state, &entry, text);
                let line = format!("{who} {}", (text.sent)(&gift.name));
                let image = gift.image_url;
                if still {
                    view! {
                        <div class="lapak-spotlight-banner" data-testid="spotlight-still">
                            <img src=image alt="" width="44" height="44"/>
                            <span>{line}</span>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div class="lapak-spotlight" data-testid="spotlight-animated">
                            <div class="lapak-spotlight-burst" aria-hidden="true"></div>
                            <img class="lapak-spotlight-gift" src=image alt="" width="160" height="160"/>
                            <p class="lapak-spotlight-line">{line}</p>
                        </div>
                    }.into_any()
                }
            })}
        </div>
    }
}
