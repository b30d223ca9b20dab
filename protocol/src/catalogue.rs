//! A brand's catalogue product, apart from any show, as the API carries it:
//! what a show file says of a product, with the currency of its price and the
//! brand's stock per variant.

use serde::{Deserialize, Serialize};

use crate::{Money, Translations, Variant};

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
