//! A catalogue product as its form holds it: each field as typed, so nothing
//! is lost while it is half typed, and the API's product made from it on
//! save. The form shows the Indonesian name and labels; translations into
//! other languages (from an import) are kept as they were.

use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

use lapak_protocol::api::catalogue::CatalogueProduct;
use lapak_protocol::{Money, Translations, Variant};

use crate::format;
use crate::slug::slug;
use crate::text::Text;

/// Longest product id the server takes.
const MAX_ID: usize = 64;
/// The language of the form's second name and labels.
const INDONESIAN: &str = "id";
/// What a new product starts with: a few per order, one variant.
const NEW_MAX_PER_ORDER: &str = "5";
const NEW_VARIANT: &str = "default";

/// A product's own fields in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    Name,
    NameId,
    ImageUrl,
    Price,
    Currency,
    MaxPerOrder,
}

/// A variant row's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Id,
    Label,
    LabelId,
    Stock,
}

impl From<Field> for usize {
    fn from(field: Field) -> usize {
        field as usize
    }
}

impl From<Column> for usize {
    fn from(column: Column) -> usize {
        column as usize
    }
}

/// What was typed in each of `N` fields, looked up by field (`K`, an enum
/// whose variants are the fields in order).
#[derive(Clone, Debug, PartialEq)]
pub struct Typed<K, const N: usize> {
    texts: [String; N],
    field: PhantomData<K>,
}

impl<K, const N: usize> Typed<K, N> {
    fn new(texts: [String; N]) -> Self {
        Typed {
            texts,
            field: PhantomData,
        }
    }

    fn is_blank(&self) -> bool {
        self.texts.iter().all(|text| text.trim().is_empty())
    }
}

impl<K, const N: usize> Default for Typed<K, N> {
    fn default() -> Self {
        Typed::new(std::array::from_fn(|_| String::new()))
    }
}

impl<K: Into<usize>, const N: usize> Index<K> for Typed<K, N> {
    type Output = String;
    fn index(&self, field: K) -> &String {
        &self.texts[field.into()]
    }
}

impl<K: Into<usize>, const N: usize> IndexMut<K> for Typed<K, N> {
    fn index_mut(&mut self, field: K) -> &mut String {
        &mut self.texts[field.into()]
    }
}

/// The form: what was typed in each field and each variant row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub typed: Typed<Field, 7>,
    pub variants: Vec<VariantDraft>,
    /// The names in languages the form does not show.
    other_names: Translations,
}

/// A variant row as typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VariantDraft {
    pub typed: Typed<Column, 4>,
    other_labels: Translations,
}

/// Why the form is not a product yet; what the server checks besides
/// (ids, lengths, the image) its refusal says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The price is not an amount in the currency.
    Price(String),
    MaxPerOrder,
    /// The stock of the variant row numbered so (from 1).
    Stock(usize),
    NoVariants,
}

impl Problem {
    /// The problem in the studio's words.
    pub fn said(&self, text: &Text) -> String {
        match self {
            Problem::Price(currency) => (text.price_not_amount)(currency),
            Problem::MaxPerOrder => text.max_not_number.to_owned(),
            Problem::Stock(row) => (text.stock_not_number)(*row),
            Problem::NoVariants => text.no_variants.to_owned(),
        }
    }
}

/// The Indonesian text of `translations`, and the others.
fn split(translations: &Translations) -> (String, Translations) {
    let mut others = translations.clone();
    let indonesian = others.remove(INDONESIAN).unwrap_or_default();
    (indonesian, others)
}

/// `others` with the Indonesian text, if one was typed.
fn joined(others: &Translations, indonesian: &str) -> Translations {
    let mut all = others.clone();
    if !indonesian.trim().is_empty() {
        all.insert(INDONESIAN.to_owned(), indonesian.trim().to_owned());
    }
    all
}

impl VariantDraft {
    fn of(variant: &Variant) -> VariantDraft {
        let (label_id, other_labels) = split(&variant.labels);
        VariantDraft {
            typed: Typed::new([
                variant.id.clone(),
                variant.label.clone(),
                label_id,
                variant.stock.to_string(),
            ]),
            other_labels,
        }
    }
}

impl Draft {
    /// A new product priced in `currency`, with one variant to fill in.
    pub fn new(currency: &str) -> Draft {
        let mut draft = Draft::default();
        draft.typed[Field::Currency] = currency.to_owned();
        draft.typed[Field::MaxPerOrder] = NEW_MAX_PER_ORDER.to_owned();
        let mut variant = VariantDraft::default();
        variant.typed[Column::Id] = NEW_VARIANT.to_owned();
        draft.variants.push(variant);
        draft
    }

    /// `product` to edit.
    pub fn of(product: &CatalogueProduct) -> Draft {
        let (name_id, other_names) = split(&product.names);
        Draft {
            typed: Typed::new([
                product.id.clone(),
                product.name.clone(),
                name_id,
                product.image_url.clone(),
                format::decimal(&product.money()),
                product.currency.clone(),
                product.max_per_order.to_string(),
            ]),
            variants: product.variants.iter().map(VariantDraft::of).collect(),
            other_names,
        }
    }

    /// The id the product gets: the one typed, else one made from the name.
    pub fn id(&self) -> String {
        match self.typed[Field::Id].trim() {
            "" => slug(&self.typed[Field::Name], MAX_ID),
            typed => typed.to_owned(),
        }
    }

    /// The API's product; blank variant rows are left out.
    pub fn product(&self) -> Result<CatalogueProduct, Problem> {
        let currency = self.typed[Field::Currency].trim().to_uppercase();
        let price = Money::from_decimal(&self.typed[Field::Price], &currency)
            .ok_or_else(|| Problem::Price(currency.clone()))?;
        let max_per_order = self.typed[Field::MaxPerOrder]
            .trim()
            .parse()
            .map_err(|_| Problem::MaxPerOrder)?;
        let mut variants = Vec::new();
        for (row, variant) in self.variants.iter().enumerate() {
            if variant.typed.is_blank() {
                continue;
            }
            let stock = variant.typed[Column::Stock].trim().parse();
            variants.push(Variant {
                id: variant.typed[Column::Id].trim().to_owned(),
                label: variant.typed[Column::Label].trim().to_owned(),
                labels: joined(&variant.other_labels, &variant.typed[Column::LabelId]),
                stock: stock.map_err(|_| Problem::Stock(row + 1))?,
            });
        }
        if variants.is_empty() {
            return Err(Problem::NoVariants);
        }
        Ok(CatalogueProduct {
            id: self.id(),
            name: self.typed[Field::Name].trim().to_owned(),
            names: joined(&self.other_names, &self.typed[Field::NameId]),
            image_url: self.typed[Field::ImageUrl].trim().to_owned(),
            price: price.minor,
            currency,
            max_per_order,
            variants,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{EN, ID};

    fn weave() -> CatalogueProduct {
        serde_json::from_value(serde_json::json!({
            "id": "kain-tenun", "name": "Ikat Weave",
            "names": { "id": "Kain Tenun Ikat", "en": "Ikat Weave" },
            "image_url": "/media/products/batik-shirt.svg", "price": 45_000_050,
            "currency": "IDR", "max_per_order": 2,
            "variants": [{ "id": "blue", "label": "Blue", "labels": { "id": "Biru" }, "stock": 6 },
                         { "id": "red", "label": "Red", "stock": 4 }]
        }))
        .unwrap()
    }

    #[test]
    fn a_product_reads_back_from_its_form_unchanged() {
        let draft = Draft::of(&weave());
        assert_eq!(draft.typed[Field::Price], "450000.5");
        assert_eq!(draft.typed[Field::NameId], "Kain Tenun Ikat");
        assert_eq!(draft.variants[0].typed[Column::LabelId], "Biru");
        assert_eq!(draft.product(), Ok(weave()), "the English name is kept too");
    }

    #[test]
    fn what_was_typed_becomes_the_apis_product() {
        let mut draft = Draft::new("idr");
        draft.typed[Field::Name] = "  Palm Sugar 500 g ".into();
        draft.typed[Field::ImageUrl] = " /media/products/gula.svg".into();
        draft.typed[Field::Price] = "35000".into();
        draft.variants[0].typed[Column::Stock] = " 80 ".into();
        draft.variants.push(VariantDraft::default());
        let product = draft.product().unwrap();
        assert_eq!(product.id, "palm-sugar-500-g", "made from the name");
        assert_eq!(
            (product.price, product.currency.as_str()),
            (3_500_000, "IDR")
        );
        assert_eq!(product.max_per_order, 5);
        assert!(product.names.is_empty(), "no Indonesian name typed");
        assert_eq!(product.variants.len(), 1, "the blank row is left out");
        let json = serde_json::to_value(&product).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "palm-sugar-500-g", "name": "Palm Sugar 500 g",
                "image_url": "/media/products/gula.svg", "price": 3_500_000, "currency": "IDR",
                "max_per_order": 5, "variants": [{ "id": "default", "label": "", "stock": 80 }]
            })
        );
        draft.typed[Field::Id] = "gula-aren".into();
        draft.typed[Field::NameId] = "Gula Aren".into();
        let product = draft.product().unwrap();
        assert_eq!(product.id, "gula-aren", "the typed id wins");
        assert_eq!(
            product.names.get("id").map(String::as_str),
            Some("Gula Aren")
        );
    }

    #[test]
    fn what_is_not_a_number_is_named() {
        let with = |change: fn(&mut Draft)| {
            let mut draft = Draft::of(&weave());
            change(&mut draft);
            draft.product().map(|_| ())
        };
        assert_eq!(
            with(|d| d.typed[Field::Price] = "12.345".into()),
            Err(Problem::Price("IDR".into()))
        );
        assert_eq!(
            with(|d| d.typed[Field::MaxPerOrder] = "two".into()),
            Err(Problem::MaxPerOrder)
        );
        assert_eq!(
            with(|d| d.variants[1].typed[Column::Stock] = "-1".into()),
            Err(Problem::Stock(2))
        );
        assert_eq!(with(|d| d.variants.clear()), Err(Problem::NoVariants));
        assert_eq!(
            Problem::Stock(2).said(&EN),
            "Variant 2: stock is a whole number."
        );
        assert_eq!(
            Problem::Price("IDR".into()).said(&ID),
            "Harga bukan jumlah dalam IDR."
        );
    }
}
