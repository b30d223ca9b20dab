//! What a cart costs right now: the one pricing rule, used for quotes and for
//! the checkout that charges them. Pure, so it is tested exhaustively.
//!
//! A flash deal prices a whole line or none of it: a line gets the deal price
//! only if all its units fit in what the deal has left and in what this shopper
//! may still buy at that price; otherwise it is at the regular price and the
//! quote says why. Lines are served in cart order.

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

/// Prices `rows` with the deals running now and the stock in the database.
/// Lines whose product left the catalogue are skipped.
pub fn quote(
    show: &ShowFile,
    rows: &[CartRow],
    deals: &[LiveDeal],
    stock: impl Fn(&str, &str) -> u32,
) -> Quote {
    // Deal units handed out to earlier lines of this cart: (left for all, left for this shopper).
    let mut left: Vec<(u32, u32)> = deals
        .iter()
        .map(|d| (d.remaining, d.spec.per_buyer.saturating_sub(d.bought)))
        .collect();
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(product) = show.product(&row.product_id) else {
            continue;
        };
        let available = stock(&row.product_id, &row.variant_id);
        let deal = deals
            .iter()
            .position(|d| d.spec.product_id == row.product_id);
        let (mut unit, mut deal_id, mut deal_note) = (product.price, None, None);
        if let Some(i) = deal {
            let (for_all, for_me) = &mut left[i];
            if row.quantity > *for_all {
                deal_note = Some(LineNote::DealSoldOut);
            } else if row.quantity > *for_me {
                deal_note = Some(LineNote::DealLimit {
                    per_buyer: deals[i].spec.per_buyer,
                });
            } else {
                *for_all -= row.quantity;
                *for_me -= row.quantity;
                unit = deals[i].spec.price;
                deal_id = Some(deals[i].spec.id.clone());
            }
        }
        let note = if row.quantity > available {
            Some(LineNote::ShortStock)
        } else if deal_note.is_some() {
            deal_note
        } else if unit > row.added_price && row.added_price < product.price {
            Some(LineNote::DealEnded)
        } else if unit > row.added_price {
            Some(LineNote::PriceUp)
        } else if unit < row.added_price {
            Some(LineNote::PriceDown)
        } else {
            None
        };
        lines.push(QuoteLine {
            product_id: row.product_id.clone(),
            variant_id: row.variant_id.clone(),
            quantity: row.quantity,
            unit_price: show.money(unit),
            regular_price: show.money(product.price),
            added_price: show.money(row.added_price),
            deal_id,
            available,
            note,
        });
    }
    let goods = lines
        .iter()
        .map(|l| l.unit_price.minor.saturating_mul(i64::from(l.quantity)))
        .fold(0i64, i64::saturating_add);
    Quote {
        lines,
        shipping: show.shipping_for(goods),
        currency: show.currency.clone(),
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

    fn summary(quote: &Quote) -> Vec<(i64, Option<LineNote>)> {
        quote
            .lines
            .iter()
            .map(|l| (l.unit_price.minor, l.note))
            .collect()
    }

    #[test]
    fn a_deal_prices_whole_lines_within_its_limits() {
        let show = show();
        let q = quote(&show, &[row("x", 2, 60)], &[deal(5, 0)], |_, _| 9);
        assert_eq!(summary(&q), [(60, None)]);
        assert_eq!(q.lines[0].deal_id.as_deref(), Some("a@0"));
        // Over the per-buyer limit: the whole line is at the regular price, and it says why.
        let q = quote(&show, &[row("x", 3, 60)], &[deal(5, 0)], |_, _| 9);
        assert_eq!(
            summary(&q),
            [(100, Some(LineNote::DealLimit { per_buyer: 2 }))]
        );
        // The limit counts what this shopper bought before and earlier lines of the cart.
        let q = quote(
            &show,
            &[row("x", 1, 60), row("y", 1, 60)],
            &[deal(5, 1)],
            |_, _| 9,
        );
        assert_eq!(
            summary(&q),
            [
                (60, None),
                (100, Some(LineNote::DealLimit { per_buyer: 2 }))
            ]
        );
        let q = quote(&show, &[row("x", 2, 60)], &[deal(1, 0)], |_, _| 9);
        assert_eq!(summary(&q), [(100, Some(LineNote::DealSoldOut))]);
    }

    #[test]
    fn notes_say_what_changed_since_the_line_was_added() {
        let show = show();
        let q = quote(&show, &[row("x", 1, 60)], &[], |_, _| 9);
        assert_eq!(summary(&q), [(100, Some(LineNote::DealEnded))]);
        let q = quote(&show, &[row("x", 1, 120)], &[], |_, _| 9);
        assert_eq!(summary(&q), [(100, Some(LineNote::PriceDown))]);
        let q = quote(&show, &[row("x", 3, 100)], &[], |_, _| 2);
        assert_eq!(summary(&q), [(100, Some(LineNote::ShortStock))]);
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
