//! An owner's form for one catalogue product: its id (typed once, when new),
//! names, picture, price and currency, most per order, and a row per variant
//! with the brand's stock. Saved whole (`PUT`); deleted only after a second,
//! confirming press, since a deleted product is gone for the next shows.

use lapak_protocol::api::catalogue::CatalogueProduct;
use lapak_protocol::api::refusal::Refusal;
use leptos::prelude::*;

use super::draft::{Column, Draft, Field, VariantDraft};
use crate::context::Workspace;
use crate::focus::focus;
use crate::format;
use crate::text::Text;

/// A field's label, test id and input type.
fn shown(field: Field, text: &Text) -> (&'static str, &'static str, &'static str) {
    match field {
        Field::Id => (text.product_id, "product-id", "text"),
        Field::Name => (text.product_name, "product-name", "text"),
        Field::NameId => (text.product_name_id, "product-name-id", "text"),
        // Not `url`: the server takes the site's own paths (`/media/…`) too.
        Field::ImageUrl => (text.image_url, "product-image", "text"),
        Field::Price => (text.price, "product-price", "number"),
        Field::Currency => (text.currency, "product-currency", "text"),
        Field::MaxPerOrder => (text.max_per_order, "product-max", "number"),
    }
}

/// A variant column's label and test id (the row's number follows it).
fn column_shown(column: Column, text: &Text) -> (&'static str, &'static str) {
    match column {
        Column::Id => (text.variant_id, "variant-id"),
        Column::Label => (text.variant_label, "variant-label"),
        Column::LabelId => (text.variant_label_id, "variant-label-id"),
        Column::Stock => (text.variant_stock, "variant-stock"),
    }
}

/// The form for `product`, or for a new product priced in `currency`;
/// `on_done` closes it, hearing whether the catalogue changed.
#[component]
pub fn ProductForm(
    product: Option<CatalogueProduct>,
    currency: String,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let editing = product.is_some();
    let draft = RwSignal::new(
        product
            .as_ref()
            .map_or_else(|| Draft::new(&currency), Draft::of),
    );
    let (heading, name) = match &product {
        Some(p) => ((text.editing)(&p.name), p.name.clone()),
        None => (text.new_product.to_owned(), String::new()),
    };
    // The refusal, read out at once: the owner fixes the form before going on.
    let refused = RwSignal::new(None::<String>);
    // Without an idempotency key, a second press while the first is on its
    // way would be a second request.
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let rows = Memo::new(move |_| draft.with(|d| d.variants.len()));
    let step =
        move || format::step(&draft.with(|d| d.typed[Field::Currency].trim().to_uppercase()));
    // What a save or a delete came to: the form closes and the header says
    // so, or the refusal is read out here.
    let settle = move |done: Result<(), Refusal>, said: String| {
        busy.set(false);
        confirming.set(false);
        match done {
            Ok(()) => {
                workspace.notice.set(Some(said));
                on_done(true);
            }
            Err(refusal) => refused.set(Some(refusal.message)),
        }
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let product = match draft.with_untracked(Draft::product) {
            Ok(product) => product,
            Err(problem) => return refused.set(Some(problem.said(text))),
        };
        refused.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = workspace.api.get_value().put_product(&product).await;
            settle(done, (text.product_saved)(&product.name));
        });
    };
    let delete = move |name: String| {
        let id = draft.with_untracked(|d| d.typed[Field::Id].clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = workspace.api.get_value().delete_product(&id).await;
            settle(done, (text.product_deleted)(&name));
        });
    };
    let field = move |field: Field| {
        let (label, testid, kind) = shown(field, text);
        let new_id = field == Field::Id && !editing;
        view! {
            <label>
                <span>{label}</span>
                <input type=kind data-testid=testid autocomplete="off"
                    required=!matches!(field, Field::Id | Field::NameId)
                    readonly=field == Field::Id && editing
                    min=match field { Field::Price => Some("0"), Field::MaxPerOrder => Some("1"), _ => None }
                    step=move || match field { Field::Price => Some(step()), Field::MaxPerOrder => Some("1".into()), _ => None }
                    pattern=new_id.then_some("[a-z0-9\\-]{1,64}")
                    aria-describedby=new_id.then_some("product-id-hint")
                    // A new product's id, until one is typed: the one made from its name.
                    placeholder=move || new_id.then(|| draft.with(Draft::id))
                    prop:value=move || draft.with(|d| d.typed[field].clone())
                    on:input=move |ev| draft.update(|d| d.typed[field] = event_target_value(&ev)) />
                {new_id.then(|| view! { <small id="product-id-hint">{text.product_id_hint}</small> })}
            </label>
        }
    };
    let cell = move |row: usize, column: Column| {
        let (label, testid) = column_shown(column, text);
        let stock = column == Column::Stock;
        view! {
            <input type=if stock { "number" } else { "text" } autocomplete="off"
                data-testid=format!("{testid}-{row}")
                aria-label=(text.variant_field)(row + 1, label)
                min=stock.then_some("0") step=stock.then_some("1")
                inputmode=stock.then_some("numeric")
                prop:value=move || draft.with(|d| d.variants.get(row).map(|v| v.typed[column].clone()).unwrap_or_default())
                on:input=move |ev| draft.update(|d| {
                    if let Some(variant) = d.variants.get_mut(row) {
                        variant.typed[column] = event_target_value(&ev);
                    }
                }) />
        }
    };
    let columns = [Column::Id, Column::Label, Column::LabelId, Column::Stock];
    let variant = move |row: usize| {
        view! {
            <div class="studio-variant-row" role="group" aria-label=(text.variant_field)(row + 1, text.variants)>
                {columns.map(|column| cell(row, column))}
                <button type="button" class="studio-quiet" data-testid=format!("remove-variant-{row}")
                    aria-label=(text.remove_variant)(row + 1)
                    on:click=move |_| draft.update(|d| {
                        if row < d.variants.len() {
                            d.variants.remove(row);
                        }
                    })>
                    "✕"
                </button>
            </div>
        }
    };
    let add_variant = move |_| {
        let row = rows.get_untracked();
        draft.update(|d| d.variants.push(VariantDraft::default()));
        // The new row's first field, so typing goes on from the keyboard.
        focus(&format!("[data-testid=\"variant-id-{row}\"]"));
    };
    let head = columns.map(|column| view! { <span>{column_shown(column, text).0}</span> });
    view! {
        <form class="studio-product-form" on:submit=save data-testid="product-form"
            aria-labelledby="product-form-heading">
            <h3 id="product-form-heading" tabindex="-1">{heading}</h3>
            <div class="studio-product-fields">
                {[Field::Id, Field::Name, Field::NameId, Field::ImageUrl, Field::Price, Field::Currency, Field::MaxPerOrder].map(field)}
            </div>
            <fieldset class="studio-variants">
                <legend>{text.variants}</legend>
                // The columns' names for the eye; each field carries its own label.
                <div class="studio-variant-row studio-variant-head" aria-hidden="true">{head}</div>
                {move || (0..rows.get()).map(variant).collect_view()}
                <button type="button" class="studio-quiet" data-testid="add-variant" on:click=add_variant>
                    {text.add_variant}
                </button>
            </fieldset>
            <p class="studio-error" role="alert" data-testid="product-refused">{move || refused.get()}</p>
            <div class="studio-form-actions">
                <button class="studio-primary" data-testid="save-product" disabled=move || busy.get()>
                    {text.save_product}
                </button>
                <button type="button" class="studio-quiet" data-testid="cancel-product" on:click=move |_| on_done(false)>
                    {text.cancel}
                </button>
                {editing.then(|| view! { <DeleteButton name busy confirming on_delete=delete /> })}
            </div>
        </form>
    }
}

/// Delete, then the question and the confirming press.
#[component]
fn DeleteButton(
    name: String,
    busy: RwSignal<bool>,
    confirming: RwSignal<bool>,
    on_delete: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let question = (text.confirm_delete)(&name);
    let ask = move |_| {
        confirming.set(true);
        // Onto the safe answer: a stray Enter keeps the product.
        focus("[data-testid=\"cancel-delete\"]");
    };
    view! {
        <Show when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="studio-danger studio-inline" data-testid="delete-product" on:click=ask>
                    {text.delete_product}
                </button>
            }>
            <p class="studio-confirm" role="alert">{question.clone()}</p>
            <button type="button" class="studio-danger studio-inline" data-testid="confirm-delete"
                disabled=move || busy.get()
                on:click={
                    let name = name.clone();
                    move |_| on_delete(name.clone())
                }>
                {text.yes_delete}
            </button>
            <button type="button" class="studio-quiet" data-testid="cancel-delete" on:click=move |_| confirming.set(false)>
                {text.keep_product}
            </button>
        </Show>
    }
}
