//! Money on the wire: integer minor units with an ISO 4217 currency code.

use serde::{Deserialize, Serialize};

/// An amount of money: integer minor units (cents, sen…) of an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in the currency's ISO 4217 minor units (IDR has two digits: 100 = Rp1).
    pub minor: i64,
    /// ISO 4217 code, e.g. `IDR`, `USD`.
    pub currency: String,
}

impl Money {
    /// Digits after the decimal point in the currency's minor unit, per ISO 4217
    /// (2 for IDR and USD, 0 for JPY, 3 for KWD). Browsers' `Intl` data differs
    /// for some currencies (it shows IDR without decimals), so the wire follows ISO.
    pub fn minor_digits(&self) -> u32 {
        match self.currency.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        }
    }

    /// An amount typed as a plain decimal, the way a number field gives it
    /// (`45000`, `12.5`): `None` for anything else, more decimals than the
    /// currency has, or an amount beyond `i64` minor units.
    pub fn from_decimal(text: &str, currency: &str) -> Option<Money> {
        let mut money = Money {
            minor: 0,
            currency: currency.to_owned(),
        };
        let digits = money.minor_digits() as usize;
        let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
        let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !plain(whole) || !plain(fraction) || fraction.len() > digits {
            return None;
        }
        let padded = format!("{whole}{fraction:0<digits$}");
        money.minor = padded.parse().ok()?;
        Some(money)
    }

    /// `quantity` times this amount, or `None` on overflow.
    pub fn times(&self, quantity: u32) -> Option<Money> {
        Some(Money {
            minor: self.minor.checked_mul(i64::from(quantity))?,
            currency: self.currency.clone(),
        })
    }
}
