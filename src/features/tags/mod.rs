//! Product tags over the video, where the host pinned them: a dot on the product and a card
//! beside it. A tap adds a single-variant product at once and opens the picker for the others.
mod placement;

use lapak_protocol::ProductId;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::features::deal::ProductPrice;
use crate::features::{product_memo, tap_product, Panel};
use crate::i18n;
use crate::store::{State, StateStoreFields};
use placement::{place, Side, SCREENS};

/// Every pinned product's tag.
#[component]
pub fn TagLayer(
    /// The whole state.
    state: Store<State>,
    /// The open sheet (a tap on a product with variants opens its picker).
    panel: RwSignal<Panel>,
) -> impl IntoView {
    // Each card's side, decided over all the pins at once so that no two cards meet.
    let sides = Memo::new(move |_| {
        let pins = state.pins().read();
        let points: Vec<_> = pins.iter().map(|p| (p.x, p.y)).collect();
        let sides = place(&points, &SCREENS);
        pins.iter()
            .zip(sides)
            .map(|(p, side)| (p.product_id.clone(), side))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="lapak-tags">
            <For
                each={move || state.pins().read().iter().map(|p| p.product_id.clone()).collect::<Vec<_>>()}
                key=|id| id.clone()
                children=move |id| {
                    let key = id.clone();
                    let side = Signal::derive(move || {
                        sides.read().iter().find(|(p, _)| *p == key).map_or(Side::Above, |(_, s)| *s)
                    });
                    view! { <Tag state panel product_id=id side/> }
                }
            />
        </div>
    }
}

/// One tag: a dot on the pin's (x, y) and a card above or below it (thumbnail, name, price).
#[component]
fn Tag(
    state: Store<State>,
    panel: RwSignal<Panel>,
    product_id: ProductId,
    /// Which side of the product the card goes.
    side: Signal<Side>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let product = product_memo(state, product_id.clone());
    let id = product_id.clone();
    let position = Memo::new(move |_| {
        state
            .pins()
            .read()
            .iter()
            .find(|p| p.product_id == id)
            .map(|p| (p.x.clamp(0.0, 1.0), p.y.clamp(0.0, 1.0)))
    });
    // The pin in basis points of the picture, for the stylesheet to map onto the visible
    // picture; integer formatting, as float formatting would add kilobytes to the download.
    // Set as properties, not a `style` attribute, which a strict CSP (`style-src 'self'`) blocks.
    let basis = move |axis: fn((f32, f32)) -> f32| {
        move || {
            position
                .get()
                .map(|p| ((axis(p) * 10_000.0) as u32).to_string())
        }
    };
    let sold_out = move || {
        product
            .read()
            .as_ref()
            .is_some_and(|p| p.variants.iter().all(|v| v.stock == 0))
    };
    let has_options = move || {
        product
            .read()
            .as_ref()
            .is_some_and(|p| p.variants.len() > 1)
    };
    let tapped = product_id.clone();
    let tap = move |_| {
        actions.tag_tapped(tapped.clone());
        tap_product(product.get_untracked(), actions, panel);
    };
    let name = move || {
        product
            .read()
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let label = move || {
        let action = if has_options() {
            text.choose_option
        } else {
            text.add_to_cart
        };
        format!("{} — {action}", name())
    };
    view! {
        <div class="lapak-tag-spot" class:is-below=move || side.get() == Side::Below style:--x=basis(|p| p.0) style:--y=basis(|p| p.1)>
            <span class="lapak-tag-ring"></span>
            <button
                class="lapak-tag"
                class:is-sold-out=sold_out
                data-testid=format!("tag-{product_id}")
                aria-haspopup=move || has_options().then_some("dialog")
                title=label
                on:click=tap
            >
                <img class="lapak-tag-thumb" src=move || product.read().as_ref().map(|p| p.image_url.clone()) alt="" width="36" height="36"/>
                <span class="lapak-tag-text">
                    <span class="lapak-tag-name">{name}</span>
                    <Show when=sold_out fallback=move || view! { <ProductPrice state product class="lapak-tag-price"/> }>
                        <span class="lapak-tag-price">{text.sold_out}</span>
                    </Show>
                </span>
                <span class="lapak-tag-add" aria-hidden="true">"+"</span>
            </button>
        </div>
    }
}
