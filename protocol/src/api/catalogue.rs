//! `/api/v1/catalogue`: the brand's products apart from any show.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::CatalogueProduct;

/// A show's product taken from the catalogue when the show is scheduled
/// (`POST /api/v1/shows`, in its `products`): a copy of the brand's product,
/// with the show's own price and stock where given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FromCatalogue {
    /// The catalogue product's id.
    pub from_catalogue: String,
    /// The show's price, minor units of its currency; the catalogue's without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
    /// The show's units per variant id; the catalogue's for a variant left out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stock: BTreeMap<String, u32>,
}

/// What an import did (`POST /api/v1/catalogue/import`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// Products new to the catalogue.
    pub created: usize,
    /// Products replaced.
    pub updated: usize,
}
