//! The catalogue as a table: a product a row, with its picture, its names,
//! price, and each variant's stock; an owner's rows open the product to edit.

use lapak_protocol::api::catalogue::CatalogueProduct;
use lapak_protocol::Variant;
use leptos::prelude::*;

use crate::format;
use crate::text::Text;

/// Each variant with its units, `Blue 6 · Red 4`; an unlabelled variant (a
/// product's only one) is called `in_stock`.
pub fn stock_line(variants: &[Variant], in_stock: &str) -> String {
    let each = variants.iter().map(|v| {
        let label = if v.label.is_empty() {
            in_stock
        } else {
            &v.label
        };
        format!("{label} {}", v.stock)
    });
    each.collect::<Vec<_>>().join(" · ")
}

/// The products, by id; `on_edit` opens one (owners only).
#[component]
pub fn ProductTable(
    products: Memo<Vec<CatalogueProduct>>,
    owner: bool,
    on_edit: impl Fn(CatalogueProduct) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let row = move |product: CatalogueProduct| {
        let edit = owner.then(|| {
            let (testid, label) = (
                format!("product-edit-{}", product.id),
                (text.edit_product)(&product.name),
            );
            let opened = product.clone();
            view! {
                <td>
                    <button class="studio-quiet" data-testid=testid aria-label=label
                        on:click=move |_| on_edit(opened.clone())>
                        {text.edit}
                    </button>
                </td>
            }
        });
        view! {
            <tr data-testid=format!("catalogue-row-{}", product.id)>
                <td><img class="studio-thumb" src=product.image_url.clone() alt="" loading="lazy" /></td>
                <th scope="row">
                    <span>{product.name.clone()}</span>
                    {product.names.get("id").map(|name| view! { <small lang="id">{name.clone()}</small> })}
                </th>
                <td class="studio-amount">{format::money(&product.money())}</td>
                <td>{stock_line(&product.variants, text.in_stock)}</td>
                {edit}
            </tr>
        }
    };
    view! {
        <Show when=move || !products.read().is_empty()
            fallback=move || view! { <p class="studio-empty">{text.catalogue_empty}</p> }>
            <table class="studio-table studio-catalogue-table" data-testid="catalogue-table">
                <thead><tr>
                    <th scope="col">{text.image}</th>
                    <th scope="col">{text.product}</th>
                    <th scope="col" class="studio-amount">{text.price}</th>
                    <th scope="col">{text.variants_and_stock}</th>
                    {owner.then(|| view! { <th scope="col">{text.edit}</th> })}
                </tr></thead>
                <tbody>{move || products.get().into_iter().map(row).collect_view()}</tbody>
            </table>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(id: &str, label: &str, stock: u32) -> Variant {
        Variant {
            id: id.into(),
            label: label.into(),
            labels: Default::default(),
            stock,
        }
    }

    #[test]
    fn variants_read_with_their_stock() {
        let two = [variant("blue", "Blue", 6), variant("red", "Red", 4)];
        assert_eq!(stock_line(&two, "In stock"), "Blue 6 · Red 4");
        assert_eq!(stock_line(&[variant("default", "", 80)], "Stok"), "Stok 80");
        assert_eq!(stock_line(&[], "In stock"), "");
    }
}
