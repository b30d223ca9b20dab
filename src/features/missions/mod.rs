//! Missions and what they lead to: the Fan Club card, the LIVE Journey, the
//! missions with their progress, the badge collection, the viewer's name and
//! sharing the show — one sheet — and the toasts that announce completions.
mod badges;
mod club;
mod journey;
mod name;
mod toasts;

pub use toasts::Toasts;

use lapak_protocol::{Activity, Mission};
use leptos::prelude::*;
use reactive_stores::{Field, Store};

use crate::actions::Actions;
use crate::features::coupons::{terms_text, WalletCoupons};
use crate::features::icons::{CheckIcon, CoinIcon, TargetIcon};
use crate::features::replay::replaying;
use crate::features::sheet::{lazy_body, lazy_sheet_body, Sheet, SplitLoaderError};
use crate::features::Panel;
use crate::i18n::{self, Catalogue};
use crate::store::{Community, CommunityStoreFields, State, StateStoreFields};

/// Opens the missions sheet; shows how many missions are done.
#[component]
pub fn MissionsButton(
    /// The community state (its missions and this viewer's progress).
    #[prop(into)]
    community: Field<Community>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let done = Memo::new(move |_| {
        let progress = community.progress().read();
        progress.missions.iter().filter(|m| m.done).count()
    });
    let toggle = move |_| {
        panel.update(|p| {
            *p = if *p == Panel::Missions {
                Panel::Closed
            } else {
                Panel::Missions
            }
        })
    };
    view! {
        <Show when=move || !community.missions().read().is_empty()>
            <button
                class="lapak-round lapak-missions-button"
                data-testid="missions-button"
                aria-label=move || (text.missions_button)(done.get(), community.missions().read().len())
                aria-expanded=move || (panel.get() == Panel::Missions).to_string()
                on:click=toggle
            >
                <TargetIcon/>
                <span class="lapak-round-label">{text.missions}</span>
            </button>
        </Show>
    }
}

/// The missions sheet, while `Panel::Missions` is open.
#[component]
pub fn MissionsSheet(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Sheet panel open=Panel::Missions class="lapak-missions" title=text.missions_title testid="missions-sheet">
            {lazy_body(move || missions_body(state, panel))}
        </Sheet>
    }
}

#[component]
fn Missions(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    on_cleanup(move || actions.dismiss_community_notice());
    let community = state.community();
    // Missions this viewer cannot read (a newer kind) are not listed. Rows are
    // keyed by mission: progress updates a row in place.
    let rows = move || {
        community
            .missions()
            .get()
            .into_iter()
            .filter(|m| m.counts != Activity::Unknown)
            .collect::<Vec<_>>()
    };
    view! {
        <name::NameRow state/>
        <club::ClubCard state/>
        <journey::Journey state/>
        <section aria-labelledby="lapak-mission-list-title">
            <h3 id="lapak-mission-list-title" class="lapak-section-title">{text.missions}</h3>
            <ul class="lapak-mission-list">
                <For each=rows key=|m| m.id.clone() children=move |mission| view! {
                    <MissionRow state mission/>
                }/>
            </ul>
        </section>
        <badges::Badges state/>
        <WalletCoupons state/>
    }
}

/// One mission: what to do, what it gives, how far along. In a replay, one
/// that only a live viewer can do (watching, likes, chat: a replay's watch
/// time counts for its own figures) says so instead of its count.
#[component]
fn MissionRow(state: Store<State>, mission: Mission) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let title = mission_title(text, &mission);
    let (id, target) = (mission.id.clone(), mission.target);
    let progress = state.community().progress();
    let standing = Memo::new(move |_| {
        progress
            .read()
            .missions
            .iter()
            .find(|p| p.id == id)
            .map_or((0, false), |p| (p.count.min(target), p.done))
    });
    let count = move || standing.get().0;
    let done = move || standing.get().1;
    let replaying = replaying(state);
    let live_only = matches!(
        mission.counts,
        Activity::WatchSeconds | Activity::Like | Activity::Comment
    );
    let counts = mission.counts;
    let shown = move |n: u32| match counts {
        Activity::WatchSeconds => n / 60,
        _ => n,
    };
    let count_text = move || (text.of)(shown(count()), shown(target));
    let reward = reward_text(state, &mission);
    let counted = move || {
        if live_only && replaying.get() {
            view! { <span class="lapak-mission-count is-live-only" data-testid="live-only">{text.live_only}</span> }.into_any()
        } else {
            view! { <span class="lapak-mission-count">{count_text}</span> }.into_any()
        }
    };
    let percent = move || format!("width: {}%", count() * 100 / target.max(1));
    let sharing = mission.counts == Activity::Share;
    let share = move || {
        (sharing && !done()).then(|| {
            view! {
                <button class="lapak-chip-button" data-testid="share" on:click=move |_| actions.share()>
                    {text.share}
                </button>
            }
        })
    };
    view! {
        <li class="lapak-mission" class:is-done=done data-testid=format!("mission-{}", mission.id)>
            <div class="lapak-mission-text">
                <span class="lapak-mission-title">{title.clone()}</span>
                <span class="lapak-mission-reward">{reward}</span>
            </div>
            {share}
            {move || if done() {
                view! { <span class="lapak-mission-done" role="img" aria-label=text.mission_done><CheckIcon/></span> }.into_any()
            } else {
                counted.into_any()
            }}
            <div
                class="lapak-meter"
                role="progressbar"
                aria-label=title
                aria-valuemin="0"
                aria-valuemax=target.to_string()
                aria-valuenow=move || count().to_string()
            >
                <span style=percent></span>
            </div>
        </li>
    }
}

/// "Like 30 times", from the mission's activity and target.
pub fn mission_title(text: &Catalogue, mission: &Mission) -> String {
    (text.mission)(mission.counts, mission.target)
}

/// What a mission gives: coins, points, a badge, joined by " · ".
fn reward_text(state: Store<State>, mission: &Mission) -> impl IntoView {
    let text = i18n::text();
    let reward = &mission.reward;
    let badge = reward.badge.as_ref().and_then(|id| {
        let badges = state.community().badges();
        let name = badges
            .read_untracked()
            .iter()
            .find(|b| &b.id == id)?
            .name
            .clone();
        Some((text.badge_reward)(&name))
    });
    let points = (reward.points > 0).then(|| (text.points)(reward.points));
    let coupon = reward.coupon.map(|c| {
        let show = state.show().read_untracked();
        let currency = show.as_ref().map_or("", |s| s.currency.as_str());
        let locale = state.locale().read_untracked().tag.clone();
        (text.coupon_reward)(&terms_text(text, &c.terms, currency, &locale))
    });
    let parts: Vec<String> = points.into_iter().chain(badge).chain(coupon).collect();
    view! {
        {(reward.coins > 0).then(|| view! { <span class="lapak-reward-coins"><CoinIcon/>"+"{reward.coins}</span> })}
        {(!parts.is_empty()).then(|| parts.join(" · "))}
    }
}

// The sheet's body, in its own lazily loaded wasm chunk (`missions`).
lazy_sheet_body!(missions, preload_missions, fn missions_body(state, panel) { { let _ = panel; view! { <Missions state/> }.into_any() } });
