//! The brand's catalogue: products apart from any show, with the brand's own
//! stock. Everyone of the brand reads it and exports it as CSV; owners add,
//! edit and delete products, or import many at once. A show takes copies
//! when it is scheduled (`new_show`), so nothing here changes a show.

mod draft;
mod edit;
mod import;
mod table;

use lapak_protocol::api::catalogue::CatalogueProduct;
use lapak_protocol::api::shows::ShowSummary;
use leptos::prelude::*;

use crate::context::Workspace;
use crate::focus::focus;
use crate::text::Text;

pub use table::stock_line;

/// The currency when nothing says another: the demo's and the first market's.
const FALLBACK_CURRENCY: &str = "IDR";

/// What the form is open on.
#[derive(Clone, Debug, PartialEq)]
enum Editing {
    New,
    Product(CatalogueProduct),
}

/// The currency a new product starts in: the brand's shows' (a show sells in
/// one), else the catalogue's, else [`FALLBACK_CURRENCY`].
fn brand_currency(shows: &[ShowSummary], catalogue: &[CatalogueProduct]) -> String {
    let of_shows = shows
        .iter()
        .find_map(|s| s.products.first())
        .map(|p| p.price.currency.clone());
    of_shows
        .or_else(|| catalogue.first().map(|p| p.currency.clone()))
        .unwrap_or_else(|| FALLBACK_CURRENCY.to_owned())
}

/// The catalogue page; `shows` are the brand's (their currency is a new
/// product's), and an `owner` may change what is in it.
#[component]
pub fn Catalogue(shows: RwSignal<Vec<ShowSummary>>, owner: bool) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    // Read when the page opens and after each change made here: nothing else
    // changes a catalogue as often as a show's figures move, so it is not polled.
    let read =
        LocalResource::new(move || async move { workspace.api.get_value().catalogue().await });
    let load = move || read.refetch();
    // The last catalogue read stays listed while a read fails; the refusal is said above it.
    let products = Memo::new(
        move |last: Option<&Vec<CatalogueProduct>>| match read.get() {
            Some(Ok(found)) => found,
            _ => last.cloned().unwrap_or_default(),
        },
    );
    let refused =
        move || read.with(|outcome| Some(outcome.as_ref()?.as_ref().err()?.message.clone()));
    let editing = RwSignal::new(None::<Editing>);
    let open = move |what: Editing| {
        editing.set(Some(what));
        focus("#product-form-heading");
    };
    let done = move |changed: bool| {
        editing.set(None);
        if changed {
            load();
        }
    };
    let form = move || {
        let product = match editing.get()? {
            Editing::New => None,
            Editing::Product(product) => Some(product),
        };
        // Read once: the list coming back must not reset what is being typed.
        let currency = shows.with_untracked(|s| products.with_untracked(|p| brand_currency(s, p)));
        Some(view! { <edit::ProductForm product currency on_done=done /> })
    };
    view! {
        <main class="studio-catalogue-page" data-testid="catalogue">
            <section class="studio-panel" aria-labelledby="catalogue-heading">
                <div class="studio-catalogue-head">
                    <h2 id="catalogue-heading">{text.catalogue}</h2>
                    <a class="studio-quiet studio-link" download href="/api/v1/catalogue/csv"
                        data-testid="catalogue-export">{text.export_csv}</a>
                    {owner.then(|| view! {
                        <button class="studio-primary" data-testid="new-product"
                            on:click=move |_| open(Editing::New)>{text.new_product}</button>
                    })}
                </div>
                <p class="studio-error" role="alert" data-testid="catalogue-refused">{refused}</p>
                {form}
                <table::ProductTable products owner on_edit=move |product| open(Editing::Product(product)) />
            </section>
            {owner.then(|| view! { <import::Import on_done=load /> })}
        </main>
    }
}

#[cfg(test)]
mod tests;
