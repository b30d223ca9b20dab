//! What the shopper is buying, as the server quoted it: each line's price now
//! and, where it changed since it was added, what changed — with the fix at
//! hand when stock ran short; the delivery options; and the sums charged.
use lapak_protocol::{LineNote, Quote, QuoteLine};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::intl::format_money;
use crate::features::price::Price;
use crate::i18n::{self, Catalogue};
use crate::store::{State, StateStoreFields};

/// Every line of the quote, keyed by product and variant.
#[component]
pub fn QuoteLines(
    /// The whole state.
    state: Store<State>,
    /// The quote shown.
    quote: Memo<Option<Quote>>,
) -> impl IntoView {
    let text = i18n::text();
    let keys = move || {
        quote
            .read()
            .iter()
            .flat_map(|q| q.lines.iter())
            .map(|l| (l.product_id.clone(), l.variant_id.clone()))
            .collect::<Vec<_>>()
    };
    // why: a deal's per-shopper limit is the rule the cart already priced by,
    // not a change since the shopper saw it; its line still says it.
    let changed = move || {
        quote.read().as_ref().is_some_and(|q| {
            q.lines.iter().any(|l| {
                l.note
                    .is_some_and(|n| !matches!(n, LineNote::DealLimit { .. }))
            })
        })
    };
    view! {
        <Show when=changed>
            <p class="lapak-alert" role="alert" data-testid="repriced">{text.changed_title}</p>
        </Show>
        <ul class="lapak-quote-lines">
            <For each=keys key=|k| k.clone() children=move |(product_id, variant_id)| {
                let line = Memo::new(move |_| {
                    quote.read().as_ref().and_then(|q| {
                        q.lines.iter().find(|l| l.product_id == product_id && l.variant_id == variant_id).cloned()
                    })
                });
                move || line.get().map(|line| view! { <QuoteLineRow state line/> })
            }/>
        </ul>
    }
}

#[component]
fn QuoteLineRow(state: Store<State>, line: QuoteLine) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let products = state.products().read_untracked();
    let product = products.iter().find(|p| p.id == line.product_id);
    let name = product.map(|p| p.name.clone()).unwrap_or_default();
    let image = product.map(|p| p.image_url.clone()).unwrap_or_default();
    let variant = product
        .and_then(|p| p.variants.iter().find(|v| v.id == line.variant_id))
        .map(|v| v.label.clone())
        .unwrap_or_default();
    drop(products);
    let locale = state.locale().read_untracked().tag.clone();
    let note = line
        .note
        .map(|n| text.line_note(n, &format_money(&line.added_price, &locale), line.available));
    let has_note = note.is_some();
    let short = line.note == Some(LineNote::ShortStock);
    let (pid, vid, available) = (
        line.product_id.clone(),
        line.variant_id.clone(),
        line.available,
    );
    let fix = move |_| actions.set_quantity(pid.clone(), vid.clone(), available);
    let on_deal = line.deal_id.is_some();
    let total = line.amount();
    let regular_units = line.quantity - line.deal_units;
    // A line split by a deal's limit shows both amounts.
    let units = if on_deal && regular_units > 0 {
        (text.price_split)(
            line.deal_units,
            &format_money(&line.unit_price, &locale),
            regular_units,
            &format_money(&line.regular_price, &locale),
        )
    } else {
        format!(
            "{} × {}",
            line.quantity,
            format_money(&line.unit_price, &locale)
        )
    };
    view! {
        <li class="lapak-quote-line" class:has-note=has_note data-testid=format!("quote-line-{}-{}", line.product_id, line.variant_id)>
            <img class="lapak-thumb lapak-thumb-sm" src=image alt="" width="48" height="48"/>
            <div class="lapak-line-info">
                <span class="lapak-item-name">{name}</span>
                <span class="lapak-muted">
                    {(!variant.is_empty()).then(|| format!("{variant} · "))}
                    {units}
                    {on_deal.then(|| view! { " " <span class="lapak-deal-flag">{text.flash_deal}</span> })}
                </span>
                {note.map(|note| view! { <span class="lapak-line-note" data-testid="line-note">{note}</span> })}
                <Show when=move || short>
                    <button class="lapak-link" on:click=fix.clone()>
                        {if available == 0 { text.remove.to_owned() } else { (text.use_available)(available) }}
                    </button>
                </Show>
            </div>
            <Price locale=state.locale() money=Signal::stored(total) class="lapak-item-price"/>
        </li>
    }
}

/// The delivery options the quote prices, one chosen.
#[component]
pub fn Delivery(
    state: Store<State>,
    quote: Memo<Option<Quote>>,
    shipping: Memo<Option<String>>,
    choice: RwSignal<Option<String>>,
) -> impl IntoView {
    let text = i18n::text();
    let options = move || {
        quote
            .read()
            .as_ref()
            .map(|q| q.shipping.clone())
            .unwrap_or_default()
    };
    view! {
        <fieldset class="lapak-delivery">
            <legend>{text.delivery_title}</legend>
            // Keyed by option: a new quote that re-prices an option updates its row in place.
            <For each=options key=|o| o.id.clone() children=move |option| {
                let id = option.id.clone();
                let key = id.clone();
                let current = Memo::new(move |_| {
                    quote.read().as_ref().and_then(|q| q.shipping.iter().find(|o| o.id == key).cloned())
                });
                let name = move || current.read().as_ref().map(|o| o.name.clone()).unwrap_or_default();
                let days = move || {
                    current.read().as_ref().map(|o| (text.days)(o.days_min, o.days_max)).unwrap_or_default()
                };
                let price = Memo::new(move |_| current.read().as_ref().map(|o| o.price.clone()));
                let free = Memo::new(move |_| price.read().as_ref().is_some_and(|p| p.minor == 0));
                let checked = {
                    let id = id.clone();
                    move || shipping.get().as_deref() == Some(id.as_str())
                };
                let is_chosen = checked.clone();
                view! {
                    <label class="lapak-option" class:is-chosen=is_chosen>
                        <input type="radio" name="lapak-shipping" value=id.clone() prop:checked=checked
                            data-testid=format!("shipping-{id}") on:change=move |_| choice.set(Some(id.clone()))/>
                        <span class="lapak-option-text">
                            <strong>{name}</strong>
                            <span class="lapak-muted">{days}</span>
                        </span>
                        {move || if free.get() {
                            view! { <span class="lapak-free">{text.free}</span> }.into_any()
                        } else {
                            view! { <Price locale=state.locale() money=price/> }.into_any()
                        }}
                    </label>
                }
            }/>
        </fieldset>
    }
}

/// What the order costs: subtotal, discounts, shipping and the total charged.
#[component]
pub fn Summary(
    state: Store<State>,
    text: &'static Catalogue,
    totals: Memo<Option<lapak_protocol::Totals>>,
) -> impl IntoView {
    let amount = move |pick: fn(&lapak_protocol::Totals) -> lapak_protocol::Money| {
        Signal::derive(move || totals.read().as_ref().map(pick))
    };
    let has_discount = move || totals.read().as_ref().is_some_and(|t| t.discount.minor > 0);
    let coupon = Signal::derive(move || totals.read().as_ref().and_then(|t| t.coupon.clone()));
    let has_coupon = move || coupon.read().as_ref().is_some_and(|c| c.minor > 0);
    view! {
        <dl class="lapak-sums" data-testid="summary">
            <div><dt>{text.subtotal}</dt><dd><Price locale=state.locale() money=amount(|t| t.subtotal.clone())/></dd></div>
            <Show when=has_discount>
                <div class="lapak-sum-discount"><dt>{text.discount}</dt><dd>"−" <Price locale=state.locale() money=amount(|t| t.discount.clone())/></dd></div>
            </Show>
            <Show when=has_coupon>
                <div class="lapak-sum-discount" data-testid="coupon-off"><dt>{text.coupon}</dt><dd>"−" <Price locale=state.locale() money=coupon/></dd></div>
            </Show>
            <div><dt>{text.shipping}</dt><dd><Price locale=state.locale() money=amount(|t| t.shipping.clone())/></dd></div>
            <div class="lapak-sum-total"><dt>{text.total}</dt><dd data-testid="total"><Price locale=state.locale() money=amount(|t| t.total.clone())/></dd></div>
        </dl>
    }
}
