//! Products for a new show from the brand's catalogue: a checklist, and for
//! each picked product the show's own price and stock per variant (the
//! catalogue's to start with). They are sent as `from_catalogue` entries,
//! which the server turns into copies: the catalogue itself is not changed.

use std::collections::BTreeMap;

use lapak_protocol::api::catalogue::{CatalogueProduct, FromCatalogue};
use lapak_protocol::Money;
use leptos::prelude::*;
use serde_json::Value;

use crate::api::Api;
use crate::catalogue::stock_line;
use crate::format;
use crate::text::Text;
use crate::trouble::{of_load, Said};

/// A picked product, with the show's price and stock as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    product: CatalogueProduct,
    /// A decimal in the product's currency; empty for the catalogue's price.
    price: String,
    /// Units of each variant, in the product's order; empty for the catalogue's.
    stock: Vec<String>,
}

/// One of a pick's typed values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Price,
    /// The stock of the product's variant at this index.
    Stock(usize),
}

impl Pick {
    /// `product`, with the catalogue's price and stock to start with.
    fn of(product: CatalogueProduct) -> Pick {
        Pick {
            price: format::decimal(&product.money()),
            stock: product
                .variants
                .iter()
                .map(|v| v.stock.to_string())
                .collect(),
            product,
        }
    }

    fn typed(&self, slot: Slot) -> Option<&String> {
        match slot {
            Slot::Price => Some(&self.price),
            Slot::Stock(variant) => self.stock.get(variant),
        }
    }

    fn typed_mut(&mut self, slot: Slot) -> Option<&mut String> {
        match slot {
            Slot::Price => Some(&mut self.price),
            Slot::Stock(variant) => self.stock.get_mut(variant),
        }
    }

    /// The show's `from_catalogue` entry: `None` when what was typed is not
    /// an amount or a number of units. What was left empty is left out.
    fn entry(&self) -> Option<Value> {
        let price = if self.price.trim().is_empty() {
            None
        } else {
            Some(Money::from_decimal(&self.price, &self.product.currency)?.minor)
        };
        let mut stock = BTreeMap::new();
        for (variant, typed) in self.product.variants.iter().zip(&self.stock) {
            if !typed.trim().is_empty() {
                stock.insert(variant.id.clone(), typed.trim().parse().ok()?);
            }
        }
        let entry = FromCatalogue {
            from_catalogue: self.product.id.clone(),
            price,
            stock,
        };
        serde_json::to_value(entry).ok()
    }
}

/// The new show's `products`, in the order picked; else the name of a
/// product whose price or stock is not a number.
pub fn entries(picks: &[Pick]) -> Result<Vec<Value>, String> {
    picks
        .iter()
        .map(|pick| pick.entry().ok_or_else(|| pick.product.name.clone()))
        .collect()
}

/// The checklist of the catalogue's products; `picks` holds those picked.
#[component]
pub fn Picker(api: StoredValue<Api>, picks: RwSignal<Vec<Pick>>) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let loaded = LocalResource::new(move || async move { api.get_value().catalogue().await });
    let catalogue = move || {
        loaded.with(|outcome| match outcome {
            Some(Ok(found)) => found.clone(),
            _ => Vec::new(),
        })
    };
    let trouble = Signal::derive(move || loaded.with(|outcome| of_load(text, outcome.as_ref())));
    let toggle = move |product: &CatalogueProduct| {
        let product = product.clone();
        picks.update(
            |all| match all.iter().position(|p| p.product.id == product.id) {
                Some(at) => drop(all.remove(at)),
                None => all.push(Pick::of(product)),
            },
        );
    };
    // A field of the pick of product `id`: a number, read from and written to `picks`.
    let typed = move |id: String, slot: Slot, label: String, testid: String, step: String| {
        let of = move |all: &[Pick]| all.iter().position(|p| p.product.id == id);
        view! {
            <label>
                <span>{label}</span>
                <input type="number" min="0" step=step inputmode="decimal" data-testid=testid
                    prop:value={
                        let of = of.clone();
                        move || picks.with(|all| {
                            of(all).and_then(|at| all[at].typed(slot).cloned()).unwrap_or_default()
                        })
                    }
                    on:input=move |ev| picks.update(|all| {
                        if let Some(value) = of(all).and_then(|at| all[at].typed_mut(slot)) {
                            *value = event_target_value(&ev);
                        }
                    }) />
            </label>
        }
    };
    let item = move |product: CatalogueProduct| {
        let id = product.id.clone();
        let picked = {
            let id = id.clone();
            Memo::new(move |_| picks.with(|all| all.iter().any(|p| p.product.id == id)))
        };
        let price = typed(
            id.clone(),
            Slot::Price,
            text.show_price.to_owned(),
            format!("pick-price-{id}"),
            format::step(&product.currency),
        );
        let stock = product.variants.iter().enumerate().map(|(at, variant)| {
            let label = if variant.label.is_empty() {
                text.in_stock
            } else {
                &variant.label
            };
            let testid = format!("pick-stock-{id}-{}", variant.id);
            typed(
                id.clone(),
                Slot::Stock(at),
                (text.show_stock)(label),
                testid,
                "1".into(),
            )
        });
        let fields = (price, stock.collect_view());
        view! {
            <li class="studio-pick">
                <label class="studio-pick-product">
                    <input type="checkbox" data-testid=format!("pick-product-{id}")
                        prop:checked=move || picked.get()
                        on:change={
                            let product = product.clone();
                            move |_| toggle(&product)
                        } />
                    <img class="studio-thumb" src=product.image_url.clone() alt="" loading="lazy" />
                    <span>
                        <b>{product.name.clone()}</b>
                        <small>{format::money(&product.money())}" · "{stock_line(&product.variants, text.in_stock)}</small>
                    </span>
                </label>
                <div class="studio-pick-fields" hidden=move || !picked.get()>{fields}</div>
            </li>
        }
    };
    view! {
        <fieldset class="studio-picker" data-testid="new-show-picker">
            <legend>{text.from_catalogue}</legend>
            <p class="studio-hint-left">{text.from_catalogue_hint}</p>
            <Said trouble testid="picker-trouble" />
            <Show when=move || loaded.with(|o| matches!(o, Some(Ok(found)) if !found.is_empty()))
                fallback=move || view! { <p class="studio-empty">{text.catalogue_empty}</p> }>
                <ul class="studio-pick-list">
                    <For each=catalogue key=|p| p.id.clone() children=item />
                </ul>
            </Show>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn weave() -> CatalogueProduct {
        serde_json::from_value(json!({
            "id": "kain-tenun", "name": "Ikat Weave", "image_url": "/w.svg", "price": 45_000_000,
            "currency": "IDR", "max_per_order": 2,
            "variants": [{ "id": "blue", "label": "Blue", "stock": 6 },
                         { "id": "red", "label": "Red", "stock": 4 }]
        }))
        .unwrap()
    }

    #[test]
    fn a_pick_starts_with_the_catalogues_price_and_stock() {
        let pick = Pick::of(weave());
        assert_eq!(
            (pick.price.as_str(), pick.stock.as_slice()),
            ("450000", ["6", "4"].map(String::from).as_slice())
        );
        assert_eq!(
            entries(&[pick]),
            Ok(vec![
                json!({ "from_catalogue": "kain-tenun", "price": 45_000_000,
                            "stock": { "blue": 6, "red": 4 } })
            ])
        );
    }

    #[test]
    fn the_shows_own_price_and_stock_are_sent_and_empty_ones_left_out() {
        let mut pick = Pick::of(weave());
        *pick.typed_mut(Slot::Price).unwrap() = "399000.50".into();
        *pick.typed_mut(Slot::Stock(0)).unwrap() = " 2 ".into();
        *pick.typed_mut(Slot::Stock(1)).unwrap() = String::new();
        assert_eq!(pick.typed_mut(Slot::Stock(2)), None, "no third variant");
        assert_eq!(
            entries(std::slice::from_ref(&pick)),
            Ok(vec![
                json!({ "from_catalogue": "kain-tenun", "price": 39_900_050,
                            "stock": { "blue": 2 } })
            ])
        );
        pick.price.clear();
        pick.stock = vec![String::new(), String::new()];
        assert_eq!(
            entries(&[pick]),
            Ok(vec![json!({ "from_catalogue": "kain-tenun" })]),
            "the catalogue's price and stock"
        );
    }

    #[test]
    fn what_is_not_a_number_names_its_product() {
        let mut pick = Pick::of(weave());
        pick.price = "lots".into();
        assert_eq!(entries(&[pick.clone()]), Err("Ikat Weave".into()));
        pick.price = "1".into();
        pick.stock[1] = "-3".into();
        assert_eq!(entries(&[pick]), Err("Ikat Weave".into()));
        assert_eq!(entries(&[]), Ok(vec![]));
    }
}
