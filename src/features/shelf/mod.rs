//! The shelf: every product featured in the show so far, newest first; before
//! the show begins, everything it will sell; in a replay, its chapters in the order shown (each with a button to where it
//! was shown) under the replay's top moments.
use lapak_protocol::{OnAir, ProductId};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::focus::{keep_tab_inside, use_focus_while_open};
use crate::browser::keys::{key_of, Shortcut};
use crate::features::deal::ProductPrice;
use crate::features::icons::BagIcon;
use crate::features::later::later;
use crate::features::replay::{ChapterButton, TopMoments};
use crate::features::sheet::{lazy_view, CloseSheet, SplitLoaderError};
use crate::features::{product_memo, tap_product, Panel};
use crate::i18n;
use crate::store::{ReplayStoreFields, State, StateStoreFields};

/// Whether the shelf shows what the show will sell: it has not begun, and
/// nothing is featured yet.
fn previewing(state: Store<State>) -> Memo<bool> {
    Memo::new(move |_| state.featured().read().is_empty() && state.on_air().get() == OnAir::Waiting)
}

/// Opens the shelf; shows how many products have been featured (or will be sold).
#[component]
pub fn ShelfButton(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let previewing = previewing(state);
    let count = move || {
        if previewing.get() {
            state.products().read().len()
        } else {
            state.featured().read().len()
        }
    };
    view! {
        <button
            class="lapak-round lapak-shelf-button"
            data-testid="shelf-button"
            aria-keyshortcuts=key_of(Shortcut::Products)
            aria-label=move || {
                if previewing.get() { (text.shelf_coming_label)(count()) } else { (text.shelf_label)(count()) }
            }
            aria-expanded=move || (panel.get() == Panel::Shelf).to_string()
            on:click=move |_| Panel::toggle(panel, Panel::Shelf)
        >
            <BagIcon/>
            // The space keeps the label and the count two words, as the name says them.
            <span class="lapak-round-label">{text.shelf}</span>" "
            <span class="lapak-badge lapak-badge-muted" aria-hidden="true">{count}</span>
        </button>
    }
}

/// The list. A sheet on narrow widgets; a column beside the stream on wide ones.
#[component]
pub fn Shelf(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let previewing = previewing(state);
    let close = NodeRef::new();
    use_focus_while_open(close, move || panel.get() == Panel::Shelf);
    view! {
        <aside
            class="lapak-shelf"
            data-testid="shelf"
            data-sheet
            class:is-open=move || panel.get() == Panel::Shelf
            data-open-sheet=move || (panel.get() == Panel::Shelf).then_some("")
            aria-labelledby="lapak-shelf-title"
            // Open as a sheet, Tab stays in it; as a column beside the stream it does not.
            on:keydown=move |ev| if panel.get_untracked() == Panel::Shelf { keep_tab_inside(ev) }
        >
            <div class="lapak-sheet-head">
                <h2 id="lapak-shelf-title">
                    {move || if previewing.get() { text.shelf_coming_title } else { text.shelf_title }}
                </h2>
                <CloseSheet label=text.close panel close class="lapak-shelf-close"/>
            </div>
            {later(move || shelf_body(state, panel))}
        </aside>
    }
}

// The list under the heading, in its own chunk: the tags come first (see `later`).
lazy_view!(
    shelf,
    fn shelf_body(state: Store<State>, panel: RwSignal<Panel>) {
        view! { <ShelfBody state panel/> }.into_any()
    }
);

/// A replay's top moments, then the products.
#[component]
fn ShelfBody(state: Store<State>, panel: RwSignal<Panel>) -> impl IntoView {
    let text = i18n::text();
    // A replay's chapters once its log is in; before the show, what it will
    // sell; else what was featured, newest first.
    let previewing = previewing(state);
    let items = Memo::new(move |_| {
        let log = state.replay().log().read();
        match log.index() {
            Some(index) => index
                .chapters
                .iter()
                .map(|c| (c.product_id.clone(), Some(c.at)))
                .collect::<Vec<_>>(),
            None if previewing.get() => state
                .products()
                .read()
                .iter()
                .map(|p| (p.id.clone(), None))
                .collect(),
            None => state
                .featured()
                .read()
                .iter()
                .rev()
                .map(|id| (id.clone(), None))
                .collect(),
        }
    });
    view! {
        <TopMoments state panel/>
        <Show when=move || items.read().is_empty()>
            <p class="lapak-empty">{text.shelf_empty}</p>
        </Show>
        <ul class="lapak-shelf-list">
            // Keyed by product: a product stays one row when the replay's
            // log arrives and it becomes a chapter (its button then appears in it).
            <For each=move || items.get() key=|(id, _)| id.clone() children=move |(id, _)| {
                let key = id.clone();
                let chapter = Memo::new(move |_| {
                    items.read().iter().find(|(p, _)| *p == key).and_then(|(_, at)| *at)
                });
                view! { <ShelfItem state panel product_id=id chapter/> }
            }/>
        </ul>
    }
}

/// A product: picture, name, price and stock, the add button and, for a
/// replay's chapter (`chapter`: when it was first shown), the button there.
#[component]
fn ShelfItem(
    state: Store<State>,
    panel: RwSignal<Panel>,
    product_id: ProductId,
    #[prop(into)] chapter: Signal<Option<i64>>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let product = product_memo(state, product_id.clone());
    let id = product_id.clone();
    let pinned = move || state.pins().read().iter().any(|p| p.product_id == id);
    let stock = move || {
        product
            .read()
            .as_ref()
            .map(|p| p.variants.iter().map(|v| v.stock).sum::<u32>())
            .unwrap_or(0)
    };
    let name = Signal::derive(move || {
        product
            .read()
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default()
    });
    let chapter = {
        let product_id = product_id.clone();
        move || {
            let product_id = product_id.clone();
            chapter
                .get()
                .map(|at| view! { <ChapterButton state panel product_id at name/> })
        }
    };
    let add = move |_| tap_product(product.get_untracked(), actions, panel);
    view! {
        <li class="lapak-shelf-item" data-testid=format!("shelf-item-{product_id}")>
            <img class="lapak-thumb" src=move || product.read().as_ref().map(|p| p.image_url.clone()) alt="" width="64" height="64"/>
            <div class="lapak-shelf-info">
                <Show when=pinned.clone()>
                    <span class="lapak-now">{text.showing_now}</span>
                </Show>
                <span class="lapak-item-name">{name}</span>
                <ProductPrice state product class="lapak-item-price"/>
                <Show when=move || stock() <= 3>
                    <span class="lapak-stock">
                        {move || if stock() == 0 { text.sold_out.to_owned() } else { (text.only_left)(stock()) }}
                    </span>
                </Show>
                {chapter}
            </div>
            <button class="lapak-add" aria-label=move || (text.add_named)(&name.get()) disabled=move || stock() == 0 on:click=add>
                "+"
            </button>
        </li>
    }
}
