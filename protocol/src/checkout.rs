//! Checkout on the wire: the re-priced cart (`Quote`), the order request with
//! the shopper's details, and the resulting `Order`. The field rules live here
//! so that the viewer's form and the server's checks can never disagree.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::PayMethod;

use crate::{CommandId, CouponProblem, CouponTerms, Money, ProductId, VariantId};

/// The cart re-priced by the server just now, with everything that changed
/// since the shopper added each line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// One per cart line, in cart order.
    pub lines: Vec<QuoteLine>,
    /// Ways to ship this cart, with their prices for it.
    pub shipping: Vec<ShippingOption>,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// The coupon asked for, when it applies to this cart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<AppliedCoupon>,
    /// Why the coupon asked for does not apply, when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_problem: Option<CouponProblem>,
}

/// A coupon as a quote applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedCoupon {
    /// Its code in the wallet.
    pub code: String,
    /// Its terms.
    pub terms: CouponTerms,
}

/// A cart line as it would be charged now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    /// Product.
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Units in the cart.
    pub quantity: u32,
    /// Price per unit of the first `deal_units` units: the deal price while a
    /// deal gives any, else the regular price.
    pub unit_price: Money,
    /// Units at `unit_price` under `deal_id`; the rest are at `regular_price`.
    #[serde(default)]
    pub deal_units: u32,
    /// The product's regular price per unit.
    pub regular_price: Money,
    /// Price per unit when the line was added to the cart.
    pub added_price: Money,
    /// The flash deal giving `unit_price` to `deal_units` units, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_id: Option<String>,
    /// Units in stock now.
    pub available: u32,
    /// What changed since the line was added, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LineNote>,
}

impl QuoteLine {
    /// Whether the line can be bought as it stands.
    pub fn buyable(&self) -> bool {
        self.quantity <= self.available
    }

    /// What the line costs: `deal_units` at `unit_price`, the rest at
    /// `regular_price`; `None` on an overflow no real cart reaches.
    pub fn amount(&self) -> Option<Money> {
        let regular_units = self.quantity.checked_sub(self.deal_units)?;
        let minor = self
            .unit_price
            .times(self.deal_units)?
            .minor
            .checked_add(self.regular_price.times(regular_units)?.minor)?;
        Some(Money {
            minor,
            currency: self.regular_price.currency.clone(),
        })
    }
}

/// What changed about a cart line since the shopper added it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineNote {
    /// The price went up (the product was re-priced).
    PriceUp,
    /// The price went down.
    PriceDown,
    /// The flash deal the line was added under has ended.
    DealEnded,
    /// A flash deal applies only up to this many units per shopper; the units
    /// beyond are at the regular price.
    DealLimit {
        /// Deal units one shopper may buy.
        per_buyer: u32,
    },
    /// The deal's units are gone; the units beyond them are at the regular price.
    DealSoldOut,
    /// Fewer units are in stock than the line holds.
    ShortStock,
}

/// A way to ship an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingOption {
    /// Option id.
    pub id: String,
    /// Carrier and service, e.g. "JNE Regular".
    pub name: String,
    /// Fewest days to delivery.
    pub days_min: u32,
    /// Most days to delivery.
    pub days_max: u32,
    /// Price for this cart (0 when free).
    pub price: Money,
}

/// The amounts of an order: subtotal at regular prices, minus deal discounts,
/// minus a coupon, plus shipping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Sum of regular prices × quantities.
    pub subtotal: Money,
    /// What flash deals take off.
    pub discount: Money,
    /// What a coupon takes off the merchandise after deals, when one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<Money>,
    /// Shipping.
    pub shipping: Money,
    /// What is charged: subtotal − discount − coupon + shipping.
    pub total: Money,
}

impl Quote {
    /// The amounts with shipping option `shipping`; `None` for an unknown option
    /// (or an overflow no real cart reaches).
    pub fn totals(&self, shipping: &str) -> Option<Totals> {
        let option = self.shipping.iter().find(|o| o.id == shipping)?;
        let (mut subtotal, mut charged) = (0i64, 0i64);
        for line in &self.lines {
            subtotal = subtotal.checked_add(line.regular_price.times(line.quantity)?.minor)?;
            charged = charged.checked_add(line.amount()?.minor)?;
        }
        let money = |minor| Money {
            minor,
            currency: self.currency.clone(),
        };
        // The one coupon rule, on the merchandise as deals leave it.
        let coupon = self
            .coupon
            .as_ref()
            .map(|applied| applied.terms.off_for(charged).unwrap_or(0));
        let paid = charged.checked_sub(coupon.unwrap_or(0))?;
        Some(Totals {
            subtotal: money(subtotal),
            discount: money(subtotal.checked_sub(charged)?),
            coupon: coupon.map(money),
            shipping: option.price.clone(),
            total: money(paid.checked_add(option.price.minor)?),
        })
    }

    /// The merchandise as charged: every line after deals, before any coupon
    /// and shipping; `None` on an overflow no real cart reaches.
    pub fn merchandise(&self) -> Option<i64> {
        self.lines
            .iter()
            .try_fold(0i64, |sum, line| sum.checked_add(line.amount()?.minor))
    }

    /// Whether every line can be bought as quoted.
    pub fn buyable(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(QuoteLine::buyable)
    }

    /// The lines as a checkout request states them.
    pub fn order_lines(&self) -> Vec<PricedLine> {
        self.lines
            .iter()
            .map(|l| PricedLine {
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price.clone(),
                deal_units: l.deal_units,
            })
            .collect()
    }
}

/// A line as the shopper was shown it: the order is placed only if it still holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    /// Product.
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Units.
    pub quantity: u32,
    /// Price per unit shown for the first `deal_units` units.
    pub unit_price: Money,
    /// Units shown at `unit_price`; the rest at the regular price.
    #[serde(default)]
    pub deal_units: u32,
}

/// Everything a checkout command carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutRequest {
    /// The lines and prices from the quote the shopper confirmed.
    pub lines: Vec<PricedLine>,
    /// Chosen shipping option id.
    pub shipping: String,
    /// The total the shopper agreed to pay.
    pub total: Money,
    /// The wallet coupon the quote applied, by code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<String>,
    /// Who to contact.
    pub contact: Contact,
    /// Where to ship.
    pub address: Address,
    /// How to pay.
    #[serde(default)]
    pub method: PayMethod,
    /// The test provider's demo card, when `method` is a card paid through
    /// it: sent to the provider and never stored. Empty otherwise (Stripe's
    /// own fields take a real card; it never crosses the socket).
    #[serde(default)]
    pub card: Card,
}

/// How to reach the buyer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Email for the receipt.
    pub email: String,
    /// Phone for the courier.
    pub phone: String,
}

/// A shipping address within the show's country.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street, number, unit.
    pub street: String,
    /// City or regency.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
}

/// A payment card. Its `Debug` shows only the last four digits, so it never lands in a log.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// Card number; spaces allowed.
    pub number: String,
    /// Expiry as `MM/YY`.
    pub expiry: String,
    /// Security code.
    pub cvc: String,
}

impl Card {
    /// The number's digits.
    pub fn digits(&self) -> String {
        self.number.chars().filter(char::is_ascii_digit).collect()
    }

    /// The last four digits, the only part of a card anyone keeps.
    pub fn last4(&self) -> String {
        let digits = self.digits();
        digits[digits.len().saturating_sub(4)..].to_owned()
    }
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Card(…{})", self.last4())
    }
}

/// A field of the checkout form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Contact name.
    Name,
    /// Contact email.
    Email,
    /// Contact phone.
    Phone,
    /// Street address.
    Street,
    /// City.
    City,
    /// Postal code.
    PostalCode,
    /// Card number.
    CardNumber,
    /// Card expiry.
    Expiry,
    /// Card security code.
    Cvc,
    /// The e-wallet's phone number, for a push (OVO).
    WalletPhone,
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Empty.
    Required,
    /// Longer than allowed.
    TooLong,
    /// Not in the expected form.
    Invalid,
    /// A card whose expiry has passed.
    Expired,
}

/// Longest free-text field accepted.
pub const MAX_FIELD_CHARS: usize = 120;

impl CheckoutRequest {
    /// Every problem with the shopper's details, in form order; empty when all is well.
    /// `year` and `month` are today's, for the card's expiry.
    pub fn problems(&self, year: u32, month: u32) -> Vec<(Field, Problem)> {
        let (c, a) = (&self.contact, &self.address);
        let details = [
            (Field::Name, text(&c.name, |_| true)),
            (Field::Email, text(&c.email, valid_email)),
            (Field::Phone, text(&c.phone, valid_phone)),
            (Field::Street, text(&a.street, |s| s.chars().count() >= 5)),
            (Field::City, text(&a.city, |_| true)),
            (Field::PostalCode, text(&a.postal_code, valid_postal_code)),
        ];
        let mut problems = found(details);
        match &self.method {
            // why: an empty card is one typed into the provider's own fields
            // (Stripe's), which check it there; the server refuses an empty
            // card for the test provider, and any card for Stripe.
            PayMethod::Card if self.card != Card::default() => {
                problems.extend(self.card.problems(year, month));
            }
            PayMethod::Ewallet {
                phone: Some(phone), ..
            } => problems.extend(found([(Field::WalletPhone, text(phone, valid_phone))])),
            _ => {}
        }
        problems
    }
}

impl Card {
    /// Every problem with the card, in form order; `year` and `month` are today's.
    pub fn problems(&self, year: u32, month: u32) -> Vec<(Field, Problem)> {
        found([
            (Field::CardNumber, text(&self.number, valid_card_number)),
            (Field::Expiry, expiry(&self.expiry, year, month)),
            (Field::Cvc, text(&self.cvc, valid_cvc)),
        ])
    }
}

fn found<const N: usize>(checks: [(Field, Option<Problem>); N]) -> Vec<(Field, Problem)> {
    checks
        .into_iter()
        .filter_map(|(field, problem)| Some((field, problem?)))
        .collect()
}

fn text(value: &str, valid: fn(&str) -> bool) -> Option<Problem> {
    let value = value.trim();
    if value.is_empty() {
        Some(Problem::Required)
    } else if value.chars().count() > MAX_FIELD_CHARS {
        Some(Problem::TooLong)
    } else if !valid(value) {
        Some(Problem::Invalid)
    } else {
        None
    }
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .enumerate()
        .all(|(i, ch)| ch.is_ascii_digit() || " -()".contains(ch) || (ch == '+' && i == 0));
    allowed && (8..=15).contains(&digits)
}

fn valid_postal_code(s: &str) -> bool {
    (3..=10).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
}

fn valid_cvc(s: &str) -> bool {
    (3..=4).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
}

/// 12–19 digits (spaces and hyphens allowed between them) passing the Luhn check.
fn valid_card_number(s: &str) -> bool {
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return false;
    }
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(12..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (0, _) => d,
            (_, doubled) if doubled > 9 => doubled - 9,
            (_, doubled) => doubled,
        })
        .sum();
    sum.is_multiple_of(10)
}

fn expiry(s: &str, year: u32, month: u32) -> Option<Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Problem::Required);
    }
    let parsed = s.split_once('/').and_then(|(m, y)| {
        let (m, y) = (m.trim(), y.trim());
        let all_digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        if !all_digits(m) || !all_digits(y) || m.len() > 2 || y.len() != 2 {
            return None;
        }
        Some((m.parse::<u32>().ok()?, 2000 + y.parse::<u32>().ok()?))
    });
    match parsed {
        Some((m, _)) if !(1..=12).contains(&m) => Some(Problem::Invalid),
        Some((m, y)) if (y, m) < (year, month) => Some(Problem::Expired),
        Some(_) => None,
        None => Some(Problem::Invalid),
    }
}

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// The payment provider has not answered yet; the order is held, stock reserved.
    PaymentPending,
    /// Paid: the order is confirmed.
    Paid,
    /// The payment failed after all; nothing was charged and the stock went back.
    Failed,
    /// Waiting for the shopper to pay elsewhere (QRIS, an e-wallet, a virtual
    /// account, a card's 3-D Secure): the stock, deal units and coupon are
    /// held until the payment arrives or its request expires.
    AwaitingPayment,
    /// The payment request expired unpaid; the stock went back.
    Expired,
    /// Cash on delivery: confirmed, paid to the courier.
    PayOnDelivery,
    /// Cancelled before it was paid (by the brand); the stock went back.
    Cancelled,
    /// Paid, then refunded in full.
    Refunded,
    /// Cash on delivery, returned unpaid; the stock went back.
    Returned,
}

impl OrderStatus {
    /// Whether the order still waits for its money (and holds its stock).
    pub fn waiting(self) -> bool {
        matches!(
            self,
            OrderStatus::PaymentPending | OrderStatus::AwaitingPayment
        )
    }
}

/// A placed order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Order number to quote to support, e.g. `LPK-000042`.
    pub number: String,
    /// The checkout command that placed it.
    pub command_id: CommandId,
    /// Where it stands.
    pub status: OrderStatus,
    /// When it was placed, Unix milliseconds.
    pub placed_at_ms: i64,
    /// What was bought, at the prices charged.
    pub lines: Vec<OrderLine>,
    /// The amounts.
    pub totals: Totals,
    /// Shipping service name.
    pub shipping: String,
    /// The card's last four digits.
    pub card_last4: String,
    /// How it is paid, and what the shopper does to pay while it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<crate::PaymentDue>,
    /// What was refunded so far, when anything was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded: Option<Money>,
}

/// A line of an order, with names as they were when ordered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// Product.
    pub product_id: ProductId,
    /// Variant.
    pub variant_id: VariantId,
    /// Product name at the time, in the brand's language.
    pub name: String,
    /// The name in other languages, at the time.
    #[serde(default, skip_serializing_if = "crate::Translations::is_empty")]
    pub names: crate::Translations,
    /// Variant label at the time (empty for a single-variant product).
    pub variant_label: String,
    /// The label in other languages, at the time.
    #[serde(default, skip_serializing_if = "crate::Translations::is_empty")]
    pub labels: crate::Translations,
    /// Units.
    pub quantity: u32,
    /// Price charged per unit.
    pub unit_price: Money,
}

impl Order {
    /// The order with its lines' names and labels in `lang` where they have
    /// it, translations dropped: what a receipt shows.
    pub fn in_language(mut self, lang: &str) -> Order {
        for line in &mut self.lines {
            line.name = crate::in_language(&line.name, &line.names, lang).to_owned();
            line.variant_label =
                crate::in_language(&line.variant_label, &line.labels, lang).to_owned();
            line.names.clear();
            line.labels.clear();
        }
        self
    }
}
