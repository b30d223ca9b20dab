//! `/api/v1/shows/{show}/deals`: flash deals a host starts and stops. The
//! deals themselves are the socket's [`Deal`](crate::Deal).

use serde::{Deserialize, Serialize};

/// A deal to start now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDeal {
    /// The product on deal (every variant).
    pub product_id: String,
    /// Deal price per unit, minor units of the show's currency; below the product's price.
    pub price: i64,
    /// Units at the deal price, 1 to 100,000.
    pub quantity: u32,
    /// Units one shopper may buy at the deal price, 1 to `quantity`.
    pub per_buyer: u32,
    /// How long it runs: 10 s to a day.
    pub duration_s: u64,
}
