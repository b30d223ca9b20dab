//! The host's Fan Club: join it, or see your level and the points to the next.
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::features::icons::HeartIcon;
use crate::i18n;
use crate::store::{CommunityStoreFields, GiftingStoreFields, State, StateStoreFields};

/// The club card: a join button for viewers, level and progress for members.
#[component]
pub fn ClubCard(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let community = state.community();
    let club = community.club();
    let member = move || community.progress().read().member;
    let name = move || {
        club.read()
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    // A gift club is joined by sending its gift: say which and what it costs.
    let join_label = move || {
        let club = club.read();
        let gift_id = club.as_ref()?.join_gift.as_ref()?;
        let gifting = state.gifting();
        let catalogue = gifting.catalogue().read();
        let gift = catalogue.iter().find(|g| &g.id == gift_id)?;
        Some((text.join_with_gift)(&gift.name, gift.coins))
    };
    let next = move || {
        let (club, member) = (club.read(), member()?);
        let need = *club
            .as_ref()?
            .levels
            .get(usize::try_from(member.level).ok()?)?;
        Some((need, member.points))
    };
    view! {
        <Show when=move || club.read().is_some()>
            <section class="lapak-club" data-testid="club" aria-labelledby="lapak-club-title">
                <span class="lapak-club-heart"><HeartIcon/></span>
                <div class="lapak-club-text">
                    <h3 id="lapak-club-title">{name}</h3>
                    {move || match member() {
                        Some(m) => view! {
                            <p data-testid="club-level">{(text.club_level)(m.level, m.points)}</p>
                            {next().map(|(need, points)| view! {
                                <p class="lapak-hint">{(text.points_to_next)(need.saturating_sub(points), m.level + 1)}</p>
                                <div class="lapak-meter" role="progressbar" aria-label=text.club_progress
                                    aria-valuemin="0" aria-valuemax=need.to_string() aria-valuenow=points.to_string()>
                                    <span style=format!("width: {}%", points.min(need) * 100 / need.max(1))></span>
                                </div>
                            })}
                        }.into_any(),
                        None => view! { <p class="lapak-hint">{text.club_pitch}</p> }.into_any(),
                    }}
                </div>
                <Show when=move || member().is_none()>
                    <button class="lapak-primary lapak-join" data-testid="join-club" on:click=move |_| actions.join_club()>
                        {move || join_label().unwrap_or_else(|| text.join_club.to_owned())}
                    </button>
                </Show>
            </section>
        </Show>
    }
}
