//! The quoted lines: what each costs now and, where it changed since it was
//! added, what changed — with the fix at hand when stock ran short.
use lapak_protocol::{LineNote, Quote, QuoteLine};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::intl::format_money;
use crate::features::price::Price;
use crate::i18n;
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
    let changed = move || {
        quote
            .read()
            .as_ref()
            .is_some_and(|q| q.lines.iter().any(|l| l.note.is_some()))
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
