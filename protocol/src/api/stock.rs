//! `/api/v1/shows/{show}/stock`: units left per variant, and setting them.

use serde::{Deserialize, Serialize};

/// One variant's units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    /// The product.
    pub product_id: String,
    /// Its variant.
    pub variant_id: String,
    /// Units left.
    pub stock: u32,
}

/// A variant's new stock (`PUT …/stock/{product}/{variant}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStock {
    /// 0 to 1,000,000.
    pub stock: u32,
}
