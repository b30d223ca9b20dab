//! Products: a show's, as a viewer sees them, and a brand's catalogue
//! product, apart from any show, as the API carries it:
//! what a show file says of a product, with the currency of its price and the
//! brand's stock per variant.

use serde::{Deserialize, Serialize};

use crate::language::Translations;
use crate::money::Money;
use crate::wire::{ProductId, VariantId};

/// A product of a brand's catalogue.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CatalogueProduct {
    /// Product id, a slug unique within the brand.
    pub id: String,
    /// Name in the brand's language.
    pub name: String,
    /// The name in other languages.
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub names: Translations,
    /// Image URL.
    pub image_url: String,
    /// Unit price, minor units of `currency`.
    pub price: i64,
    /// ISO 4217 currency of the price.
    pub currency: String,
    /// Most units of one variant a cart may hold.
    pub max_per_order: u32,
    /// Variants with the brand's stock.
    pub variants: Vec<Variant>,
}

impl CatalogueProduct {
    /// The price as money.
    pub fn money(&self) -> Money {
        Money {
            minor: self.price,
            currency: self.currency.clone(),
        }
    }
}

/// A product in a show's catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Product id.
    pub id: ProductId,
    /// Display name, in the brand's language.
    pub name: String,
    /// The name in other languages.
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub names: Translations,
    /// Image URL.
    pub image_url: String,
    /// Unit price.
    pub price: Money,
    /// Most units of one variant a cart may hold.
    pub max_per_order: u32,
    /// At least one. A product with a single variant is added with one tap.
    pub variants: Vec<Variant>,
}

/// A purchasable variant (size, colour…) of a product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Variant id.
    pub id: VariantId,
    /// Display label, e.g. "M · Indigo"; empty for a product's only variant.
    pub label: String,
    /// The label in other languages.
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub labels: Translations,
    /// Units available now.
    pub stock: u32,
}
