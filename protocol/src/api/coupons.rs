//! `/api/v1/shows/{show}/coupons`: a host's coupon codes for a show.

use serde::{Deserialize, Serialize};

use crate::CouponTerms;

/// A code to create: exactly one of `percent_off` and `amount_off`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCoupon {
    /// What shoppers type: 3–24 of `A–Z`, `0–9`, `-` (any case; kept in upper case).
    pub code: String,
    /// Percent off, 1..=90 (or `amount_off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_off: Option<u32>,
    /// Amount off, minor units of the show's currency (or `percent_off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<i64>,
    /// Merchandise after deals a cart must reach, minor units (0: none).
    #[serde(default)]
    pub min_spend: i64,
    /// Hours from now it can be claimed and used, 1..=8760.
    pub valid_hours: u32,
    /// Shoppers who may claim it, 1..=100,000.
    pub max_claims: u32,
}

/// A host's code for a show: the answer to creating it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponCode {
    /// The code shoppers type, in upper case.
    pub code: String,
    /// What it takes off, from what spend.
    pub terms: CouponTerms,
    /// Claimable and usable until then, Unix milliseconds.
    pub expires_at_ms: i64,
    /// Wallets that may hold it.
    pub max_claims: u32,
}

/// A code with how shoppers took it up, as the list gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponFigures {
    /// The code.
    #[serde(flatten)]
    pub coupon: CouponCode,
    /// Wallets that added it.
    pub claims: u32,
    /// Paid orders that used it.
    pub orders: u32,
}
