//! The compact variant picker: choose size or colour, then add.
use lapak_protocol::{Product, VariantId};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::focus::{keep_tab_inside, use_focus_on_mount};
use crate::features::deal::ProductPrice;
use crate::features::sheet::{lazy_body, lazy_view, CloseSheet, SplitLoaderError};
use crate::features::{product_memo, Panel};
use crate::i18n;
use crate::store::{State, StateStoreFields};

/// Low-stock hint threshold: "Only 3 left" from here down.
const LOW_STOCK: u32 = 3;

/// The picker sheet for the product in `Panel::Picker`, if any.
#[component]
pub fn Picker(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let product = Memo::new(move |_| match &*panel.read() {
        Panel::Picker(id) => state
            .products()
            .read()
            .iter()
            .find(|p| &p.id == id)
            .cloned(),
        _ => None,
    });
    move || {
        product
            .get()
            .map(|product| view! { <PickerSheet state panel product/> })
    }
}

/// The sheet: the product's picture, name and price at once, its options
/// from a lazily loaded chunk.
#[component]
fn PickerSheet(state: Store<State>, panel: RwSignal<Panel>, product: Product) -> impl IntoView {
    let text = i18n::text();
    let close = NodeRef::new();
    use_focus_on_mount(close);
    let shown = product_memo(state, product.id.clone());
    let (image_url, name) = (product.image_url.clone(), product.name.clone());
    let product = StoredValue::new(product);
    view! {
        <div class="lapak-sheet lapak-picker" role="dialog" aria-modal="true" aria-labelledby="lapak-picker-title" data-testid="picker" on:keydown=keep_tab_inside>
            <div class="lapak-picker-head">
                <img class="lapak-picker-image" src=image_url alt="" width="88" height="88"/>
                <div class="lapak-picker-info">
                    <h2 class="lapak-picker-title" id="lapak-picker-title">{name}</h2>
                    <ProductPrice state product=shown class="lapak-price-lg"/>
                </div>
                <CloseSheet label=text.close panel close/>
            </div>
            {lazy_body(move || picker_body(panel, product))}
        </div>
    }
}

// The options, in their own lazily loaded wasm chunk (`picker`).
lazy_view!(
    picker,
    preload_picker,
    fn picker_body(panel: RwSignal<Panel>, product: StoredValue<Product>) {
        view! { <PickerOptions panel product=product.get_value()/> }.into_any()
    }
);

/// The variants, with their stock, and the button that adds the chosen one.
#[component]
fn PickerOptions(panel: RwSignal<Panel>, product: Product) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let chosen = RwSignal::new(None::<VariantId>);
    let product_id = product.id.clone();
    let add = move |_| {
        if let Some(variant_id) = chosen.get_untracked() {
            actions.add_to_cart(product_id.clone(), variant_id);
            panel.set(Panel::Closed);
        }
    };
    let options = product
        .variants
        .into_iter()
        .map(|variant| {
            let id = variant.id.clone();
            let is_chosen = {
                let id = id.clone();
                move || chosen.read().as_ref() == Some(&id)
            };
            let stock_hint = match variant.stock {
                0 => Some(text.sold_out.to_owned()),
                n if n <= LOW_STOCK => Some((text.only_left)(n)),
                _ => None,
            };
            view! {
                <button
                    class="lapak-chip"
                    class:is-chosen=is_chosen.clone()
                    data-testid=format!("variant-option-{id}")
                    aria-pressed=move || is_chosen().to_string()
                    disabled=variant.stock == 0
                    on:click=move |_| chosen.set(Some(id.clone()))
                >
                    <span>{variant.label}</span>
                    {stock_hint.map(|hint| view! { <small class="lapak-chip-hint">{hint}</small> })}
                </button>
            }
        })
        .collect_view();
    view! {
        <p class="lapak-label">{text.choose_option}</p>
        <div class="lapak-chips" role="group" aria-label=text.choose_option>{options}</div>
        <button class="lapak-primary" data-testid="add-to-cart" disabled=move || chosen.read().is_none() on:click=add>
            {text.add_to_cart}
        </button>
    }
}
