//! A quote: the session's cart priced by the one pricing rule
//! ([`lapak_protocol::pricing`], which the viewer's cart also calls), with the
//! stock and what changed since each line was added. Pure, so it is tested
//! exhaustively.

use lapak_protocol::pricing::{self, Beyond, Item, Offer};
use lapak_protocol::{LineNote, Quote, QuoteLine};

use crate::show::{DealSpec, ShowFile};

/// A cart line as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartRow {
    /// Product.
    pub product_id: String,
    /// Variant.
    pub variant_id: String,
    /// Units.
    pub quantity: u32,
    /// Unit price when added, minor units.
    pub added_price: i64,
}

/// A deal running now, with what is left of it.
#[derive(Clone, Debug)]
pub struct LiveDeal {
    /// The deal.
    pub spec: DealSpec,
    /// Units left at the deal price (for everyone).
    pub remaining: u32,
    /// Units this shopper already holds in orders at the deal price.
    pub bought: u32,
}

impl LiveDeal {
    /// The deal as the pricing rule takes it.
    pub fn offer(&self) -> Offer<'_> {
        Offer {
            deal_id: &self.spec.id,
            product_id: &self.spec.product_id,
            price: self.spec.price,
            remaining: self.remaining,
            per_buyer: self.spec.per_buyer,
            bought: self.bought,
        }
    }
}

/// Prices `rows` with the deals running now and the stock in the database.
/// Lines whose product left the catalogue are skipped.
pub fn quote(
    show: &ShowFile,
    rows: &[CartRow],
    deals: &[LiveDeal],
    stock: impl Fn(&str, &str) -> u32,
) -> Quote {
    let rows: Vec<(&CartRow, i64)> = rows
        .iter()
        .filter_map(|row| Some((row, show.product(&row.product_id)?.price)))
        .collect();
    let items: Vec<Item<'_>> = rows
        .iter()
        .map(|(row, regular)| Item {
            product_id: &row.product_id,
            quantity: row.quantity,
            regular: *regular,
        })
        .collect();
    let offers: Vec<Offer<'_>> = deals.iter().map(LiveDeal::offer).collect();
    let priced = pricing::price_lines(&items, &offers);
    let lines: Vec<QuoteLine> = rows
        .iter()
        .zip(priced)
        .map(|((row, regular), price)| {
            let available = stock(&row.product_id, &row.variant_id);
            let unit = price.deal_price;
            let note = if row.quantity > available {
                Some(LineNote::ShortStock)
            } else if let Some(beyond) = price.beyond {
                Some(match beyond {
                    Beyond::Limit { per_buyer } => LineNote::DealLimit { per_buyer },
                    Beyond::SoldOut => LineNote::DealSoldOut,
                })
            } else if unit > row.added_price && row.added_price < *regular {
                Some(LineNote::DealEnded)
            } else if unit > row.added_price {
                Some(LineNote::PriceUp)
            } else if unit < row.added_price {
                Some(LineNote::PriceDown)
            } else {
                None
            };
            QuoteLine {
                product_id: row.product_id.clone(),
                variant_id: row.variant_id.clone(),
                quantity: row.quantity,
                unit_price: show.money(unit),
                deal_units: price.deal_units,
                regular_price: show.money(*regular),
                added_price: show.money(row.added_price),
                deal_id: price.deal_id,
                available,
                note,
            }
        })
        .collect();
    let goods = lines
        .iter()
        .filter_map(|l| Some(l.amount()?.minor))
        .fold(0i64, i64::saturating_add);
    Quote {
        lines,
        shipping: show.shipping_for(goods),
        currency: show.currency.clone(),
        coupon: None,
        coupon_problem: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show() -> ShowFile {
        toml::from_str(
            r#"
            id = "t"
            title = "T"
            currency = "IDR"
            stream_url = "/s.mp4"
            poster_url = "/p.jpg"
            loop_ms = 1000
            host = { name = "H", avatar_url = "/h.svg" }
            shipping = [{ id = "std", name = "Std", days_min = 1, days_max = 2, price = 50, free_over = 1000 }]
            timeline = []
            [[products]]
            id = "a"
            name = "A"
            image_url = "/a.svg"
            price = 100
            max_per_order = 9
            variants = [{ id = "x", label = "X", stock = 9 }, { id = "y", label = "Y", stock = 9 }]
            "#,
        )
        .unwrap()
    }

    fn deal(remaining: u32, bought: u32) -> LiveDeal {
        LiveDeal {
            spec: DealSpec {
                id: "a@0".into(),
                product_id: "a".into(),
                price: 60,
                start_ms: 0,
                end_ms: 500,
                quantity: 5,
                per_buyer: 2,
            },
            remaining,
            bought,
        }
    }

    fn row(variant: &str, quantity: u32, added_price: i64) -> CartRow {
        CartRow {
            product_id: "a".into(),
            variant_id: variant.into(),
            quantity,
            added_price,
        }
    }

    /// Each line as (units at the deal price, its amount, its note).
    fn summary(quote: &Quote) -> Vec<(u32, i64, Option<LineNote>)> {
        quote
            .lines
            .iter()
            .map(|l| (l.deal_units, l.amount().unwrap().minor, l.note))
            .collect()
    }

    #[test]
    fn a_deal_prices_units_within_its_limits_and_the_rest_at_the_regular_price() {
        let show = show();
        let q = quote(&show, &[row("x", 2, 60)], &[deal(5, 0)], |_, _| 9);
        assert_eq!(summary(&q), [(2, 120, None)]);
        assert_eq!(q.lines[0].deal_id.as_deref(), Some("a@0"));
        // Over the per-buyer limit: two units keep the deal price, the third is
        // at the regular price, and the line says why.
        let q = quote(&show, &[row("x", 3, 60)], &[deal(5, 0)], |_, _| 9);
        let limit = Some(LineNote::DealLimit { per_buyer: 2 });
        assert_eq!(summary(&q), [(2, 220, limit)]);
        // The limit counts what this shopper bought before and earlier lines of the cart.
        let q = quote(
            &show,
            &[row("x", 1, 60), row("y", 1, 60)],
            &[deal(5, 1)],
            |_, _| 9,
        );
        assert_eq!(summary(&q), [(1, 60, None), (0, 100, limit)]);
        assert_eq!(q.lines[1].deal_id, None);
        let q = quote(&show, &[row("x", 2, 60)], &[deal(1, 0)], |_, _| 9);
        assert_eq!(summary(&q), [(1, 160, Some(LineNote::DealSoldOut))]);
    }

    #[test]
    fn notes_say_what_changed_since_the_line_was_added() {
        let show = show();
        let q = quote(&show, &[row("x", 1, 60)], &[], |_, _| 9);
        assert_eq!(summary(&q), [(0, 100, Some(LineNote::DealEnded))]);
        let q = quote(&show, &[row("x", 1, 120)], &[], |_, _| 9);
        assert_eq!(summary(&q), [(0, 100, Some(LineNote::PriceDown))]);
        let q = quote(&show, &[row("x", 3, 100)], &[], |_, _| 2);
        assert_eq!(summary(&q), [(0, 300, Some(LineNote::ShortStock))]);
        assert!(!q.buyable());
    }

    #[test]
    fn totals_add_up_with_free_shipping_over_the_threshold() {
        let show = show();
        let q = quote(
            &show,
            &[row("x", 2, 60), row("y", 1, 100)],
            &[deal(5, 0)],
            |_, _| 9,
        );
        let t = q.totals("std").unwrap();
        assert_eq!(
            (
                t.subtotal.minor,
                t.discount.minor,
                t.shipping.minor,
                t.total.minor
            ),
            (300, 80, 50, 270)
        );
        let q = quote(&show, &[row("x", 9, 100), row("y", 2, 100)], &[], |_, _| 9);
        assert_eq!(q.totals("std").unwrap().shipping.minor, 0);
        assert!(q.totals("drone").is_none());
    }
}
