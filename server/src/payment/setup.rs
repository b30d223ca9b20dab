//! Which providers take a brand's payments: `--payments <file.toml>`.
//!
//! ```toml
//! [cards]
//! provider = "stripe"          # "test" (the default) or "stripe"
//!
//! [methods]                    # QRIS, e-wallets and virtual accounts
//! provider = "xendit"          # "test" or "xendit"
//! qris = true
//! ewallets = ["gopay", "ovo", "dana", "shopeepay"]
//! banks = ["bca", "bni", "bri", "mandiri"]
//!
//! [cod]                        # cash on delivery, up to a limit
//! minor = 100000000            # in minor units: Rp 1.000.000
//! currency = "IDR"
//!
//! [stripe]                     # the provider's own settings (docs/payments.md)
//! [xendit]
//! ```
//!
//! Secrets are never in the file itself: a provider's table names the
//! environment variable or the file each is read from. Without a file, the
//! test provider takes everything, offline: the demo's test cards, and QRIS,
//! e-wallets, virtual accounts and cash on delivery paid from its test page.

use std::path::Path;

use lapak_protocol::{Bank, CardFields, Ewallet, Money, Payments as Offered};
use serde::Deserialize;

use super::{
    PaymentProvider, StripeConfig, StripeProvider, TestProvider, XenditConfig, XenditProvider,
};
use crate::db::Pool;
use crate::error::AppError;

/// The test provider's cash-on-delivery limit: Rp 1.000.000, in minor units.
pub const TEST_COD_LIMIT: i64 = 100_000_000;

/// The providers a brand chose, and what the shows offer their shoppers.
pub struct Chosen {
    /// Takes cards.
    pub cards: Box<dyn PaymentProvider>,
    /// Takes QRIS, e-wallets and virtual accounts.
    pub local: Option<Box<dyn PaymentProvider>>,
    /// What the shows offer.
    pub offered: Offered,
}

/// The payments file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    cards: Option<Cards>,
    #[serde(default)]
    methods: Option<Methods>,
    #[serde(default)]
    cod: Option<Money>,
    /// The providers' own tables, each read by its provider.
    #[serde(default)]
    stripe: Option<toml::Table>,
    #[serde(default)]
    xendit: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cards {
    provider: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Methods {
    provider: String,
    #[serde(default)]
    qris: bool,
    #[serde(default)]
    ewallets: Vec<Ewallet>,
    #[serde(default)]
    banks: Vec<Bank>,
}

/// The providers `file` chooses (the test provider for everything without
/// one), recording the test provider's side into `pool`.
pub fn choose(file: Option<&Path>, pool: &Pool) -> Result<Chosen, AppError> {
    let Some(file) = file else {
        return Ok(Chosen {
            cards: Box::new(TestProvider::new(pool.clone())),
            local: Some(Box::new(TestProvider::new(pool.clone()))),
            offered: Offered {
                cards: Some(CardFields::Test),
                qris: true,
                ewallets: Ewallet::ALL.to_vec(),
                banks: Bank::ALL.to_vec(),
                cod_limit: Some(Money {
                    minor: TEST_COD_LIMIT,
                    currency: "IDR".into(),
                }),
            },
        });
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| AppError::Config(format!("--payments {}: {e}", file.display())))?;
    let parsed: File = toml::from_str(&text)
        .map_err(|e| AppError::Config(format!("--payments {}: {e}", file.display())))?;
    from_file(parsed, pool)
}

fn from_file(file: File, pool: &Pool) -> Result<Chosen, AppError> {
    let card_provider = file.cards.as_ref().map_or("test", |c| c.provider.as_str());
    let (cards, fields): (Box<dyn PaymentProvider>, CardFields) = match card_provider {
        "test" => (Box::new(TestProvider::new(pool.clone())), CardFields::Test),
        "stripe" => {
            let stripe = stripe(file.stripe.as_ref())?;
            let fields = stripe.card_fields();
            (Box::new(stripe), fields)
        }
        other => return Err(unknown("cards", other)),
    };
    let local: Option<Box<dyn PaymentProvider>> = match &file.methods {
        None => None,
        Some(methods) => Some(match methods.provider.as_str() {
            "test" => Box::new(TestProvider::new(pool.clone())),
            "xendit" => Box::new(xendit(file.xendit.as_ref())?),
            other => return Err(unknown("methods", other)),
        }),
    };
    let methods = file.methods.as_ref();
    Ok(Chosen {
        cards,
        local,
        offered: Offered {
            cards: Some(fields),
            qris: methods.is_some_and(|m| m.qris),
            ewallets: methods.map(|m| m.ewallets.clone()).unwrap_or_default(),
            banks: methods.map(|m| m.banks.clone()).unwrap_or_default(),
            cod_limit: file.cod,
        },
    })
}

/// How long a call to a provider may take: as long as a charge may.
const PROVIDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn stripe(table: Option<&toml::Table>) -> Result<StripeProvider, AppError> {
    let table = table.ok_or_else(|| missing("stripe"))?;
    let config = StripeConfig::from_toml(table)
        .map_err(|e| AppError::Config(format!("--payments [stripe]: {e}")))?;
    StripeProvider::new(config, PROVIDER_TIMEOUT)
        .map_err(|e| AppError::Config(format!("--payments [stripe]: {e}")))
}

fn xendit(table: Option<&toml::Table>) -> Result<XenditProvider, AppError> {
    let table = table.ok_or_else(|| missing("xendit"))?;
    let config = XenditConfig::from_toml(table)
        .map_err(|e| AppError::Config(format!("--payments [xendit]: {e}")))?;
    XenditProvider::new(config).map_err(|e| AppError::Config(format!("--payments [xendit]: {e}")))
}

fn missing(table: &str) -> AppError {
    AppError::Config(format!("--payments: the [{table}] table is missing"))
}

fn unknown(table: &str, provider: &str) -> AppError {
    AppError::Config(format!(
        "--payments [{table}]: no provider called {provider:?} (test, stripe, xendit)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_names_its_methods_and_refuses_what_it_does_not_know() {
        let file: File = toml::from_str(
            r#"
            [methods]
            provider = "test"
            qris = true
            banks = ["bca", "mandiri"]
            [cod]
            minor = 50000000
            currency = "IDR"
            "#,
        )
        .expect("a payments file");
        assert!(file.methods.as_ref().is_some_and(|m| m.qris));
        assert_eq!(file.cod.map(|c| c.minor), Some(50_000_000));
        assert!(toml::from_str::<File>("[cards]\nprovider = \"test\"\nkey = \"sk_live\"").is_err());
    }
}
