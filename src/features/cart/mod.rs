//! The cart: a button with the live count and a drawer with the lines.
mod line;

use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::focus::{keep_tab_inside, use_focus_on_mount};
use crate::browser::keys::{key_of, Shortcut};
use crate::features::checkout::open_checkout;
use crate::features::icons::CartIcon;
use crate::features::price::Price;
use crate::features::sheet::{lazy_body, lazy_view, CloseSheet, SplitLoaderError};
use crate::features::Panel;
use crate::i18n;
use crate::store::{CartView, State, StateStoreFields};
use line::CartLineRow;

/// The displayed cart, recomputed only when the confirmed cart, the commands
/// in the outbox or the catalogue change. Built once per widget and shared.
pub fn cart_memo(state: Store<State>) -> Memo<CartView> {
    Memo::new(move |_| {
        // Track exactly the fields the view is derived from.
        state.cart().track();
        state.outbox().track();
        state.products().track();
        state.read_untracked().cart_view()
    })
}

/// Opens the cart; its badge is the number of units in it.
#[component]
pub fn CartButton(
    /// The displayed cart (see [`cart_memo`]).
    cart: Memo<CartView>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let count = move || cart.read().count();
    view! {
        <button
            class="lapak-round lapak-cart-button"
            data-testid="cart-button"
            aria-keyshortcuts=key_of(Shortcut::Cart)
            data-focus-home
            aria-label=move || format!("{}, {}", text.cart, (text.items)(count()))
            aria-expanded=move || (panel.get() == Panel::Cart).to_string()
            on:click=move |_| Panel::toggle(panel, Panel::Cart)
        >
            <CartIcon/>
            <span class="lapak-round-label">{text.cart}</span>" "
            <span class="lapak-badge" class:is-empty=move || count() == 0 data-testid="cart-count" aria-hidden="true">
                {count}
            </span>
        </button>
    }
}

/// The cart drawer, while `Panel::Cart` is open.
#[component]
pub fn CartDrawer(
    /// The whole state.
    state: Store<State>,
    /// The displayed cart (see [`cart_memo`]).
    cart: Memo<CartView>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    view! {
        <Show when=move || panel.get() == Panel::Cart>
            <CartSheet state cart panel/>
        </Show>
    }
}

/// The drawer: its title and close button at once, its lines from a lazily
/// loaded chunk.
#[component]
fn CartSheet(state: Store<State>, cart: Memo<CartView>, panel: RwSignal<Panel>) -> impl IntoView {
    let text = i18n::text();
    let close = NodeRef::new();
    use_focus_on_mount(close);
    view! {
        <div class="lapak-sheet lapak-cart" role="dialog" aria-modal="true" aria-labelledby="lapak-cart-title" data-testid="cart-drawer" on:keydown=keep_tab_inside>
            <div class="lapak-sheet-head">
                <h2 id="lapak-cart-title">
                    {text.cart_title}
                    <span class="lapak-muted">" · " {move || (text.items)(cart.read().count())}</span>
                </h2>
                <CloseSheet label=text.close panel close/>
            </div>
            {lazy_body(move || cart_body(state, cart, panel))}
        </div>
    }
}

// The drawer's lines, in their own lazily loaded wasm chunk (`cart`).
lazy_view!(
    cart,
    preload_cart,
    fn cart_body(state: Store<State>, cart: Memo<CartView>, panel: RwSignal<Panel>) {
        view! { <CartLines state cart panel/> }.into_any()
    }
);

/// Lines, quantities, subtotal and the way to checkout.
#[component]
fn CartLines(state: Store<State>, cart: Memo<CartView>, panel: RwSignal<Panel>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let pending = move || cart.read().lines.iter().any(|l| l.pending);
    let lines = move || {
        cart.read()
            .lines
            .iter()
            .map(|l| (l.product_id.clone(), l.variant_id.clone()))
            .collect::<Vec<_>>()
    };
    let subtotal = Signal::derive(move || cart.read().subtotal());
    view! {
            <Show when=move || cart.read().lines.is_empty()>
                <p class="lapak-empty">{text.cart_empty}</p>
            </Show>
            <ul class="lapak-cart-lines">
                <For
                    each=lines
                    key=|key| key.clone()
                    children=move |(product_id, variant_id)| view! { <CartLineRow state cart product_id variant_id/> }
                />
            </ul>
            <Show when=move || subtotal.read().is_some()>
                <div class="lapak-subtotal">
                    <span>{text.subtotal}</span>
                    <Price locale=state.locale() money=subtotal class="lapak-price-lg" />
                </div>
                <p class="lapak-hint">{text.subtotal_hint}</p>
                <button class="lapak-primary" data-testid="checkout-button" disabled=pending
                    on:click=move |_| open_checkout(state, actions, panel)>
                    {text.checkout}
                </button>
            </Show>
    }
}
