//! Flash deals on tags and the shelf: the deal price, the regular price struck
//! through, a countdown and the units left. A deal runs on the picture's clock
//! (the server's, less how far the picture runs behind, within
//! `MAX_PICTURE_DELAY_MS`): a viewer behind the live edge sees it open when the
//! picture announces it and gets its whole window, and the server prices that
//! viewer's commands on the same clock, whatever the device's own clock says.
use lapak_protocol::{deal_clock_ms, pricing, Deal, Product};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::features::clock_text;
use crate::features::price::Price;
use crate::i18n;
use crate::store::{ReplayStoreFields, State, StateStoreFields};

/// The server's clock, ticking: provided once per widget.
#[derive(Clone, Copy)]
pub struct ServerClock(pub Signal<i64>);

impl ServerClock {
    /// A clock that follows the server: the device's ticking clock plus the offset the connection measured.
    pub fn new(state: Store<State>, device: ReadSignal<i64>) -> ServerClock {
        ServerClock(Signal::derive(move || {
            device.get() + state.clock_offset_ms().get()
        }))
    }
}

/// The clock this viewer's deals run on: provided once per widget.
#[derive(Clone, Copy)]
pub struct DealClock(pub Signal<i64>);

impl DealClock {
    /// The server's clock less how far the picture runs behind, as the server was told.
    pub fn new(state: Store<State>, server: ServerClock) -> DealClock {
        DealClock(Signal::derive(move || {
            let behind = state.picture_behind_ms().get().unwrap_or(0);
            deal_clock_ms(server.0.get(), behind)
        }))
    }
}

/// A flash deal on a product, as one shopper meets it now.
#[derive(Clone, Debug, PartialEq)]
pub enum DealNow {
    /// One more unit is at the deal price.
    Open(Deal),
    /// The deal runs, but this shopper's orders and cart hold all the units
    /// one shopper may buy at its price (`per_buyer`): more are at the regular price.
    LimitReached(u32),
}

/// The deal on `product` that holds now, on the picture's clock, once the
/// picture shows its start, as the pricing rule checkout applies prices one
/// more unit for this shopper.
pub fn deal_now(state: Store<State>, product: Memo<Option<Product>>) -> Memo<Option<DealNow>> {
    let clock = expect_context::<DealClock>();
    Memo::new(move |_| {
        let product = product.read();
        let product = product.as_ref()?;
        let now = clock.0.get();
        let deals = state.deals().read();
        let ending = state.ending_deals().read();
        // A deal is announced when the picture reaches its start (store::picture).
        let held = state.held_deals().read();
        let deal = deals
            .iter()
            .chain(ending.iter())
            .find(|d| d.product_id == product.id && d.live_at(now) && !held.contains(&d.id))?;
        let cart = state.cart().read();
        let mut offers = pricing::offers(std::slice::from_ref(deal), &cart.bought);
        // Units already in the cart take their share of the limit first.
        let in_cart: u32 = cart
            .lines
            .iter()
            .filter(|l| l.product_id == product.id)
            .map(|l| l.quantity)
            .sum();
        offers[0].bought = offers[0].bought.saturating_add(in_cart);
        let unit = pricing::unit_price(&product.id, product.price.minor, &offers);
        if unit == deal.price.minor {
            Some(DealNow::Open(deal.clone()))
        } else {
            // Sold out is said by the stock; a used-up limit only here.
            (deal.remaining > 0).then_some(DealNow::LimitReached(deal.per_buyer))
        }
    })
}

/// `m:ss` (or `h:mm:ss`) until `ends_at_ms`, rounded up to the second.
fn countdown(ends_at_ms: i64, now_ms: i64) -> String {
    clock_text(((ends_at_ms - now_ms).max(0) + 999) / 1000)
}

/// A product's price now: the deal price, struck regular price and countdown
/// while a deal holds; the regular price otherwise.
#[component]
pub fn ProductPrice(
    /// The whole state.
    state: Store<State>,
    /// The product.
    product: Memo<Option<Product>>,
    /// Class for the price itself.
    class: &'static str,
) -> impl IntoView {
    let text = i18n::text();
    let clock = expect_context::<DealClock>();
    let now = deal_now(state, product);
    let deal = Memo::new(move |_| match now.get() {
        Some(DealNow::Open(deal)) => Some(deal),
        _ => None,
    });
    let limit = Memo::new(move |_| match now.get() {
        Some(DealNow::LimitReached(per_buyer)) => Some(per_buyer),
        _ => None,
    });
    let regular = Signal::derive(move || product.read().as_ref().map(|p| p.price.clone()));
    let deal_price = Signal::derive(move || deal.read().as_ref().map(|d| d.price.clone()));
    view! {
        <Show
            when=move || deal.read().is_some()
            fallback=move || view! {
                <Price locale=state.locale() money=regular class/>
                <PastDeal state product/>
                {move || limit.get().map(|per_buyer| view! {
                    <span class="lapak-deal-flag is-limit" data-testid="deal-limit">{(text.deal_limit_reached)(per_buyer)}</span>
                })}
            }
        >
            <span class="lapak-deal" data-testid="deal">
                <span class="lapak-deal-prices">
                    <Price locale=state.locale() money=deal_price class=class/>
                    <s class="lapak-was" aria-label=text.regular_price><Price locale=state.locale() money=regular/></s>
                </span>
                <span class="lapak-deal-meta">
                    <span class="lapak-deal-flag">{text.flash_deal}</span>
                    <span data-testid="deal-countdown" role="timer">
                        {move || deal.read().as_ref().map(|d| (text.deal_ends_in)(&countdown(d.ends_at_ms, clock.0.get())))}
                    </span>
                    <span class="lapak-deal-left">{move || deal.read().as_ref().map(|d| (text.deal_left)(d.remaining))}</span>
                </span>
            </span>
        </Show>
    }
}

/// A flash deal a replay shows on a product: said to have ended, with no
/// price and no countdown (a replay sells at today's prices).
#[component]
fn PastDeal(state: Store<State>, product: Memo<Option<Product>>) -> impl IntoView {
    let text = i18n::text();
    let deals = state.replay().deals();
    let ended = move || {
        let product = product.read();
        let id = product.as_ref().map(|p| p.id.as_str());
        deals
            .read()
            .iter()
            .any(|d| Some(d.product_id.as_str()) == id)
    };
    move || {
        ended().then(|| {
            view! { <span class="lapak-deal-flag is-ended" data-testid="deal-ended">{text.past_deal}</span> }
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn countdown_rounds_up_to_the_second_and_stops_at_zero() {
        assert_eq!(super::countdown(61_001, 0), "1:02");
        assert_eq!(super::countdown(60_000, 0), "1:00");
        assert_eq!(super::countdown(3_600_000, 0), "1:00:00");
        assert_eq!(super::countdown(0, 5_000), "0:00");
    }
}
