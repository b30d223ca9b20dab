//! How a shopper pays: the methods a show offers, the one a checkout chose,
//! and what an order waiting for its payment asks the shopper to do.
//!
//! Cards are typed into the provider's own fields (Stripe's), never into the
//! widget's, so no card number crosses the socket; the built-in test
//! provider alone takes its demo test cards in the widget's fields. Indonesian
//! methods (QRIS, e-wallets, virtual accounts) are paid outside the widget, in
//! a bank or e-wallet app: the order waits for the provider's callback, with
//! its stock held, until it is paid or its payment request expires. Cash on
//! delivery is paid to the courier.

use serde::{Deserialize, Serialize};

use crate::Money;

/// How a checkout pays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PayMethod {
    /// A card: the test provider's demo card in the request's `card`, or a
    /// card the shopper confirms in Stripe's own fields (the request's `card`
    /// is then empty).
    #[default]
    Card,
    /// QRIS, the national QR code every e-wallet and bank app scans.
    Qris,
    /// An e-wallet: paid in the wallet's app (a redirect or deep link), or for
    /// OVO by a push to the wallet's phone number.
    Ewallet {
        /// Which wallet.
        wallet: Ewallet,
        /// The wallet's phone number, for a push (OVO).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
    },
    /// A bank virtual account: a number the shopper transfers the amount to.
    VirtualAccount {
        /// Which bank.
        bank: Bank,
    },
    /// Cash on delivery, up to the show's limit.
    CashOnDelivery,
}

impl PayMethod {
    /// Whether the order waits for the shopper to pay elsewhere (an app, a
    /// bank) rather than being answered at once.
    pub fn waits(&self) -> bool {
        matches!(
            self,
            PayMethod::Qris | PayMethod::Ewallet { .. } | PayMethod::VirtualAccount { .. }
        )
    }
}

/// E-wallets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ewallet {
    /// GoPay.
    Gopay,
    /// OVO: paid by a push to the wallet's phone number.
    Ovo,
    /// DANA.
    Dana,
    /// ShopeePay.
    Shopeepay,
}

impl Ewallet {
    /// Every wallet, in the order a picker shows them.
    pub const ALL: [Ewallet; 4] = [
        Ewallet::Gopay,
        Ewallet::Ovo,
        Ewallet::Dana,
        Ewallet::Shopeepay,
    ];

    /// The wallet's own name.
    pub fn name(self) -> &'static str {
        match self {
            Ewallet::Gopay => "GoPay",
            Ewallet::Ovo => "OVO",
            Ewallet::Dana => "DANA",
            Ewallet::Shopeepay => "ShopeePay",
        }
    }

    /// Whether it is paid by a push to the shopper's phone number rather than in the app.
    pub fn pushes(self) -> bool {
        self == Ewallet::Ovo
    }
}

/// Banks offering virtual accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bank {
    /// Bank Central Asia.
    Bca,
    /// Bank Negara Indonesia.
    Bni,
    /// Bank Rakyat Indonesia.
    Bri,
    /// Bank Mandiri.
    Mandiri,
}

impl Bank {
    /// Every bank, in the order a picker shows them.
    pub const ALL: [Bank; 4] = [Bank::Bca, Bank::Bni, Bank::Bri, Bank::Mandiri];

    /// The bank's own short name.
    pub fn name(self) -> &'static str {
        match self {
            Bank::Bca => "BCA",
            Bank::Bni => "BNI",
            Bank::Bri => "BRI",
            Bank::Mandiri => "Mandiri",
        }
    }
}

/// What a show offers at checkout, sent with the show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payments {
    /// Cards, and through which provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cards: Option<CardFields>,
    /// Whether QRIS is offered.
    #[serde(default)]
    pub qris: bool,
    /// The e-wallets offered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ewallets: Vec<Ewallet>,
    /// The banks whose virtual accounts are offered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub banks: Vec<Bank>,
    /// Cash on delivery, up to this total; `None` when not offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cod_limit: Option<Money>,
}

impl Payments {
    /// What a show offered before it chose providers: the test provider's cards.
    pub fn test_cards() -> Payments {
        Payments {
            cards: Some(CardFields::Test),
            ..Payments::default()
        }
    }

    /// Whether `method` is offered, for an order of `total`.
    pub fn offers(&self, method: &PayMethod, total: &Money) -> bool {
        match method {
            PayMethod::Card => self.cards.is_some(),
            PayMethod::Qris => self.qris,
            PayMethod::Ewallet { wallet, .. } => self.ewallets.contains(wallet),
            PayMethod::VirtualAccount { bank } => self.banks.contains(bank),
            PayMethod::CashOnDelivery => self.cod_limit.as_ref().is_some_and(|limit| {
                limit.currency == total.currency && total.minor <= limit.minor
            }),
        }
    }
}

/// Whose fields take a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "snake_case")]
pub enum CardFields {
    /// The built-in test provider's demo fields, which take its test cards only.
    Test,
    /// Stripe's own fields (Stripe.js), mounted in the widget.
    Stripe {
        /// The brand's publishable key (public by design).
        publishable_key: String,
        /// Where Stripe.js is loaded from.
        js_url: String,
    },
}

/// What an order waiting for its payment asks the shopper to do, with the
/// amount and the time it expires. Sent in the order, so a reload, a
/// reconnect or another tab shows it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDue {
    /// The method chosen.
    pub method: PayMethod,
    /// The amount to pay.
    pub amount: Money,
    /// When the payment request expires, Unix milliseconds; `None` for cash on delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<i64>,
    /// What the shopper does to pay.
    pub action: PayAction,
}

/// What the shopper does to pay an order that waits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PayAction {
    /// Scan this QRIS string (the widget draws the code).
    Qr {
        /// The QR string, as the provider gave it.
        qr_string: String,
    },
    /// Transfer the amount to this virtual account.
    Transfer {
        /// The bank.
        bank: Bank,
        /// The account number to copy.
        account_number: String,
    },
    /// Open the wallet's app or page.
    Open {
        /// The wallet.
        wallet: Ewallet,
        /// The page to open on a computer.
        url: String,
        /// The app's deep link, to open on a phone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deep_link: Option<String>,
    },
    /// Approve the push sent to this phone number in the wallet's app (OVO).
    Approve {
        /// The wallet.
        wallet: Ewallet,
        /// The phone number the push went to.
        phone: String,
    },
    /// Confirm the card in the provider's own fields (Stripe), which may ask
    /// for 3-D Secure.
    Confirm {
        /// The PaymentIntent's client secret, for Stripe.js only.
        client_secret: String,
    },
    /// Pay the courier on delivery.
    OnDelivery,
}

/// The longest e-wallet phone number accepted, in characters.
pub const MAX_PHONE_CHARS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn rupiah(minor: i64) -> Money {
        Money {
            minor,
            currency: "IDR".into(),
        }
    }

    #[test]
    fn cash_on_delivery_is_offered_up_to_the_limit_in_its_currency() {
        let payments = Payments {
            cod_limit: Some(rupiah(500_000)),
            ..Payments::default()
        };
        assert!(payments.offers(&PayMethod::CashOnDelivery, &rupiah(500_000)));
        assert!(!payments.offers(&PayMethod::CashOnDelivery, &rupiah(500_001)));
        let dollars = Money {
            minor: 1,
            currency: "USD".into(),
        };
        assert!(!payments.offers(&PayMethod::CashOnDelivery, &dollars));
        assert!(!Payments::test_cards().offers(&PayMethod::CashOnDelivery, &rupiah(1)));
    }

    #[test]
    fn a_method_reads_and_writes_as_documented() {
        let method: PayMethod =
            serde_json::from_str(r#"{"kind":"ewallet","wallet":"ovo","phone":"+628123"}"#)
                .expect("an e-wallet choice");
        assert_eq!(
            method,
            PayMethod::Ewallet {
                wallet: Ewallet::Ovo,
                phone: Some("+628123".into())
            }
        );
        assert!(method.waits());
        assert!(!PayMethod::CashOnDelivery.waits());
        let action = PayAction::Transfer {
            bank: Bank::Bca,
            account_number: "1234".into(),
        };
        assert_eq!(
            serde_json::to_string(&action).expect("encodes"),
            r#"{"kind":"transfer","bank":"bca","account_number":"1234"}"#
        );
    }
}
