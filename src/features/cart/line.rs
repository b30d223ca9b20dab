//! One cart line: image, name, variant, quantity stepper, remove, line total.
use lapak_protocol::{ProductId, VariantId, MAX_LINE_QUANTITY};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::intl::format_money;
use crate::features::icons::TrashIcon;
use crate::features::price::Price;
use crate::features::product_memo;
use crate::i18n;
use crate::store::{CartView, LineView, State, StateStoreFields};

/// A line of the displayed cart, keyed by product and variant.
#[component]
pub fn CartLineRow(
    /// The whole state.
    state: Store<State>,
    /// The displayed cart.
    cart: Memo<CartView>,
    /// The line's product.
    product_id: ProductId,
    /// The line's variant.
    variant_id: VariantId,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let (pid, vid) = (product_id.clone(), variant_id.clone());
    let line = Memo::new(move |_| {
        cart.read()
            .lines
            .iter()
            .find(|l| l.product_id == pid && l.variant_id == vid)
            .cloned()
    });
    let product = product_memo(state, product_id.clone());
    let vid = variant_id.clone();
    let variant_label = move || {
        product
            .read()
            .as_ref()
            .and_then(|p| {
                p.variants
                    .iter()
                    .find(|v| v.id == vid)
                    .map(|v| v.label.clone())
            })
            .unwrap_or_default()
    };
    let quantity = move || line.read().as_ref().map(|l| l.quantity).unwrap_or(0);
    let limit = move || {
        product
            .read()
            .as_ref()
            .map(|p| p.max_per_order.min(MAX_LINE_QUANTITY))
            .unwrap_or(MAX_LINE_QUANTITY)
    };
    let set = {
        let (pid, vid) = (product_id.clone(), variant_id.clone());
        move |quantity: u32| actions.set_quantity(pid.clone(), vid.clone(), quantity)
    };
    let (dec, inc, remove) = (set.clone(), set.clone(), set);
    let total = Signal::derive(move || line.read().as_ref().and_then(LineView::amount));
    // Deal units and regular units as separate amounts, and why, when a deal's limit splits the line.
    let split = move || {
        let line = line.read();
        let line = line.as_ref()?;
        let price = &line.price;
        let beyond = price.beyond?;
        let locale = state.locale().read();
        let format = |minor| format_money(&line.money(minor), &locale.tag);
        let amounts = (price.deal_units > 0).then(|| {
            (text.price_split)(
                price.deal_units,
                &format(price.deal_price),
                price.regular_units(),
                &format(price.regular),
            )
        });
        Some(view! {
            <span class="lapak-line-note" data-testid="line-split">
                {amounts.map(|a| view! { <span>{a}</span> " · " })}
                {text.beyond(beyond)}
            </span>
        })
    };
    view! {
        <li class="lapak-cart-line" class:is-pending=move || line.read().as_ref().is_some_and(|l| l.pending)
            data-testid=format!("cart-line-{product_id}-{variant_id}")>
            <img class="lapak-thumb" src=move || product.read().as_ref().map(|p| p.image_url.clone()) alt="" width="64" height="64"/>
            <div class="lapak-line-info">
                <span class="lapak-item-name">{move || product.read().as_ref().map(|p| p.name.clone())}</span>
                <span class="lapak-muted">{variant_label}</span>
                {split}
                <div class="lapak-stepper" role="group" aria-label=text.quantity>
                    <button aria-label=text.decrease disabled={move || quantity() <= 1} on:click=move |_| dec(quantity().saturating_sub(1))>"−"</button>
                    <output data-testid="line-quantity" aria-live="polite">{quantity}</output>
                    <button aria-label=text.increase disabled={move || quantity() >= limit()} on:click=move |_| inc(quantity() + 1)>"+"</button>
                </div>
            </div>
            <div class="lapak-line-end">
                <Price locale=state.locale() money=total class="lapak-item-price"/>
                <Show when=move || line.read().as_ref().is_some_and(|l| l.pending)>
                    <span class="lapak-saving">{text.saving}</span>
                </Show>
                <button class="lapak-icon-button lapak-remove" aria-label=text.remove on:click=move |_| remove(0)>
                    <TrashIcon/>
                </button>
            </div>
        </li>
    }
}
