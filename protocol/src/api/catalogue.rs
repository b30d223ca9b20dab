//! `/api/v1/catalogue`: the brand's products apart from any show.

use serde::{Deserialize, Serialize};

pub use crate::CatalogueProduct;

/// What an import did (`POST /api/v1/catalogue/import`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// Products new to the catalogue.
    pub created: usize,
    /// Products replaced.
    pub updated: usize,
}
