//! What a cart costs now: the one pricing rule. The server's quote and
//! checkout call it, and so does the viewer's cart, so the price a shopper sees
//! in the cart is the price checkout asks for.
//!
//! A flash deal prices units, not lines: the first units of a product, in cart
//! order, get the deal price while the deal has units left for everyone and
//! this shopper may still buy at that price (`per_buyer` less what they already
//! hold in orders); the units beyond are at the regular price, as a separate
//! amount, with the reason.

pub use crate::cart::DealBought;
use crate::cart::{Cart, CartLine};
use crate::catalogue::Product;
use crate::show::Deal;

/// A flash deal as one shopper may use it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer<'a> {
    /// The deal.
    pub deal_id: &'a str,
    /// The product on deal (every variant).
    pub product_id: &'a str,
    /// Deal price per unit, minor units.
    pub price: i64,
    /// Units left at the deal price, for everyone.
    pub remaining: u32,
    /// Units one shopper may buy at the deal price.
    pub per_buyer: u32,
    /// Units this shopper already holds in orders at the deal price.
    pub bought: u32,
}

/// A cart line to price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// The line's product.
    pub product_id: &'a str,
    /// Units.
    pub quantity: u32,
    /// The product's regular price per unit, minor units.
    pub regular: i64,
}

/// Why some units of a line on deal are at the regular price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beyond {
    /// The shopper's per-buyer limit is used up.
    Limit {
        /// Deal units one shopper may buy.
        per_buyer: u32,
    },
    /// The deal has no units left.
    SoldOut,
}

/// How one line is charged now: its first `deal_units` at `deal_price`, the
/// rest at `regular`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinePrice {
    /// Units in the line.
    pub quantity: u32,
    /// Regular price per unit, minor units.
    pub regular: i64,
    /// Units at the deal price (0 when no deal applies).
    pub deal_units: u32,
    /// Deal price per unit; equals `regular` when no deal applies.
    pub deal_price: i64,
    /// The deal giving `deal_price`, when one gives any unit.
    pub deal_id: Option<String>,
    /// Why units of a product on deal are at the regular price, if some are.
    pub beyond: Option<Beyond>,
}

impl LinePrice {
    /// Units at the regular price.
    pub fn regular_units(&self) -> u32 {
        self.quantity - self.deal_units
    }

    /// What the line costs, minor units; `None` on an overflow no real cart reaches.
    pub fn amount(&self) -> Option<i64> {
        let deal = self.deal_price.checked_mul(i64::from(self.deal_units))?;
        let regular = self.regular.checked_mul(i64::from(self.regular_units()))?;
        deal.checked_add(regular)
    }
}

/// Prices `items` in cart order with the `offers` running now. Each offer's
/// units are shared by the lines of its product, first come first served.
pub fn price_lines(items: &[Item<'_>], offers: &[Offer<'_>]) -> Vec<LinePrice> {
    // Deal units not yet handed to earlier lines: (left for everyone, left for this shopper).
    let mut left: Vec<(u32, u32)> = offers
        .iter()
        .map(|o| (o.remaining, o.per_buyer.saturating_sub(o.bought)))
        .collect();
    items
        .iter()
        .map(|item| {
            let mut line = LinePrice {
                quantity: item.quantity,
                regular: item.regular,
                deal_units: 0,
                deal_price: item.regular,
                deal_id: None,
                beyond: None,
            };
            let Some(i) = offers.iter().position(|o| o.product_id == item.product_id) else {
                return line;
            };
            let (offer, (for_all, for_me)) = (&offers[i], &mut left[i]);
            let units = item.quantity.min(*for_all).min(*for_me);
            *for_all -= units;
            *for_me -= units;
            if units > 0 {
                line.deal_units = units;
                line.deal_price = offer.price;
                line.deal_id = Some(offer.deal_id.to_owned());
            }
            if units < item.quantity {
                line.beyond = Some(if *for_all == 0 {
                    Beyond::SoldOut
                } else {
                    Beyond::Limit {
                        per_buyer: offer.per_buyer,
                    }
                });
            }
            line
        })
        .collect()
}

/// What one more unit of a product costs this shopper now, minor units: the
/// deal price while an offer on it has a unit left for them.
pub fn unit_price(product_id: &str, regular: i64, offers: &[Offer<'_>]) -> i64 {
    let item = Item {
        product_id,
        quantity: 1,
        regular,
    };
    price_lines(&[item], offers)[0].deal_price
}

/// The offers of `deals` for a shopper whose cart says what they bought.
pub fn offers<'a>(deals: &'a [Deal], bought: &[DealBought]) -> Vec<Offer<'a>> {
    deals
        .iter()
        .map(|deal| Offer {
            deal_id: &deal.id,
            product_id: &deal.product_id,
            price: deal.price.minor,
            remaining: deal.remaining,
            per_buyer: deal.per_buyer,
            bought: bought
                .iter()
                .find(|b| b.deal_id == deal.id)
                .map_or(0, |b| b.units),
        })
        .collect()
}

/// The cart's lines priced with the catalogue's regular prices and the deals
/// running now, as the server will quote them: each line with its price.
/// Lines whose product left the catalogue are left out, as the quote leaves them.
pub fn price_cart<'c>(
    cart: &'c Cart,
    products: &[Product],
    deals: &[Deal],
) -> Vec<(&'c CartLine, LinePrice)> {
    let known: Vec<(&CartLine, i64)> = cart
        .lines
        .iter()
        .filter_map(|line| {
            let product = products.iter().find(|p| p.id == line.product_id)?;
            Some((line, product.price.minor))
        })
        .collect();
    let items: Vec<Item<'_>> = known
        .iter()
        .map(|(line, regular)| Item {
            product_id: &line.product_id,
            quantity: line.quantity,
            regular: *regular,
        })
        .collect();
    let prices = price_lines(&items, &offers(deals, &cart.bought));
    known
        .into_iter()
        .map(|(line, _)| line)
        .zip(prices)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: i64 = 129_000;
    const DEAL: i64 = 99_000;

    fn offer(remaining: u32, bought: u32) -> Offer<'static> {
        Offer {
            deal_id: "tote@14",
            product_id: "tote",
            price: DEAL,
            remaining,
            per_buyer: 2,
            bought,
        }
    }

    fn tote(quantity: u32) -> Item<'static> {
        Item {
            product_id: "tote",
            quantity,
            regular: REGULAR,
        }
    }

    #[test]
    fn a_third_tote_over_a_limit_of_two_is_at_the_regular_price_and_the_first_two_keep_the_deal() {
        let [line] = price_lines(&[tote(3)], &[offer(50, 0)]).try_into().unwrap();
        assert_eq!((line.deal_units, line.regular_units()), (2, 1));
        assert_eq!(line.amount(), Some(2 * DEAL + REGULAR));
        assert_eq!(line.beyond, Some(Beyond::Limit { per_buyer: 2 }));
        assert_eq!(line.deal_id.as_deref(), Some("tote@14"));
    }

    #[test]
    fn the_limit_counts_units_bought_before_and_earlier_lines_of_the_cart() {
        let lines = price_lines(&[tote(1), tote(2)], &[offer(50, 1)]);
        assert_eq!(lines[0].deal_units, 1);
        assert_eq!(lines[1].deal_units, 0);
        assert_eq!(lines[1].amount(), Some(2 * REGULAR));
        assert_eq!(lines[1].beyond, Some(Beyond::Limit { per_buyer: 2 }));
    }

    #[test]
    fn units_past_what_the_deal_has_left_are_sold_out_at_the_regular_price() {
        let [line] = price_lines(&[tote(2)], &[offer(1, 0)]).try_into().unwrap();
        assert_eq!(line.deal_units, 1);
        assert_eq!(line.beyond, Some(Beyond::SoldOut));
        let [line] = price_lines(&[tote(2)], &[offer(0, 0)]).try_into().unwrap();
        assert_eq!((line.deal_units, line.deal_id.as_deref()), (0, None));
        assert_eq!(line.amount(), Some(2 * REGULAR));
    }

    #[test]
    fn a_product_without_a_deal_is_at_its_regular_price() {
        let item = Item {
            product_id: "kopi",
            quantity: 3,
            regular: 10,
        };
        let [line] = price_lines(&[item], &[offer(50, 0)]).try_into().unwrap();
        assert_eq!((line.amount(), line.beyond), (Some(30), None));
        assert_eq!(unit_price("kopi", 10, &[offer(50, 0)]), 10);
        assert_eq!(unit_price("tote", REGULAR, &[offer(50, 0)]), DEAL);
        assert_eq!(unit_price("tote", REGULAR, &[offer(50, 2)]), REGULAR);
    }
}
