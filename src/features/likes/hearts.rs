//! Hearts floating up from the like button: the viewer's own brighter and
//! larger, others' fainter. The store bounds and expires them; CSS moves them.
//! Shoppers who prefer less motion see none (the count still rises).
use leptos::prelude::*;
use reactive_stores::Field;

use crate::browser::motion::reduced_motion;
use crate::features::icons::HeartIcon;
use crate::store::Heart;

/// Paths a heart may take (`is-path-N` in the stylesheet), so a burst spreads out.
const PATHS: u64 = 4;

/// The hearts floating now; never in the way of a tap.
#[component]
pub fn Hearts(
    /// The hearts floating now.
    #[prop(into)]
    hearts: Field<Vec<Heart>>,
) -> impl IntoView {
    let rising = (!reduced_motion()).then(|| {
        view! {
            <For each=move || hearts.get() key=|h| h.id children=|heart| view! {
                <span class=format!("lapak-heart is-path-{}", heart.id % PATHS) class:is-mine=heart.mine>
                    <HeartIcon/>
                </span>
            }/>
        }
    });
    view! { <span class="lapak-hearts" aria-hidden="true" data-testid="hearts">{rising}</span> }
}
