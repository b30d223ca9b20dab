//! Coupons: a percent or an amount off a cart's merchandise, from a minimum
//! spend, until an expiry, used once. A mission may grant one; a host may
//! create a code for a show, which a shopper adds to their wallet. The rule for
//! what a coupon takes off lives here, once: the server's quote and checkout
//! call it through [`crate::Quote::totals`], and so does the viewer.

use serde::{Deserialize, Serialize};

/// Longest percentage a coupon may take off: a coupon never makes an order free.
pub const MAX_PERCENT_OFF: u32 = 90;

/// Shortest and longest code a host may create, in characters.
pub const CODE_CHARS: std::ops::RangeInclusive<usize> = 3..=24;

/// What a coupon takes off the merchandise (after flash deals; never shipping).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Off {
    /// A percentage, 1..=[`MAX_PERCENT_OFF`], rounded down to the minor unit.
    Percent {
        /// Percent off.
        percent: u32,
    },
    /// An amount in the show's currency, at most the merchandise.
    Amount {
        /// Minor units off.
        minor: i64,
    },
}

/// A coupon's terms: what it takes off, from what spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CouponTerms {
    /// What it takes off.
    pub off: Off,
    /// Merchandise (after deals) a cart must reach, minor units; 0 for none.
    #[serde(default)]
    pub min_spend: i64,
}

impl CouponTerms {
    /// What the coupon takes off `merchandise` (minor units, after deals):
    /// `None` below the minimum spend.
    pub fn off_for(&self, merchandise: i64) -> Option<i64> {
        if merchandise < self.min_spend.max(1) {
            return None;
        }
        let off = match self.off {
            // Rounded down: the shopper never gets more off than the percentage.
            Off::Percent { percent } => {
                merchandise / 100 * i64::from(percent)
                    + merchandise % 100 * i64::from(percent) / 100
            }
            Off::Amount { minor } => minor.min(merchandise),
        };
        Some(off.max(0))
    }

    /// Why these terms cannot be offered, if they cannot.
    pub fn problem(&self) -> Option<&'static str> {
        match self.off {
            Off::Percent { percent } if !(1..=MAX_PERCENT_OFF).contains(&percent) => {
                Some("percent off must be 1..=90")
            }
            Off::Amount { minor } if minor < 1 => Some("amount off must be at least 1"),
            _ if self.min_spend < 0 => Some("min_spend must not be negative"),
            _ => None,
        }
    }
}

/// A coupon in a shopper's wallet.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Coupon {
    /// The code that names it in the wallet: the host's code, or the granting
    /// mission's (`mission:<id>:<period>`), which no host code can be.
    pub code: String,
    /// What it takes off, from what spend.
    pub terms: CouponTerms,
    /// Usable until then, Unix milliseconds.
    pub expires_at_ms: i64,
    /// The mission that granted it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission_id: Option<String>,
    /// Used by an order already.
    #[serde(default)]
    pub used: bool,
}

/// The terms of a mission's coupon reward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponReward {
    /// What the coupon takes off, from what spend.
    pub terms: CouponTerms,
    /// Hours it stays usable after the mission is completed.
    pub valid_hours: u32,
}

/// Why a coupon does not apply to a cart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CouponProblem {
    /// Not in this shopper's wallet, or no such code in this show.
    Unknown,
    /// Used by an order already.
    Used,
    /// Past its expiry.
    Expired,
    /// The cart's merchandise is below the minimum spend.
    MinSpend {
        /// The minimum, minor units.
        min_spend: i64,
    },
    /// A code every claim of which is taken.
    AllClaimed,
}

/// A code as a shopper types it, made canonical (trimmed, upper case), or
/// `None` when it cannot be a host's code: [`CODE_CHARS`] of `A–Z`, `0–9`, `-`.
pub fn coupon_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    let fits = CODE_CHARS.contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    fits.then_some(code)
}

#[cfg(test)]
mod tests {
    use crate::coupons::*;

    fn terms(off: Off, min_spend: i64) -> CouponTerms {
        CouponTerms { off, min_spend }
    }

    #[test]
    fn a_percent_is_rounded_down_and_an_amount_never_exceeds_the_merchandise() {
        let ten = terms(Off::Percent { percent: 10 }, 0);
        assert_eq!(ten.off_for(18_999), Some(1_899));
        assert_eq!(ten.off_for(i64::MAX), Some(i64::MAX / 10));
        let five_k = terms(Off::Amount { minor: 5_000 }, 0);
        assert_eq!(five_k.off_for(3_000), Some(3_000));
        assert_eq!(five_k.off_for(8_000), Some(5_000));
    }

    #[test]
    fn below_the_minimum_spend_or_on_nothing_a_coupon_takes_nothing() {
        let t = terms(Off::Percent { percent: 10 }, 10_000);
        assert_eq!(t.off_for(9_999), None);
        assert_eq!(t.off_for(10_000), Some(1_000));
        assert_eq!(terms(Off::Amount { minor: 5 }, 0).off_for(0), None);
    }

    #[test]
    fn terms_out_of_bounds_are_named() {
        assert!(terms(Off::Percent { percent: 0 }, 0).problem().is_some());
        assert!(terms(Off::Percent { percent: 91 }, 0).problem().is_some());
        assert!(terms(Off::Amount { minor: 0 }, 0).problem().is_some());
        assert!(terms(Off::Amount { minor: 1 }, -1).problem().is_some());
        assert_eq!(terms(Off::Percent { percent: 90 }, 0).problem(), None);
    }

    #[test]
    fn codes_are_canonical_or_refused() {
        assert_eq!(coupon_code(" kopi-10 "), Some("KOPI-10".into()));
        assert_eq!(coupon_code("ab"), None);
        assert_eq!(coupon_code("mission:x:show"), None);
        assert_eq!(coupon_code("ÄBC"), None);
        assert_eq!(coupon_code(&"A".repeat(25)), None);
    }
}
