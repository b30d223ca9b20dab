//! `/api/v1/shows/{show}/orders`: a show's orders as the brand handles them
//! after checkout — refunds, cancelling an unpaid order, and cash on delivery
//! delivered or returned — and `/api/v1/payments`: the providers the server
//! takes payments through, and where each calls back.

use serde::{Deserialize, Serialize};

use crate::{Money, OrderStatus, PayMethod, Payments, Totals};

/// One of a show's orders, as the brand's team sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowOrder {
    /// The order number shoppers quote, e.g. `LPK-000042`.
    pub number: String,
    /// Where it stands.
    pub status: OrderStatus,
    /// How it is paid.
    pub method: PayMethod,
    /// The provider that takes its payment; `None` for cash on delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// When it was placed, Unix milliseconds.
    pub placed_at_ms: i64,
    /// Its amounts.
    pub totals: Totals,
    /// Units in it.
    pub units: u32,
    /// What was refunded of it so far (zero for none).
    pub refunded: Money,
    /// Why the brand must look at it: a provider reported another amount paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flagged: Option<String>,
}

/// A page of a show's orders, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    /// The orders.
    pub orders: Vec<ShowOrder>,
    /// The number to ask for the next page with (`?before=`), when there are older orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// A refund to make: `amount` of the order, or, without it, all that is not refunded yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRefund {
    /// What to refund, in the order's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}

/// A refund made: the order as it now stands, what was refunded and the provider's reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refunded {
    /// The order now.
    pub order: ShowOrder,
    /// This refund's amount.
    pub amount: Money,
    /// The provider's reference of the refund.
    pub reference: String,
}

/// What the server's shows offer at checkout, and the providers behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSetup {
    /// What shoppers may pay with.
    pub offered: Payments,
    /// Each provider configured, once.
    pub providers: Vec<Provider>,
}

/// A payment provider the server is configured with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// Its name in the configuration.
    pub name: String,
    /// The path of its callback (webhook) on this server's origin, to enter
    /// in the provider's dashboard: `/api/v1/payments/{name}/callback`.
    pub callback_path: String,
}
