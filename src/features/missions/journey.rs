//! The LIVE Journey: this show's steps, lighting up as the viewer does them.
use lapak_protocol::Activity;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::i18n;
use crate::store::{CommunityStoreFields, State, StateStoreFields};

/// The steps, in the order a viewer usually takes them; joining is done by being here.
const STEPS: [Option<Activity>; 6] = [
    None,
    Some(Activity::Like),
    Some(Activity::Comment),
    Some(Activity::JoinClub),
    Some(Activity::Gift),
    Some(Activity::Buy),
];

/// A compact track of the steps; each is "done" or not for screen readers too.
#[component]
pub fn Journey(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let progress = state.community().progress();
    view! {
        <section class="lapak-journey" aria-labelledby="lapak-journey-title" data-testid="journey">
            <h3 id="lapak-journey-title" class="lapak-section-title">{text.journey}</h3>
            <ol>
                {STEPS.iter().zip(text.journey_steps).map(|(step, label)| {
                    let done = move || step.is_none_or(|a| progress.read().journey.contains(&a));
                    view! {
                        <li class="lapak-step" class:is-done=done data-done=move || done().to_string()>
                            <span class="lapak-step-dot" aria-hidden="true"></span>
                            <span class="lapak-step-label">{label}</span>
                            <span class="lapak-visually-hidden">{move || if done() { text.step_done } else { text.step_todo }}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
